import { describe, expect, it } from 'vitest';
import { windowsTerminalFocusPlan } from '../../../shell/windows-terminal/wt-attach.js';
import { windowsTerminalRecord } from '../../../shell/windows-terminal/wt-record.js';

describe('Windows Terminal', () => {
  it('records WT_SESSION with the window and tab the session was opened in', () => {
    expect(windowsTerminalRecord({ WT_SESSION: '0f1e2d3c-aaaa-4bbb-8ccc-000000000001' }, { window: '0', tab: 3 })).toEqual({
      kind: 'windows-terminal',
      wtSession: '0f1e2d3c-aaaa-4bbb-8ccc-000000000001',
      window: '0',
      tab: 3,
    });
  });

  it('records nothing outside Windows Terminal', () => {
    expect(windowsTerminalRecord({}, { window: '0', tab: 0 })).toBeNull();
  });

  it('plans `wt.exe -w <window> focus-tab -t <n>`', () => {
    expect(windowsTerminalFocusPlan({ window: 'happier', tab: 0 })).toEqual({
      kind: 'windows-terminal',
      bin: 'wt.exe',
      args: ['-w', 'happier', 'focus-tab', '-t', '0'],
    });
  });
});
