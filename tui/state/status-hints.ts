import { PROVIDERS_LEGEND } from '../../src/domain/provider-marks.js';
import type { BrowserState } from './browser-state.js';

/** The key hints for what the user can do right now, most useful first, so a narrow screen cuts the least useful. */
export function statusHints(state: BrowserState): string[] {
  switch (state.mode.kind) {
    case 'filter':
      return ['type to filter', 'Enter keep', 'Esc clear'];
    case 'prompt':
      return state.mode.purpose === 'message' ? ['Enter send', 'Esc cancel'] : ['Enter save', 'Esc cancel'];
    case 'confirm':
      return ['y yes', 'any other key: no'];
    case 'help':
      return ['any key: close help'];
    case 'handoff':
      if (state.mode.form.editingInclude) return ['globs, comma-separated', 'Enter save', 'Esc cancel'];
      if (state.mode.form.confirmingReplace) return ['y replace the target tree', 'n back'];
      return ['↑↓ field', '←→ change', 'Enter hand off', 'Esc cancel'];
    case 'progress':
      return state.mode.progress.finished ? ['Enter close'] : ['handing off…'];
    case 'browse':
      break;
  }
  // Help and quit stay in view even at 80 columns; help lists the rest.
  switch (state.tab) {
    case 'sessions':
      return ['Enter attach/resume', '? help', 'q quit', '/ filter', 'm message', 'n new', 'R rename', 'h handoff', 's stop', 'a archive', 'r refresh'];
    case 'direct':
      return ['t take over', 'h handoff', '? help', 'q quit', '/ filter', 'r refresh', 'Tab next tab'];
    case 'machines':
      return ['? help', 'q quit', PROVIDERS_LEGEND, 'r check again', '/ filter', 'Tab next tab'];
  }
}

export const HELP_LINES: readonly (readonly [string, string])[] = [
  ['↑ ↓ j k', 'move'],
  ['PgUp PgDn g G', 'page, first, last'],
  ['Tab ← →, 1 2 3', 'switch tab: Sessions, Direct, Machines'],
  ['/', 'fuzzy filter (Esc clears)'],
  ['Enter', 'attach if active, resume if resumable, else say why not'],
  ['m', 'send a message to the session (resumes it first if needed)'],
  ['n', 'new session'],
  ['t', 'take over a direct session (Direct tab)'],
  ['a', 'archive / unarchive'],
  ['A', 'show or hide archived sessions'],
  ['R', 'rename'],
  ['s', 'stop a running session'],
  ['h', 'hand off to another machine'],
  ['J K', 'scroll the transcript preview'],
  ['r', 'refresh now'],
  ['?', 'this help'],
  ['q', 'quit'],
];
