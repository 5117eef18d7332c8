import { randomUUID } from 'node:crypto';
import type { Session } from '../../src/domain/session.js';

let clock = Date.parse('2026-11-01T12:00:00.000Z');

/** A complete session record with sensible values; tests override what they care about. */
export function makeSession(over: Partial<Session> = {}): Session {
  clock += 1000;
  const at = new Date(clock).toISOString();
  return {
    id: randomUUID(),
    agent: 'claude',
    backend: 'cli',
    vendorSessionId: randomUUID(),
    title: 'fix the flaky test',
    cwd: '/home/dev/project',
    ownerMachineId: 'machine-self',
    ownerEpoch: 0,
    archived: false,
    createdAt: at,
    updatedAt: at,
    lastActivityAt: at,
    terminal: null,
    ...over,
  };
}
