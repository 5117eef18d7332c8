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

/** A key of the browse mode: the names the reducer reads, and how help and man show them. */
export interface BrowserKey {
  readonly keys: readonly string[];
  readonly label: string;
  readonly does: string;
}

/**
 * Every key the browser binds while browsing, in the order help lists them. The help
 * overlay and happier(1) are both made from this table, and a test checks it against
 * the keys the reducer really answers. Seventeen short lines: the help box still fits
 * whole in a 60x20 terminal.
 */
export const BROWSER_KEYS: readonly BrowserKey[] = [
  { keys: ['up', 'down', 'k', 'j'], label: '↑ ↓ j k', does: 'move' },
  { keys: ['pageup', 'pagedown', 'g', 'G', 'home', 'end'], label: 'PgUp PgDn g G', does: 'page, first, last (Home End too)' },
  { keys: ['tab', 'right', 'S-tab', 'left', '1', '2', '3'], label: 'Tab ← → 1 2 3', does: 'switch tab (S-Tab goes back)' },
  { keys: ['/', 'escape'], label: '/ Esc', does: 'fuzzy filter, clear the filter' },
  { keys: ['enter'], label: 'Enter', does: 'attach or resume, or say why not' },
  { keys: ['m'], label: 'm', does: 'send a message (resumes if needed)' },
  { keys: ['n'], label: 'n', does: 'new session' },
  { keys: ['t'], label: 't', does: 'take over a direct session' },
  { keys: ['a'], label: 'a', does: 'archive / unarchive' },
  { keys: ['A'], label: 'A', does: 'show or hide archived sessions' },
  { keys: ['R'], label: 'R', does: 'rename' },
  { keys: ['s'], label: 's', does: 'stop a running session' },
  { keys: ['h'], label: 'h', does: 'hand off to another machine' },
  { keys: ['J', 'K'], label: 'J K', does: 'scroll the transcript preview' },
  { keys: ['r'], label: 'r', does: 'refresh now' },
  { keys: ['?'], label: '?', does: 'this help' },
  { keys: ['q', 'C-c'], label: 'q Ctrl-C', does: 'quit' },
];

export const HELP_LINES: readonly (readonly [string, string])[] = BROWSER_KEYS.map((k) => [k.label, k.does] as const);
