import { describe, expect, it } from 'vitest';
import { HappierError } from '../../../src/domain/errors.js';
import { canAdvance, recoveryPlan, type JournalEntry } from '../../../src/domain/handoff-journal.js';
import { resolveHandoffOptions } from '../../../src/domain/handoff-options.js';
import { preflightHandoff, type PreflightInput } from '../../../src/domain/handoff-preflight.js';
import { DEFAULT_SETTINGS, resolveSettings } from '../../../src/domain/settings.js';
import { siblingCandidates, unsafeWorkspaceReason } from '../../../src/domain/workspace-safety.js';

describe('handoff options', () => {
  it('takes the settings as defaults and lets each flag override them once', () => {
    expect(resolveHandoffOptions(DEFAULT_SETTINGS.handoff, {})).toEqual({
      workspace: false,
      conflict: 'sibling',
      confirmed: false,
      ignored: 'exclude',
      include: [],
      targetPath: null,
      directMode: 'keep',
      dryRun: false,
    });
    const custom = resolveSettings(new Map<string, unknown>([['handoff.workspace', true], ['handoff.include', ['dist/**']]])).handoff;
    expect(resolveHandoffOptions(custom, { workspace: false, conflict: 'replace', yes: true, targetPath: '/srv/p' })).toMatchObject({
      workspace: false,
      conflict: 'replace',
      confirmed: true,
      include: ['dist/**'],
      targetPath: '/srv/p',
    });
  });

  it('treats --include as choosing include-selected', () => {
    expect(resolveHandoffOptions(DEFAULT_SETTINGS.handoff, { include: ['.env.local'] })).toMatchObject({
      ignored: 'include-selected',
      include: ['.env.local'],
    });
  });
});

describe('unsafe workspace paths', () => {
  const home = { homeDir: '/home/dev', realHome: '/home/dev' };
  it('refuses the root, the home directory, ~, and folders containing home', () => {
    expect(unsafeWorkspaceReason({ cwd: '/', realCwd: '/', ...home })).toMatch(/filesystem root/);
    expect(unsafeWorkspaceReason({ cwd: '/home/dev/', realCwd: '/home/dev', ...home })).toMatch(/home directory/);
    expect(unsafeWorkspaceReason({ cwd: '~', realCwd: null, ...home })).toMatch(/`~`/);
    expect(unsafeWorkspaceReason({ cwd: '/home', realCwd: '/home', ...home })).toMatch(/contains your home/);
    expect(unsafeWorkspaceReason({ cwd: 'C:\\', realCwd: null, ...home })).toMatch(/drive root/);
  });

  it('catches a path that resolves to home through a symlink', () => {
    expect(unsafeWorkspaceReason({ cwd: '/work/me', realCwd: '/home/dev', ...home })).toBe(
      'the workspace resolves to your home directory (/home/dev)',
    );
    expect(unsafeWorkspaceReason({ cwd: '/home/dev', realCwd: '/data/dev', homeDir: '/home/dev', realHome: '/data/dev' })).toMatch(/home/);
  });

  it('allows a project inside home', () => {
    expect(unsafeWorkspaceReason({ cwd: '/home/dev/src/app', realCwd: '/home/dev/src/app', ...home })).toBeNull();
    expect(unsafeWorkspaceReason({ cwd: '/home/devtools', realCwd: '/home/devtools', ...home })).toBeNull();
  });

  it('offers numbered siblings', () => {
    const it = siblingCandidates('/srv/app/');
    expect([it.next().value, it.next().value]).toEqual(['/srv/app-2', '/srv/app-3']);
  });
});

describe('handoff preflight', () => {
  const desk = { id: 'm-desk', name: 'desktop', sshTarget: 'dev@desk', identityFile: null, isSelf: false, createdAt: '' };
  const base: PreflightInput = {
    agent: 'claude',
    ownerMachineId: 'm-self',
    selfMachineId: 'm-self',
    settings: DEFAULT_SETTINGS,
    targetName: 'desktop',
    target: desk,
    probe: { online: true, providers: ['claude', 'opencode'], happierVersion: '0.1.0' },
    workspaceRequested: true,
    unsafeWorkspace: null,
  };
  const code = (over: Partial<PreflightInput>) => {
    try {
      preflightHandoff({ ...base, ...over });
      return 'ok';
    } catch (err) {
      return (err as HappierError).code;
    }
  };

  it('passes a supported provider to a reachable machine that has the CLI', () => {
    expect(preflightHandoff(base)).toEqual({ workspace: true, notes: [] });
  });

  it('refuses each failing check with its stable code', () => {
    expect(code({ agent: 'codex', probe: { online: true, providers: ['codex'], happierVersion: '0.1.0' } })).toBe('UNSUPPORTED_PROVIDER');
    expect(code({ ownerMachineId: 'm-other' })).toBe('NOT_OWNER');
    expect(code({ target: undefined })).toBe('MACHINE_UNKNOWN');
    expect(code({ target: { ...desk, id: 'm-self' } })).toBe('USAGE');
    expect(code({ probe: { online: false, reason: 'connection refused' } })).toBe('MACHINE_OFFLINE');
    expect(code({ agent: 'codex', settings: resolveSettings(new Map([['handoff.codexExperimental', true]])) })).toBe('PROVIDER_MISSING');
  });

  it('lets Codex through once the experimental setting is on', () => {
    const settings = resolveSettings(new Map([['handoff.codexExperimental', true]]));
    expect(code({ agent: 'codex', settings, probe: { online: true, providers: ['codex'], happierVersion: '0.1.0' } })).toBe('ok');
  });

  it('names the missing CLI, and how to install it there', () => {
    try {
      preflightHandoff({ ...base, agent: 'opencode', probe: { online: true, providers: ['claude'], happierVersion: '0.1.0' } });
      throw new Error('expected a refusal');
    } catch (err) {
      expect((err as HappierError).code).toBe('PROVIDER_MISSING');
      expect((err as HappierError).message).toBe('desktop has no opencode CLI');
      expect((err as HappierError).hint).toBe('install it on desktop with `npm i -g opencode-ai`, or set HAPPIER_OPENCODE_BIN there to its path');
    }
  });

  it('forces workspace transfer off for an unsafe path and says why', () => {
    expect(preflightHandoff({ ...base, unsafeWorkspace: 'the workspace is the filesystem root' })).toEqual({
      workspace: false,
      notes: ['workspace transfer is off: the workspace is the filesystem root'],
    });
  });
});

describe('handoff journal recovery', () => {
  const entry = (step: JournalEntry['step'], sourceWasRunning = true): JournalEntry => ({
    id: 'h1',
    sessionId: 's1',
    targetMachineId: 'm-desk',
    step,
    sourceWasRunning,
    fromEpoch: 4,
  });

  it('undoes a handoff cut before the target registered, restarting the source only if it had been stopped', () => {
    expect(recoveryPlan(entry('planned'))).toEqual({ kind: 'undo', restartSource: false });
    expect(recoveryPlan(entry('target-prepared'))).toEqual({ kind: 'undo', restartSource: false });
    expect(recoveryPlan(entry('source-quiesced'))).toEqual({ kind: 'undo', restartSource: true });
    expect(recoveryPlan(entry('workspace-synced', false))).toEqual({ kind: 'undo', restartSource: false });
  });

  it('finishes a handoff once the target runs the session', () => {
    expect(recoveryPlan(entry('target-registered'))).toEqual({ kind: 'finish', commitSource: true });
    expect(recoveryPlan(entry('committed'))).toEqual({ kind: 'finish', commitSource: false });
  });

  it('leaves closed handoffs alone', () => {
    expect(recoveryPlan(entry('finished'))).toEqual({ kind: 'nothing' });
    expect(recoveryPlan(entry('rolled-back'))).toEqual({ kind: 'nothing' });
  });

  it('only moves forward, and cannot roll back past the commit', () => {
    expect(canAdvance('state-moved', 'workspace-synced')).toBe(true);
    expect(canAdvance('state-moved', 'target-prepared')).toBe(false);
    expect(canAdvance('target-registered', 'rolled-back')).toBe(true);
    expect(canAdvance('committed', 'rolled-back')).toBe(false);
    expect(canAdvance('finished', 'committed')).toBe(false);
  });
});
