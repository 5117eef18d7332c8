/** How to bring a recorded Windows Terminal tab to the front. */
export interface WindowsTerminalFocus {
  readonly kind: 'windows-terminal';
  readonly bin: 'wt.exe';
  readonly args: readonly string[];
}

export function windowsTerminalFocusPlan(record: { readonly window: string; readonly tab: number }): WindowsTerminalFocus {
  return { kind: 'windows-terminal', bin: 'wt.exe', args: ['-w', record.window, 'focus-tab', '-t', String(record.tab)] };
}
