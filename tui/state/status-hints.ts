import type { BrowserState } from './browser-state.js';

/** The key hints for what the user can do right now, most useful first, so a narrow screen cuts the least useful. */
export function statusHints(state: BrowserState): string[] {
  switch (state.mode.kind) {
    case 'filter':
      return ['type to filter', 'Enter keep', 'Esc clear'];
    case 'prompt':
      return ['Enter save', 'Esc cancel'];
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
  const common = ['/ filter', 'r refresh', '? help', 'q quit'];
  switch (state.tab) {
    case 'sessions':
      return ['Enter attach/resume', 'n new', 'R rename', 'a archive', 's stop', 'h handoff', ...common];
    case 'direct':
      return ['t take over', 'h handoff', ...common];
    case 'machines':
      return common;
  }
}

export const HELP_LINES: readonly (readonly [string, string])[] = [
  ['↑ ↓ j k', 'move'],
  ['PgUp PgDn g G', 'page, first, last'],
  ['Tab ← →, 1 2 3', 'switch tab: Sessions, Direct, Machines'],
  ['/', 'fuzzy filter (Esc clears)'],
  ['Enter', 'attach if active, resume if resumable, else say why not'],
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
