import { describe, expect, it } from 'vitest';
import { inputAvailability, type InputFacts } from '../../../src/domain/session-input.js';
import { sendRoute, fallbackAfterSsh } from '../../../src/domain/send-route.js';

const base: InputFacts = { archived: false, active: false, resume: { status: 'yes' }, ownedHere: true, ownerReachable: false };

describe('inputAvailability', () => {
  it('is enabled for a running session, and for an inactive resumable one', () => {
    expect(inputAvailability({ ...base, active: true })).toEqual({ state: 'enabled', reason: 'running' });
    expect(inputAvailability(base)).toEqual({ state: 'enabled', reason: 'resumable' });
  });
  it('names why it is disabled: archived first, then the resume block', () => {
    expect(inputAvailability({ ...base, archived: true, active: true })).toEqual({ state: 'disabled', reason: 'archived' });
    expect(inputAvailability({ ...base, resume: { status: 'no', reason: 'missing-id' } })).toEqual({ state: 'disabled', reason: 'not-resumable:missing-id' });
  });
  it("leaves another machine's session to its owner when the owner can be reached", () => {
    expect(inputAvailability({ ...base, ownedHere: false, ownerReachable: true })).toEqual({ state: 'enabled', reason: 'owner-elsewhere' });
    expect(inputAvailability({ ...base, ownedHere: false })).toEqual({ state: 'disabled', reason: 'owner-offline' });
  });
  it("shows what a reachable owner published; an unreachable owner's old word counts for nothing", () => {
    const resumable = { state: 'enabled', reason: 'resumable' } as const;
    expect(inputAvailability({ ...base, ownedHere: false, ownerReachable: true, ownerInput: resumable })).toEqual(resumable);
    expect(inputAvailability({ ...base, ownedHere: false, ownerReachable: false, ownerInput: resumable })).toEqual({ state: 'disabled', reason: 'owner-offline' });
    expect(inputAvailability({ ...base, archived: true, ownedHere: false, ownerReachable: true, ownerInput: resumable })).toEqual({ state: 'disabled', reason: 'archived' });
  });
});

describe('sendRoute', () => {
  it('delivers here, else over ssh, else through the server, else nowhere', () => {
    expect(sendRoute({ ownedHere: true, ownerSshTarget: 'b', serverConnected: true })).toBe('local');
    expect(sendRoute({ ownedHere: false, ownerSshTarget: 'b', serverConnected: true })).toBe('ssh');
    expect(sendRoute({ ownedHere: false, ownerSshTarget: null, serverConnected: true })).toBe('relay');
    expect(sendRoute({ ownedHere: false, ownerSshTarget: null, serverConnected: false })).toBe('none');
    expect(fallbackAfterSsh({ ownedHere: false, ownerSshTarget: 'b', serverConnected: false })).toBe('none');
  });
});
