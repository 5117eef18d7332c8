import { describe, expect, it } from 'vitest';
import { claudeSlug, javaStringHash, slugStemMatches } from '../../../../src/providers/claude/claude-slug.js';

describe('claudeSlug', () => {
  it('turns every character outside [A-Za-z0-9] into a dash, one per UTF-16 code unit', () => {
    expect(claudeSlug('/tmp/we.ird_name with space/ünï')).toBe('-tmp-we-ird-name-with-space--n-');
    expect(claudeSlug('/home/dev/my project')).toBe('-home-dev-my-project');
    // An astral character is two code units, so two dashes.
    expect(claudeSlug('/a/😀b')).toBe('-a---b');
    expect(claudeSlug('C:\\Users\\dev')).toBe('C--Users-dev');
  });

  it('keeps a slug of exactly 200 characters as it is', () => {
    const cwd = '/' + 'a'.repeat(199);
    expect(claudeSlug(cwd)).toBe('-' + 'a'.repeat(199));
  });

  it('cuts a longer slug to 200 characters plus the base-36 Java string hash of the path', () => {
    const cwd = '/home/dev/' + 'deep/'.repeat(50) + 'project';
    const slug = claudeSlug(cwd);
    const expected = cwd.replace(/[^A-Za-z0-9]/g, '-').slice(0, 200) + '-' + Math.abs(javaStringHash(cwd)).toString(36);
    expect(slug).toBe(expected);
    expect(slug.length).toBeGreaterThan(201);
    expect(slug.length).toBeLessThanOrEqual(208);
  });

  it('computes the Java hash with 32-bit overflow like String.hashCode', () => {
    expect(javaStringHash('')).toBe(0);
    expect(javaStringHash('a')).toBe(97);
    expect(javaStringHash('hello')).toBe(99162322);
    // "polygenelubricants".hashCode() is Integer.MIN_VALUE in Java.
    expect(javaStringHash('polygenelubricants')).toBe(-2147483648);
    expect(Math.abs(javaStringHash('polygenelubricants')).toString(36)).toBe('zik0zk');
  });

  it('recognises a long-path folder by its stem even when the hash suffix differs', () => {
    const cwd = '/x/' + 'y'.repeat(300);
    const stem = claudeSlug(cwd).slice(0, 200);
    expect(slugStemMatches(claudeSlug(cwd), cwd)).toBe(true);
    expect(slugStemMatches(stem + '-abc123', cwd)).toBe(true);
    expect(slugStemMatches(stem + '-ABC', cwd)).toBe(false);
    expect(slugStemMatches('-x-yyy', '/x/yyy')).toBe(true);
    expect(slugStemMatches('-x-yyy-1', '/x/yyy')).toBe(false);
  });
});
