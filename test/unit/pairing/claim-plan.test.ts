import { describe, expect, it } from 'vitest';
import { planClaim } from '../../../src/pairing/claim-plan.js';
import type { PairingTicket } from '../../../src/pairing/pairing-ticket.js';

const ticket = (over: Partial<PairingTicket['route']> = {}, id = 'c1a0de00-0000-4000-8000-000000000001'): PairingTicket => ({
  v: 1,
  session: { id, title: 'fix it', agent: 'claude' },
  route: { ownerMachineId: 'm-owner', ownerName: 'desk', sshTarget: 'dev@desk', ...over },
  source: { machineId: 'm-owner', name: 'desk', issuedAt: '2026-11-22T10:00:00.000Z' },
});

describe('planning a claim', () => {
  it('attaches here when this device owns the session', () => {
    expect(planClaim(ticket(), 'm-owner', [])).toEqual({
      kind: 'local',
      sessionId: 'c1a0de00-0000-4000-8000-000000000001',
      argv: ['happier', 'attach', 'c1a0de00-0000-4000-8000-000000000001'],
    });
  });

  it('goes through ssh -t to the owner otherwise', () => {
    expect(planClaim(ticket(), 'm-phone', [])).toEqual({
      kind: 'ssh',
      sessionId: 'c1a0de00-0000-4000-8000-000000000001',
      target: 'dev@desk',
      argv: ['ssh', '-t', 'dev@desk', 'happier', 'attach', 'c1a0de00-0000-4000-8000-000000000001'],
    });
  });

  it('passes HAPPIER_SSH_CONFIG on to ssh', () => {
    expect(planClaim(ticket(), 'm-phone', [], { sshConfig: '/tmp/cfg' }).argv).toEqual([
      'ssh', '-F', '/tmp/cfg', '-t', 'dev@desk', 'happier', 'attach', 'c1a0de00-0000-4000-8000-000000000001',
    ]);
  });

  it('prefers how this device itself reaches the owner', () => {
    const known = [{ id: 'm-owner', name: 'desk', sshTarget: 'desk-via-vpn' }];
    expect(planClaim(ticket(), 'm-phone', known)).toMatchObject({ target: 'desk-via-vpn' });
    const byName = [{ id: 'other-id', name: 'desk', sshTarget: 'desk-alias' }];
    expect(planClaim(ticket({ sshTarget: null }), 'm-phone', byName)).toMatchObject({ target: 'desk-alias' });
  });

  it('fails with MACHINE_UNKNOWN when no route is known', () => {
    expect(() => planClaim(ticket({ sshTarget: null }), 'm-phone', [])).toThrow(expect.objectContaining({ code: 'MACHINE_UNKNOWN' }));
  });

  it('refuses a ticket whose fields would smuggle options or shell into argv', () => {
    expect(() => planClaim(ticket({ sshTarget: '-oProxyCommand=evil' }), 'm-phone', [])).toThrow(expect.objectContaining({ code: 'MACHINE_UNKNOWN' }));
    expect(() => planClaim(ticket({}, 'x; rm -rf /'), 'm-phone', [])).toThrow(expect.objectContaining({ code: 'PROTOCOL' }));
  });
});
