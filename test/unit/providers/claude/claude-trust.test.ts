import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  claudeConfigPath,
  claudeGrantEdit,
  claudeRevokeEdit,
  claudeTrust,
  claudeTrusts,
  parseClaudeConfig,
} from '../../../../src/providers/claude/claude-trust.js';
import type { ProviderContext } from '../../../../src/providers/provider.js';
import type { TrustGrant } from '../../../../src/providers/provider-trust.js';
import { tempDir } from '../../../helpers/temp-dir.js';

describe('where Claude keeps folder trust', () => {
  it('is .claude.json in HOME, or in CLAUDE_CONFIG_DIR, unless the old .config.json exists', () => {
    const none = () => false;
    expect(claudeConfigPath({}, '/h', none)).toBe('/h/.claude.json');
    expect(claudeConfigPath({ CLAUDE_CONFIG_DIR: '/cfg' }, '/h', none)).toBe('/cfg/.claude.json');
    expect(claudeConfigPath({}, '/h', (p) => p === '/h/.claude/.config.json')).toBe('/h/.claude/.config.json');
    expect(claudeConfigPath({ CLAUDE_CONFIG_DIR: '/cfg' }, '/h', (p) => p === '/cfg/.config.json')).toBe('/cfg/.config.json');
  });
});

describe('the trust rules', () => {
  const config = { numStartups: 3, projects: { '/w/repo': { hasTrustDialogAccepted: true, allowedTools: [] }, '/w/no': { hasTrustDialogAccepted: false } } };

  it('trusts a folder whose entry, or the entry of a folder above it, accepted the dialog', () => {
    expect(claudeTrusts(config, '/w/repo')).toBe(true);
    expect(claudeTrusts(config, '/w/repo/sub/dir')).toBe(true);
    expect(claudeTrusts(config, '/w/repo/../repo/./x')).toBe(true);
    expect(claudeTrusts(config, '/w/no')).toBe(false);
    expect(claudeTrusts(config, '/w')).toBe(false);
    expect(claudeTrusts({}, '/w/repo')).toBe(false);
    expect(claudeTrusts({ projects: [] }, '/w/repo')).toBe(false);
  });

  it('adds an entry holding only the flag, keeps every other key, and revoking removes exactly that entry', () => {
    const edit = claudeGrantEdit(config, '/t/say "hi"/ünï')!;
    expect(edit.before).toEqual({ entry: false });
    expect(edit.next).toEqual({ ...config, projects: { ...config.projects, '/t/say "hi"/ünï': { hasTrustDialogAccepted: true } } });
    expect(claudeRevokeEdit(edit.next, '/t/say "hi"/ünï', edit.before)).toEqual(config);
  });

  it('sets the flag on an entry that exists, and revoking puts the old value back', () => {
    const edit = claudeGrantEdit(config, '/w/no')!;
    expect(edit.before).toEqual({ entry: true, flag: { value: false } });
    expect(claudeRevokeEdit(edit.next, '/w/no', edit.before)).toEqual(config);
    const bare = { projects: { '/w/b': { allowedTools: ['x'] } } };
    const e2 = claudeGrantEdit(bare, '/w/b')!;
    expect(e2.before).toEqual({ entry: true, flag: null });
    expect(claudeRevokeEdit(e2.next, '/w/b', e2.before)).toEqual(bare);
  });

  it('leaves what Claude wrote into a created entry since, and takes only the flag', () => {
    const edit = claudeGrantEdit({}, '/t/a')!;
    const later = { projects: { '/t/a': { hasTrustDialogAccepted: true, lastSessionId: 'x' } } };
    expect(claudeRevokeEdit(later, '/t/a', edit.before)).toEqual({ projects: { '/t/a': { lastSessionId: 'x' } } });
  });

  it('changes nothing for a folder already trusted, and revoking what is gone is a no-op', () => {
    expect(claudeGrantEdit(config, '/w/repo/sub')).toBeNull();
    expect(claudeRevokeEdit(config, '/t/a', { entry: false })).toBeNull();
    expect(claudeRevokeEdit(config, '/w/no', { entry: true, flag: { value: false } })).toBeNull();
  });

  it('refuses a config that is not a JSON object, with PROVIDER_CONFIG', () => {
    expect(parseClaudeConfig('  \n', '/c')).toEqual({});
    for (const bad of ['{"projects": {', '[1]', 'null']) {
      expect(() => parseClaudeConfig(bad, '/c')).toThrow(expect.objectContaining({ code: 'PROVIDER_CONFIG' }));
    }
  });
});

describe('trust written to a real .claude.json', () => {
  let dir: { path: string; cleanup: () => void };
  let ctx: ProviderContext;
  let file: string;
  const trust = claudeTrust();
  beforeEach(() => {
    dir = tempDir();
    ctx = { env: {}, homeDir: dir.path, runner: undefined as never };
    file = join(dir.path, '.claude.json');
  });
  afterEach(() => dir.cleanup());

  it('keeps the mode and every other key, journals before writing, and revoke restores the content', () => {
    const original = { hasCompletedOnboarding: true, oauthAccount: { id: 'x' }, projects: { '/a': { hasTrustDialogAccepted: true } } };
    writeFileSync(file, JSON.stringify(original));
    chmodSync(file, 0o640);
    const seen: string[] = [];
    const g = trust.grant(ctx, '/t/new dir', (grant) => seen.push(readFileSync(file, 'utf8').includes('/t/new dir') ? 'after' : `before:${grant.key}`))!;
    expect(seen).toEqual(['before:/t/new dir']);
    expect(g).toMatchObject({ agent: 'claude', configPath: file, key: '/t/new dir', createdFile: false });
    expect(statSync(file).mode & 0o777).toBe(0o640);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ ...original, projects: { ...original.projects, '/t/new dir': { hasTrustDialogAccepted: true } } });
    expect(trust.isTrusted(ctx, ['/t/new dir'])).toBe(true);
    trust.revoke(ctx, g);
    trust.revoke(ctx, g);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(original);
    expect(statSync(file).mode & 0o777).toBe(0o640);
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it('never rewrites a file it cannot parse', () => {
    writeFileSync(file, '{"projects": {"/a": ');
    expect(() => trust.grant(ctx, '/t', () => undefined)).toThrow(expect.objectContaining({ code: 'PROVIDER_CONFIG' }));
    expect(readFileSync(file, 'utf8')).toBe('{"projects": {"/a": ');
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it('creates a missing file as 0600 and removes it again on revoke', () => {
    const g = trust.grant(ctx, '/t', () => undefined)!;
    expect(g.createdFile).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    trust.revoke(ctx, g);
    expect(existsSync(file)).toBe(false);
  });

  it('edits a symlinked config where it lives', () => {
    const real = join(dir.path, 'dotfiles', 'claude.json');
    mkdirSync(join(dir.path, 'dotfiles'));
    writeFileSync(real, '{}');
    symlinkSync(real, file);
    trust.grant(ctx, '/t', () => undefined);
    expect(JSON.parse(readFileSync(real, 'utf8')).projects['/t']).toEqual({ hasTrustDialogAccepted: true });
    expect(lstatSync(file).isSymbolicLink()).toBe(true);
  });

  it('breaks a stale lock of Claude\'s, and gives up with PROVIDER_CONFIG on a live one', () => {
    writeFileSync(file, '{}');
    mkdirSync(`${file}.lock`);
    const old = new Date(Date.now() - 60_000);
    utimesSync(`${file}.lock`, old, old);
    expect(trust.grant(ctx, '/t', () => undefined)).not.toBeNull();
    mkdirSync(`${file}.lock`);
    const t0 = Date.now();
    let grant: TrustGrant | null = null;
    expect(() => (grant = trust.grant(ctx, '/u', () => undefined))).toThrow(expect.objectContaining({ code: 'PROVIDER_CONFIG' }));
    expect(grant).toBeNull();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(2_500);
    expect(JSON.parse(readFileSync(file, 'utf8')).projects['/u']).toBeUndefined();
  });
});
