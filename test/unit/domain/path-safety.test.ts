import { describe, expect, it } from 'vitest';
import { checkLinkTarget, checkPeerPath, DEFAULT_TRANSFER_LIMITS, parentOf, safeMode } from '../../../src/domain/path-safety.js';

describe('checkPeerPath', () => {
  it.each([
    ['a.txt', ['a.txt']],
    ['dir with spaces/file name.md', ['dir with spaces', 'file name.md']],
    ['ünïcødé/日本語.txt', ['ünïcødé', '日本語.txt']],
    ['.git/HEAD', ['.git', 'HEAD']],
    ['..hidden', ['..hidden']],
    ['a/...', ['a', '...']],
    ['C/x', ['C', 'x']],
    ['line\nbreak', ['line\nbreak']],
  ])('accepts %j', (path, segments) => {
    expect(checkPeerPath(path)).toEqual({ ok: true, segments });
  });

  it.each([
    ['../x', '".." segment'],
    ['a/../../x', '".." segment'],
    ['a/..', '".." segment'],
    ['./a', '"." segment'],
    ['/etc/passwd', 'absolute'],
    ['C:/Windows/x', 'drive letter'],
    ['c:x', 'drive letter'],
    ['a\\..\\..\\x', 'backslash'],
    ['\\\\server\\share', 'backslash'],
    ['a\0b', 'NUL'],
    ['', 'empty path'],
    ['a//b', 'empty segment'],
    ['a/', 'empty segment'],
    ['x'.repeat(256), 'segment too long'],
    [('abcdefgh/'.repeat(600)) + 'x', 'path too long'],
  ])('refuses %j (%s)', (path, reason) => {
    const v = checkPeerPath(path);
    expect(v.ok).toBe(false);
    expect(v.ok ? '' : v.reason).toContain(reason);
  });

  it('refuses what is not a string', () => {
    expect(checkPeerPath(42).ok).toBe(false);
    expect(checkPeerPath(undefined).ok).toBe(false);
  });

  it('honours tighter limits', () => {
    expect(checkPeerPath('abcdef', { ...DEFAULT_TRANSFER_LIMITS, maxPathBytes: 5 }).ok).toBe(false);
  });
});

describe('checkLinkTarget', () => {
  it('keeps targets that leave the tree, since links are never followed', () => {
    expect(checkLinkTarget('../../outside').ok).toBe(true);
    expect(checkLinkTarget('/etc/passwd').ok).toBe(true);
  });
  it('refuses NUL, empty and overlong targets', () => {
    expect(checkLinkTarget('a\0b').ok).toBe(false);
    expect(checkLinkTarget('').ok).toBe(false);
    expect(checkLinkTarget('x'.repeat(5000)).ok).toBe(false);
  });
});

describe('small rules', () => {
  it('parentOf', () => {
    expect(parentOf('a')).toBe('');
    expect(parentOf('a/b/c')).toBe('a/b');
  });
  it('safeMode drops setuid, setgid and sticky bits', () => {
    expect(safeMode(0o104755)).toBe(0o755);
    expect(safeMode(0o6755)).toBe(0o755);
    expect(safeMode(0o1777)).toBe(0o777);
  });
});
