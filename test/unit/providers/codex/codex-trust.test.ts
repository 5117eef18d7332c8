import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codexGrantEdit, codexRevokeEdit, codexTrust, codexTrusts, gitRootOf, parseCodexConfig } from '../../../../src/providers/codex/codex-trust.js';
import { tempDir } from '../../../helpers/temp-dir.js';
import { encodeTomlKey, scanToml } from '../../../../src/providers/codex/codex-trust-toml.js';

const CFG = '/h/.codex/config.toml';
const BASE = `model = "mock-model"\n\n[model_providers.mock]\nbase_url = "http://127.0.0.1:1/v1" # local\n`;

/** Grants, then revokes: the text must come back byte for byte. */
function roundTrip(text: string, path: string) {
  const granted = codexGrantEdit(text, path, CFG);
  expect(granted).not.toBeNull();
  const doc = parseCodexConfig(granted!.text, CFG);
  expect(codexTrusts(doc, path, null)).toBe(true);
  expect(codexRevokeEdit(granted!.text, path, granted!.before, CFG)).toBe(text);
  return granted!;
}

describe('TOML keys for folder paths', () => {
  it('escapes quotes, backslashes and control characters, and keeps spaces and non-ASCII letters', () => {
    expect(encodeTomlKey('/tmp/a b')).toBe('"/tmp/a b"');
    expect(encodeTomlKey('/tmp/say "hi"')).toBe('"/tmp/say \\"hi\\""');
    expect(encodeTomlKey('/tmp/back\\slash')).toBe('"/tmp/back\\\\slash"');
    expect(encodeTomlKey('/tmp/ünï/日本')).toBe('"/tmp/ünï/日本"');
    expect(encodeTomlKey('/tmp/a\tb\nc\x7f\x01')).toBe('"/tmp/a\\tb\\nc\\u007F\\u0001"');
  });

  it('reads back what it wrote, in basic and literal spelling', () => {
    for (const p of ['/tmp/a b', '/tmp/say "hi"', '/tmp/back\\slash', '/tmp/ünï/日本', "/tmp/it's", '/tmp/a\tb\nc\x7f']) {
      const [h] = scanToml(`[projects.${encodeTomlKey(p)}]\n`);
      expect(h).toMatchObject({ kind: 'header', path: ['projects', p] });
    }
    expect(scanToml(`[ projects . '/tmp/lit\\eral' ]\n`)[0]).toMatchObject({ path: ['projects', '/tmp/lit\\eral'] });
    expect(scanToml(`[projects."/tmp/\\u00fc\\U0001F600"]\n`)[0]).toMatchObject({ path: ['projects', '/tmp/ü😀'] });
  });
});

describe('trust in config.toml', () => {
  it('is a trust_level of "trusted" on the folder or on its git repository', () => {
    const doc = parseCodexConfig(`${BASE}\n[projects."/w/repo"]\ntrust_level = "trusted"\n\n[projects.'/w/no']\ntrust_level = "untrusted"\n`, CFG);
    expect(codexTrusts(doc, '/w/repo', null)).toBe(true);
    expect(codexTrusts(doc, '/w/repo/sub', null)).toBe(false);
    expect(codexTrusts(doc, '/w/repo/sub', '/w/repo')).toBe(true);
    expect(codexTrusts(doc, '/w/no', null)).toBe(false);
    expect(codexTrusts(doc, '/w/other', null)).toBe(false);
  });

  it('sees through strings, arrays and comments that look like tables', () => {
    const tricky = [
      'notes = """',
      '[projects."/fake"]',
      'trust_level = "trusted"',
      '"""',
      "lit = '''",
      '[projects."/fake2"]',
      "'''",
      'arr = [',
      '  "[projects.\\"/fake3\\"]", # [projects."/fake4"]',
      '  { a = 1 },',
      ']',
      '# [projects."/fake5"]',
      '',
    ].join('\n');
    const doc = parseCodexConfig(tricky, CFG);
    expect(doc.filter((s) => s.kind === 'header')).toEqual([]);
    for (const p of ['/fake', '/fake2', '/fake3', '/fake4', '/fake5']) expect(codexTrusts(doc, p, null)).toBe(false);
    roundTrip(tricky, '/fake');
  });

  it('appends a table for an untrusted folder, and taking it back restores every byte', () => {
    const g = roundTrip(BASE, '/w/say "hi"\\ back ünï');
    expect(g.before).toEqual({ table: 'absent', noFinalNewline: false });
    expect(g.text).toBe(`${BASE}\n[projects."/w/say \\"hi\\"\\\\ back ünï"]\ntrust_level = "trusted"\n`);
    roundTrip('', '/w/a');
    expect(codexGrantEdit('', '/w/a', CFG)!.text).toBe('[projects."/w/a"]\ntrust_level = "trusted"\n');
    roundTrip('model = "m"', '/w/a');
    roundTrip('model = "m"\r\n', '/w/a');
    roundTrip('[projects."/w/a"]', '/w/a');
  });

  it('adds the line to a table that exists without a trust level, and takes only the line back', () => {
    const text = `${BASE}\n[projects."/w/a"] # mine\nnote = "x"\n\n[other]\nk = 1\n`;
    const g = roundTrip(text, '/w/a');
    expect(g.before).toEqual({ table: 'existing', noFinalNewline: false });
    expect(g.text).toContain('[projects."/w/a"] # mine\ntrust_level = "trusted"\nnote = "x"\n');
  });

  it('keeps what was put in the appended table since, and removes only its own line', () => {
    const g = codexGrantEdit(BASE, '/w/a', CFG)!;
    const later = `${g.text}model_reasoning_effort = "high"\n`;
    expect(codexRevokeEdit(later, '/w/a', g.before, CFG)).toBe(`${BASE}\n[projects."/w/a"]\nmodel_reasoning_effort = "high"\n`);
  });

  it('leaves a folder alone that is trusted already or that the user said no to', () => {
    expect(codexGrantEdit(`[projects."/w/a"]\ntrust_level = "trusted"\n`, '/w/a', CFG)).toBeNull();
    expect(codexGrantEdit(`[projects.'/w/a']\ntrust_level = 'untrusted'\n`, '/w/a', CFG)).toBeNull();
    expect(codexGrantEdit(`[projects]\n"/w/a".trust_level = "untrusted"\n`, '/w/a', CFG)).toBeNull();
  });

  it('revoking what is gone already changes nothing', () => {
    expect(codexRevokeEdit(BASE, '/w/a', { table: 'absent', noFinalNewline: false }, CFG)).toBeNull();
    expect(codexRevokeEdit(`[projects."/w/a"]\ntrust_level = "untrusted"\n`, '/w/a', { table: 'absent', noFinalNewline: false }, CFG)).toBeNull();
  });

  it('refuses forms it cannot extend without breaking the file, with PROVIDER_CONFIG', () => {
    for (const text of [`projects = { "/x" = { trust_level = "trusted" } }\n`, `[[projects]]\nname = "x"\n`, `[projects]\n"/w/a" = { note = "x" }\n`]) {
      expect(() => codexGrantEdit(text, '/w/a', CFG)).toThrow(expect.objectContaining({ code: 'PROVIDER_CONFIG' }));
    }
  });

  it('refuses a file it cannot read, naming the line, and never rewrites it', () => {
    expect(() => codexGrantEdit('model = "m"\n[broken\n', '/w/a', CFG)).toThrow(expect.objectContaining({ code: 'PROVIDER_CONFIG', message: expect.stringContaining('line 2') }));
    expect(() => codexGrantEdit('s = "unterminated\n', '/w/a', CFG)).toThrow(expect.objectContaining({ code: 'PROVIDER_CONFIG' }));
  });

  it('finds the repository a folder is in', () => {
    const has = new Set(['/w/repo/.git']);
    expect(gitRootOf('/w/repo/src/x', (p) => has.has(p))).toBe('/w/repo');
    expect(gitRootOf('/w/elsewhere', (p) => has.has(p))).toBeNull();
  });
});

describe('trust written to a real config.toml', () => {
  it('keeps the mode and every other byte, sees git-repository trust, and revoke restores the file', () => {
    const dir = tempDir();
    try {
      const home = join(dir.path, 'codex');
      mkdirSync(home);
      const file = join(home, 'config.toml');
      const ctx = { env: { CODEX_HOME: home }, homeDir: dir.path, runner: undefined as never };
      const repo = join(dir.path, 'repo');
      mkdirSync(join(repo, '.git'), { recursive: true });
      mkdirSync(join(repo, 'sub'));
      const text = `${BASE}\n[projects.${encodeTomlKey(repo)}]\ntrust_level = "trusted"\n`;
      writeFileSync(file, text);
      chmodSync(file, 0o644);
      const trust = codexTrust();
      expect(trust.isTrusted(ctx, [join(repo, 'sub')])).toBe(true);
      expect(trust.isTrusted(ctx, [join(dir.path, 'elsewhere')])).toBe(false);
      const journaled: unknown[] = [];
      const g = trust.grant(ctx, '/t/a "b"', (x) => journaled.push(readFileSync(file, 'utf8') === text ? x.key : 'late'))!;
      expect(journaled).toEqual(['/t/a "b"']);
      expect(statSync(file).mode & 0o777).toBe(0o644);
      expect(trust.isTrusted(ctx, ['/t/a "b"'])).toBe(true);
      expect(trust.grant(ctx, '/t/a "b"', () => undefined)).toBeNull();
      trust.revoke(ctx, g);
      trust.revoke(ctx, g);
      expect(readFileSync(file, 'utf8')).toBe(text);
      expect(statSync(file).mode & 0o777).toBe(0o644);
    } finally {
      dir.cleanup();
    }
  });

  it('creates a missing config.toml as 0600 and removes it with the grant', () => {
    const dir = tempDir();
    try {
      const ctx = { env: {}, homeDir: dir.path, runner: undefined as never };
      const file = join(dir.path, '.codex', 'config.toml');
      const trust = codexTrust();
      expect(trust.isTrusted(ctx, ['/t'])).toBe(false);
      const g = trust.grant(ctx, '/t', () => undefined)!;
      expect(g.createdFile).toBe(true);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      trust.revoke(ctx, g);
      expect(existsSync(file)).toBe(false);
    } finally {
      dir.cleanup();
    }
  });
});
