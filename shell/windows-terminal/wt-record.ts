import type { TerminalRecord } from '../../src/domain/session.js';

/**
 * The Windows Terminal tab a session starts in, from what WT gives its children:
 * `WT_SESSION` names the tab's connection. WT does not tell a child its window or tab
 * index, so the launcher passes the window it opened the tab in and the tab's index.
 */
export function windowsTerminalRecord(
  env: Readonly<Record<string, string | undefined>>,
  where: { readonly window: string; readonly tab: number },
): TerminalRecord | null {
  const wtSession = env.WT_SESSION;
  if (!wtSession) return null;
  return { kind: 'windows-terminal', wtSession, window: where.window, tab: where.tab };
}

