import { describe, expect, it } from 'vitest';
import { HappierError } from '../../../src/domain/errors.js';
import { DEFAULT_SETTINGS, parseSettingValue, resolveSettings, validateSettingValue } from '../../../src/domain/settings.js';

const code = (fn: () => unknown) => {
  try {
    fn();
    return 'no error';
  } catch (err) {
    return err instanceof HappierError ? err.code : 'other';
  }
};

describe('settings model', () => {
  it('has safe defaults: no workspace transfer, sibling on conflict, ignored files excluded', () => {
    expect(DEFAULT_SETTINGS.handoff).toEqual({
      workspace: false,
      conflict: 'sibling',
      ignored: 'exclude',
      include: [],
      directMode: 'keep',
      codexExperimental: false,
    });
    expect(DEFAULT_SETTINGS.backends.codex).toEqual({ enabled: true, resume: true, path: 'app-server' });
  });

  it('parses booleans in the words people type', () => {
    expect(parseSettingValue('backends.claude.enabled', 'off')).toBe(false);
    expect(parseSettingValue('backends.claude.enabled', 'YES')).toBe(true);
    expect(code(() => parseSettingValue('backends.claude.enabled', 'maybe'))).toBe('USAGE');
  });

  it('checks enum values', () => {
    expect(parseSettingValue('backends.codex.path', 'mcp')).toBe('mcp');
    expect(parseSettingValue('handoff.conflict', 'replace')).toBe('replace');
    expect(code(() => parseSettingValue('handoff.conflict', 'overwrite'))).toBe('USAGE');
    expect(code(() => parseSettingValue('handoff.ignored', 'all'))).toBe('USAGE');
    expect(code(() => parseSettingValue('handoff.directMode', 'copy'))).toBe('USAGE');
  });

  it('takes include globs as commas or a JSON array', () => {
    expect(parseSettingValue('handoff.include', 'dist/**, .env.local')).toEqual(['dist/**', '.env.local']);
    expect(parseSettingValue('handoff.include', '["a,b/**"]')).toEqual(['a,b/**']);
    expect(parseSettingValue('handoff.include', '')).toEqual([]);
    expect(code(() => parseSettingValue('handoff.include', '[1]'))).toBe('USAGE');
    expect(code(() => parseSettingValue('handoff.include', '[oops'))).toBe('USAGE');
  });

  it('rejects unknown keys', () => {
    expect(code(() => parseSettingValue('backends.gemini.enabled', 'true'))).toBe('USAGE');
    expect(code(() => validateSettingValue('nope', true))).toBe('USAGE');
  });

  it('falls back to the default for a stored value that no longer validates', () => {
    const s = resolveSettings(new Map<string, unknown>([['handoff.conflict', 'explode'], ['handoff.workspace', true]]));
    expect(s.handoff.conflict).toBe('sibling');
    expect(s.handoff.workspace).toBe(true);
  });
});
