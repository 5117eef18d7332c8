import { sanitize, textWidth, truncateEnd } from '../../src/domain/text-width.js';

/**
 * tmux re-reads its own argv as a command list: an argument ending in `;` ends the
 * command (so `x;` would split it), and `\;` at the end stands for a literal `;`. One
 * backslash before the final `;` keeps any such argument exactly as given, including
 * one that already ends in `\;`. Nothing else in a shell-command's argv is touched.
 */
export function escapeTmuxArgument(arg: string): string {
  return arg.endsWith(';') ? `${arg.slice(0, -1)}\\;` : arg;
}

/** `-c` is expanded as a format, so a `#` in a directory name must be doubled. */
export function escapeTmuxFormat(text: string): string {
  return text.replaceAll('#', '##');
}

/** tmux session names cannot hold `.` or `:`; happier's ids never do, but a caller could. */
export function tmuxSessionName(happierId: string): string {
  return `happier-${happierId.slice(0, 8).replace(/[.:]/g, '-')}`;
}

/** A title longer than this would crowd the window list off the status line. */
export const STATUS_TITLE_WIDTH = 40;

/**
 * The session's own `status-left`: its name and title, and a `status-left-length` that
 * holds them. tmux's default length, 10, cut every name to `[happier-6`. Both are set on
 * happier's session only, so the user's other sessions keep their status line.
 */
export function statusLeft(sessionName: string, title: string): { format: string; length: number } {
  const shown = truncateEnd(sanitize(title).trim(), STATUS_TITLE_WIDTH);
  const text = `[${sessionName}] ${shown ? `${shown} ` : ''}`;
  return { format: escapeTmuxFormat(text), length: textWidth(text) };
}
