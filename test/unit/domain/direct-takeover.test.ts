import { describe, expect, it } from 'vitest';
import { takeoverSession } from '../../../src/domain/direct-takeover.js';
import type { DirectSession } from '../../../src/domain/session.js';
import { DEFAULT_SETTINGS, resolveSettings } from '../../../src/domain/settings.js';

const direct = (agent: DirectSession['agent']): DirectSession => ({
  agent,
  vendorSessionId: 'v-1',
  cwd: '/w/p',
  title: 'fix it',
  updatedAt: '2026-11-01T00:00:00.000Z',
  sizeBytes: 10,
  messageCount: 2,
  path: '/x',
});

describe('takeoverSession', () => {
  it('keeps the vendor id, cwd and title, owned by this machine, created now', () => {
    expect(takeoverSession(direct('claude'), { id: 'h-1', machineId: 'm-1', settings: DEFAULT_SETTINGS, now: new Date('2026-11-22T00:00:00.000Z') })).toEqual({
      id: 'h-1',
      agent: 'claude',
      backend: 'cli',
      vendorSessionId: 'v-1',
      title: 'fix it',
      cwd: '/w/p',
      ownerMachineId: 'm-1',
      createdAt: '2026-11-22T00:00:00.000Z',
      updatedAt: '2026-11-22T00:00:00.000Z',
      lastActivityAt: '2026-11-01T00:00:00.000Z',
    });
  });

  it("gives Codex the configured backend path, others 'cli'", () => {
    const settings = resolveSettings(new Map([['backends.codex.path', 'acp']]));
    const opts = { id: 'h', machineId: 'm', settings, now: new Date() };
    expect(takeoverSession(direct('codex'), opts).backend).toBe('acp');
    expect(takeoverSession(direct('opencode'), opts).backend).toBe('cli');
  });
});
