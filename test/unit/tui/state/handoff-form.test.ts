import { describe, expect, it } from 'vitest';
import type { Machine } from '../../../../src/domain/machine.js';
import { DEFAULT_SETTINGS, resolveSettings } from '../../../../src/domain/settings.js';
import { UNKNOWN_STATUS, type MachineStatus } from '../../../../tui/state/browser-rows.js';
import { handoffFormKey, openHandoffForm, type HandoffForm, type HandoffSubject } from '../../../../tui/state/handoff-form.js';
import { keyOf } from '../../../../tui/state/key.js';

const machine = (id: string, name: string, isSelf = false): Machine => ({
  id,
  name,
  sshTarget: isSelf ? null : `dev@${name}`,
  identityFile: null,
  isSelf,
  createdAt: '2026-01-01T00:00:00Z',
});

const subject = (over: Partial<HandoffSubject> = {}): HandoffSubject => ({
  kind: 'session',
  key: 's1',
  label: 'fix the tests',
  agent: 'claude',
  cwd: '/home/dev/web',
  vendorSessionId: 'v1',
  ownerMachineId: 'self',
  ...over,
});

const online = (providers: string[]): MachineStatus => ({ online: true, reason: null, providers });

const machines = [
  { machine: machine('self', 'laptop', true), status: UNKNOWN_STATUS },
  { machine: machine('m-off', 'attic'), status: { online: false, reason: 'connection refused', providers: null } },
  { machine: machine('m-noclaude', 'buildbox'), status: online(['codex']) },
  { machine: machine('m-ok', 'desktop'), status: online(['claude', 'codex']) },
];

function press(form: HandoffForm, ...keys: string[]) {
  let r: ReturnType<typeof handoffFormKey> = { kind: 'form', form };
  for (const k of keys) {
    if (r.kind !== 'form') break;
    r = handoffFormKey(r.form, keyOf(k));
  }
  return r;
}

describe('handoff form', () => {
  it('disables the owner, offline machines and machines without the provider, with reasons', () => {
    const form = openHandoffForm({ subject: subject(), machines, settings: DEFAULT_SETTINGS, unsafeWorkspace: null });
    expect(form.destinations.map((d) => [d.name, d.disabled])).toEqual([
      ['laptop', 'current owner'],
      ['attic', 'offline: connection refused'],
      ['buildbox', 'claude is not installed there'],
      ['desktop', null],
    ]);
    expect(form.destination).toBe(3);
  });

  it('takes its defaults from the handoff.* settings', () => {
    const settings = resolveSettings(new Map<string, unknown>([
      ['handoff.workspace', true],
      ['handoff.conflict', 'replace'],
      ['handoff.ignored', 'include-selected'],
      ['handoff.include', ['.env.local']],
      ['handoff.directMode', 'convert'],
    ]));
    const form = openHandoffForm({ subject: subject({ kind: 'direct' }), machines, settings, unsafeWorkspace: null });
    expect(form).toMatchObject({ workspace: true, conflict: 'replace', ignored: 'include-selected', include: ['.env.local'], directMode: 'convert' });
    expect(openHandoffForm({ subject: subject(), machines, settings, unsafeWorkspace: null }).directMode).toBeNull();
  });

  it('forces workspace transfer off for an unsafe path and says why when toggled', () => {
    const settings = resolveSettings(new Map([['handoff.workspace', true]]));
    const form = openHandoffForm({ subject: subject({ cwd: '/home/dev' }), machines, settings, unsafeWorkspace: 'the workspace is your home directory' });
    expect(form.workspace).toBe(false);
    const r = press(form, 'down', 'right');
    expect(r).toMatchObject({ kind: 'form', form: { workspace: false, error: 'workspace transfer is forced off: the workspace is your home directory' } });
  });

  it('asks to confirm replace before submitting', () => {
    const form = openHandoffForm({ subject: subject(), machines, settings: DEFAULT_SETTINGS, unsafeWorkspace: null });
    let r = press(form, 'down', 'down', 'right', 'enter');
    expect(r).toMatchObject({ kind: 'form', form: { conflict: 'replace', confirmingReplace: true } });
    r = press((r as { form: HandoffForm }).form, 'y');
    expect(r).toEqual({
      kind: 'submit',
      request: {
        subject: subject(),
        to: 'desktop',
        toMachineId: 'm-ok',
        workspace: false,
        conflict: 'replace',
        confirmed: true,
        ignored: 'exclude',
        include: [],
        directMode: null,
      },
    });
  });

  it('refuses to submit when no machine can take the session', () => {
    const only = [machines[0]!, machines[1]!];
    const form = openHandoffForm({ subject: subject(), machines: only, settings: DEFAULT_SETTINGS, unsafeWorkspace: null });
    const r = press(form, 'enter');
    expect(r.kind).toBe('form');
    expect((r as { form: HandoffForm }).form.error).toBe(
      'no machine can take this session (laptop: current owner; attic: offline: connection refused)',
    );
  });

  it('edits include globs, switching to include-selected, and rejects globs that leave the workspace', () => {
    const form = openHandoffForm({ subject: subject(), machines, settings: DEFAULT_SETTINGS, unsafeWorkspace: null });
    let r = press(form, 'down', 'down', 'down', 'down', 'enter', ...'dist/**, .env.local'.split(''), 'enter');
    expect(r).toMatchObject({ kind: 'form', form: { include: ['dist/**', '.env.local'], ignored: 'include-selected', editingInclude: null } });
    r = press((r as { form: HandoffForm }).form, 'enter', 'C-u', ...'../secrets'.split(''), 'enter');
    expect((r as { form: HandoffForm }).form.error).toBe('include glob "../secrets" may not climb out of the workspace with ..');
  });
});
