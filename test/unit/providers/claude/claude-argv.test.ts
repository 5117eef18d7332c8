import { describe, expect, it } from 'vitest';
import { claudeProvider } from '../../../../src/providers/claude/claude-provider.js';
import type { ProviderContext } from '../../../../src/providers/provider.js';

const ctx = (env: Record<string, string> = {}): ProviderContext => ({
  env,
  homeDir: '/home/dev',
  runner: { run: async () => ({ code: 0, signal: null, stdout: '', stderr: '' }) },
});
const ID = '0b7f3c2e-5a7d-4e8b-9c1d-2f3a4b5c6d7e';

describe('claude launch and resume argv', () => {
  it('uses CLAUDE_CONFIG_DIR and HAPPIER_CLAUDE_BIN when set', () => {
    expect(claudeProvider.root(ctx())).toBe('/home/dev/.claude');
    expect(claudeProvider.root(ctx({ CLAUDE_CONFIG_DIR: '/cfg' }))).toBe('/cfg');
    expect(claudeProvider.binary(ctx())).toBe('claude');
    expect(claudeProvider.binary(ctx({ HAPPIER_CLAUDE_BIN: '/opt/claude' }))).toBe('/opt/claude');
  });

  it('starts a new session with its id given up front', () => {
    expect(claudeProvider.launchCommand(ctx(), { cwd: '/w', vendorSessionId: ID, extraArgs: ['--model', 'x'] })).toEqual({
      bin: 'claude',
      args: ['--session-id', ID, '--model', 'x'],
      cwd: '/w',
    });
  });

  it('resumes interactively, or with -p and the message as one argv element', () => {
    expect(claudeProvider.resumeCommand(ctx(), { cwd: '/w', vendorSessionId: ID })).toEqual({
      bin: 'claude',
      args: ['--resume', ID],
      cwd: '/w',
    });
    expect(claudeProvider.resumeCommand(ctx(), { cwd: '/w', vendorSessionId: ID, message: 'hi; rm -rf ~' }).args).toEqual([
      '-p',
      '--resume',
      ID,
      'hi; rm -rf ~',
    ]);
  });

  it('rejects a vendor id that is not a UUID, so it cannot inject flags (USAGE)', () => {
    for (const bad of ['--dangerously-skip-permissions', `${ID} --x`, 'ses_abc', '']) {
      expect(claudeProvider.isVendorId(bad)).toBe(false);
      expect(() => claudeProvider.resumeCommand(ctx(), { cwd: '/w', vendorSessionId: bad })).toThrow(
        expect.objectContaining({ code: 'USAGE' }),
      );
    }
    expect(claudeProvider.isVendorId(ID)).toBe(true);
  });
});
