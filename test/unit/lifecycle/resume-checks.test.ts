import { describe, expect, it } from 'vitest';
import { HappierError } from '../../../src/domain/errors.js';
import { DEFAULT_SETTINGS, resolveSettings } from '../../../src/domain/settings.js';
import { resumeRefusal, type ResumeFacts } from '../../../src/lifecycle/resume-checks.js';
import { makeSession } from '../../helpers/session-factory.js';

const session = makeSession({ id: '3f2a9c1e-0ffe-4a7b-9c2d-1e2f3a4b5c6d', ownerMachineId: 'self' });
const ok: ResumeFacts = { session, selfMachineId: 'self', owner: null, active: false, settings: DEFAULT_SETTINGS, cwdExists: true, hasConversation: true };

function refusal(over: Partial<ResumeFacts>) {
  const err = resumeRefusal({ ...ok, ...over });
  expect(err).toBeInstanceOf(HappierError);
  return { code: err!.code, message: err!.message, hint: err!.hint, details: err!.details };
}

describe('resumeRefusal', () => {
  it('lets a resumable, inactive, local session through', () => {
    expect(resumeRefusal(ok)).toBeNull();
  });

  it('refuses an archived session first', () => {
    expect(refusal({ session: { ...session, archived: true }, active: true, cwdExists: false })).toEqual({
      code: 'ARCHIVED',
      message: 'session 3f2a9c1e is archived',
      hint: 'bring it back with `happier session unarchive 3f2a9c1e` first',
      details: {},
    });
  });

  it('sends a session owned elsewhere to its owner over ssh -t', () => {
    expect(refusal({ session: { ...session, ownerMachineId: 'm2' }, owner: { name: 'build-box', sshTarget: 'dev@build.lan' } })).toEqual({
      code: 'NOT_OWNER',
      message: 'session 3f2a9c1e is owned by build-box, not this machine',
      hint: `run it there: ssh -t dev@build.lan '$SHELL -lc "happier resume ${session.id}"'`,
      details: { owner: 'build-box', ssh: `ssh -t dev@build.lan '$SHELL -lc "happier resume ${session.id}"'` },
    });
  });

  it('points a running session to attach', () => {
    expect(refusal({ active: true })).toEqual({
      code: 'ALREADY_ACTIVE',
      message: 'session 3f2a9c1e is already running',
      hint: 'happier attach 3f2a9c1e',
      details: {},
    });
  });

  it.each([
    ['off', { 'backends.claude.enabled': false }, {}],
    ['disabled', { 'backends.claude.resume': false }, {}],
    ['missing-id', {}, { vendorSessionId: null }],
    ['unsupported', {}, { agent: 'codex' as const, backend: 'mcp' as const }],
  ])('names the reason when it is not resumable: %s', (reason, stored, change) => {
    const r = refusal({ settings: resolveSettings(new Map(Object.entries(stored))), session: { ...session, ...change } });
    expect(r.code).toBe('NOT_RESUMABLE');
    expect(r.details).toEqual({ reason });
  });

  it('says there is nothing to resume when the provider never got a first message', () => {
    expect(refusal({ hasConversation: false, cwdExists: false })).toEqual({
      code: 'NOTHING_TO_RESUME',
      message: 'nothing to resume yet: the session never got a first message',
      hint: 'start a new session with `happier new --agent claude` and give it a first message',
      details: { reason: 'empty' },
    });
  });

  it('names the older reasons before an empty conversation', () => {
    expect(refusal({ hasConversation: false, session: { ...session, vendorSessionId: null } })).toMatchObject({ code: 'NOT_RESUMABLE', details: { reason: 'missing-id' } });
    expect(refusal({ hasConversation: false, active: true }).code).toBe('ALREADY_ACTIVE');
  });

  it('refuses when the cwd is gone', () => {
    expect(refusal({ cwdExists: false })).toEqual({
      code: 'PATH_MISSING',
      message: `the session's directory ${session.cwd} no longer exists`,
      hint: `the provider reopens it only from that folder, which is gone on this machine: restore ${session.cwd} (or check it out there again), then \`happier resume ${session.id.slice(0, 8)}\`; \`happier session show ${session.id.slice(0, 8)}\` shows the path`,
      details: { path: session.cwd },
    });
  });
});
