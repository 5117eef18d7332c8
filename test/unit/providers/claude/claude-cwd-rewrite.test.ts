import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rewriteJsonl, rewritePath, rewriteValue } from '../../../../src/providers/claude/claude-cwd-rewrite.js';

const posix = { from: '/home/a/my proj', to: '/srv/b/ünï proj' };

describe('rewritePath', () => {
  it('rewrites the cwd itself and paths under it, and nothing else', () => {
    expect(rewritePath('/home/a/my proj', posix)).toBe('/srv/b/ünï proj');
    expect(rewritePath('/home/a/my proj/src/a.ts', posix)).toBe('/srv/b/ünï proj/src/a.ts');
    expect(rewritePath('/home/a/my project', posix)).toBeNull();
    expect(rewritePath('/home/a', posix)).toBeNull();
    expect(rewritePath('see /home/a/my proj/x', posix)).toBeNull();
  });

  it('accepts a trailing separator on either side', () => {
    expect(rewritePath('/home/a/my proj/x', { from: '/home/a/my proj/', to: '/t/' })).toBe('/t/x');
  });

  it('matches Windows paths case-insensitively with either separator, and converts separators', () => {
    const r = { from: 'C:\\Users\\Me\\proj', to: '/home/me/proj' };
    expect(rewritePath('c:\\users\\me\\PROJ\\src\\a.ts', r)).toBe('/home/me/proj/src/a.ts');
    expect(rewritePath('C:/Users/Me/proj/src', r)).toBe('/home/me/proj/src');
    expect(rewritePath('C:\\Users\\Me\\project', r)).toBeNull();
    expect(rewritePath('/home/a/x', { from: '/home/a', to: 'D:\\work' })).toBe('D:\\work\\x');
  });

  it('never treats the filesystem root as a cwd to rewrite under', () => {
    expect(rewritePath('/etc/passwd', { from: '/', to: '/x' })).toBeNull();
    expect(rewritePath('C:\\x', { from: 'C:\\', to: '/x' })).toBeNull();
  });
});

describe('rewriteJsonl', () => {
  it('rewrites cwd fields, tool inputs, keys, and paths inside JSON-escaped strings', () => {
    const rec = {
      type: 'user',
      cwd: '/home/a/my proj',
      message: { content: [{ type: 'tool_use', input: { file_path: '/home/a/my proj/a.ts', command: 'cat /home/a/my proj/a.ts' } }] },
      toolUseResult: JSON.stringify({ filePath: '/home/a/my proj/a.ts', other: '/tmp/x' }),
      trackedFileBackups: { '/home/a/my proj/a.ts': { v: 1 } },
    };
    const out = JSON.parse(rewriteJsonl(JSON.stringify(rec) + '\n', posix).trim());
    expect(out.cwd).toBe('/srv/b/ünï proj');
    expect(out.message.content[0].input.file_path).toBe('/srv/b/ünï proj/a.ts');
    // Prose that mentions the path is not a path value: left alone.
    expect(out.message.content[0].input.command).toBe('cat /home/a/my proj/a.ts');
    expect(JSON.parse(out.toolUseResult)).toEqual({ filePath: '/srv/b/ünï proj/a.ts', other: '/tmp/x' });
    expect(Object.keys(out.trackedFileBackups)).toEqual(['/srv/b/ünï proj/a.ts']);
  });

  it('rewrites JSON-escaped Windows paths', () => {
    const line = '{"cwd":"C:\\\\Users\\\\me\\\\proj","inner":"{\\"cwd\\":\\"C:\\\\\\\\Users\\\\\\\\me\\\\\\\\proj\\\\\\\\src\\"}"}';
    const parsed = JSON.parse(line);
    expect(parsed.cwd).toBe('C:\\Users\\me\\proj');
    expect(JSON.parse(parsed.inner).cwd).toBe('C:\\Users\\me\\proj\\src');
    const out = JSON.parse(rewriteJsonl(line, { from: 'C:\\Users\\me\\proj', to: '/home/me/proj' }));
    expect(out.cwd).toBe('/home/me/proj');
    expect(JSON.parse(out.inner).cwd).toBe('/home/me/proj/src');
  });

  it('keeps unchanged and unparseable lines byte for byte, and round-trips', () => {
    const text = ['{"cwd":"/home/a/my proj","n":1.0}', 'garbage {', '{"x":"\\u00e9"}', '{"cwd":"/home/a/my proj/sub"}', ''].join('\n');
    const there = rewriteJsonl(text, posix);
    expect(there.split('\n')[1]).toBe('garbage {');
    expect(there.split('\n')[2]).toBe('{"x":"\\u00e9"}');
    const back = rewriteJsonl(there, { from: posix.to, to: posix.from });
    expect(back).toBe(text);
  });

  it('gives, line by line, the records that rewriting each parsed record gives', () => {
    const dir = 'test/fixtures/real/claude/projects/-home-dev-project';
    const real = readdirSync(dir).filter((f) => f.endsWith('.jsonl')).flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n'));
    const from = '/home/dev/project';
    const odd = [
      { cwd: from, note: `cd ${from} && ls`, k: { [`${from}/a.ts`]: 1, [from]: 2 } },
      { inner: JSON.stringify({ filePath: `${from}/src/x.ts`, cmd: `cat ${from}/y` }) },
      { deeper: JSON.stringify({ again: JSON.stringify({ cwd: from }) }) },
      { trailing: `${from}/`, double: `${from}//x`, similar: `${from}-other`, prose: `"${from}" in quotes` },
      { quoted: 'say \\"' + from + '\\" now' },
    ].map((r) => JSON.stringify(r));
    const escaped = [`{"cwd":"${from.replace(/\//g, '\\/')}"}`, `{"cwd":"${from}","e":"\\u00e9"}`];
    const lines = [...real, ...odd, ...escaped].filter((l) => l.trim() !== '');
    expect(real.filter((l) => l.includes(from)).length).toBeGreaterThan(3);
    for (const to of ['/srv/b/ünï proj', '/x']) {
      const r = { from, to };
      const out = rewriteJsonl(lines.join('\n'), r).split('\n');
      lines.forEach((line, i) => expect(JSON.parse(out[i]!), line).toEqual(rewriteValue(JSON.parse(line), r)));
    }
  });
});
