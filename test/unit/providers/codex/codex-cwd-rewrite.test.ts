import { describe, expect, it } from 'vitest';
import { rewriteRolloutCwd, rolloutSessionMeta } from '../../../../src/providers/codex/codex-cwd-rewrite.js';

const meta = (cwd: string) => JSON.stringify({ timestamp: 't0', type: 'session_meta', payload: { id: 'i', timestamp: 't0', cwd, originator: 'codex_cli_rs' } });
const turn = (cwd: string) => JSON.stringify({ timestamp: 't1', type: 'turn_context', payload: { cwd, approval_policy: 'never', model: 'm' } });
const userText = (text: string) => JSON.stringify({ timestamp: 't2', type: 'response_item', payload: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] } });

function rewrite(lines: string[], cwd: string, sep = '\n'): string[] {
  return rewriteRolloutCwd(Buffer.from(lines.join(sep)), cwd).toString('utf8').split(sep);
}

describe('rewriteRolloutCwd', () => {
  it('rewrites session_meta and every turn_context, and nothing else', () => {
    const env = userText('<environment_context><cwd>/old</cwd></environment_context>');
    const quoted = userText('{"type":"turn_context","payload":{"cwd":"/old"}}');
    const out = rewrite([meta('/old'), env, turn('/old'), quoted, turn('/elsewhere'), ''], '/new');
    expect(out).toEqual([meta('/new'), env, turn('/new'), quoted, turn('/new'), '']);
  });

  it.each([
    ['a Windows path with backslashes and quotes', 'C:\\Users\\ann "dev"\\proj'],
    ['spaces and unicode', '/home/ünï/my project ✓/日本'],
    ['a path over 200 characters', `/srv/${'very-long-folder-name/'.repeat(12)}leaf`],
  ])('round-trips %s exactly', (_label, cwd) => {
    const out = rewrite([meta('/old'), turn('/old')], cwd);
    expect(JSON.parse(out[0]!).payload.cwd).toBe(cwd);
    expect(JSON.parse(out[1]!).payload.cwd).toBe(cwd);
    expect(rewrite(out, '/old')).toEqual([meta('/old'), turn('/old')]);
  });

  it('keeps garbage, a half-written last line, CRLF endings and byte-identical lines as they were', () => {
    const lines = [meta('/old'), '%% not json "type":"turn_context" %%', turn('/old'), '{"type":"turn_context","payload":{"cwd":"/o'];
    const out = rewrite(lines, '/new', '\r\n');
    expect(out).toEqual([meta('/new'), lines[1], turn('/new'), lines[3]]);
    const same = Buffer.from([meta('/new'), turn('/new')].join('\n') + '\n');
    expect(rewriteRolloutCwd(same, '/new').equals(same)).toBe(true);
  });

  it('moves paths inside the old cwd along with it, and nothing outside it', () => {
    const ctx = (cwd: string, roots: string[]) =>
      JSON.stringify({ type: 'turn_context', payload: { cwd, sandbox: { entries: roots.map((path) => ({ path: { path } })) } } });
    const out = rewrite([meta('/home/ann/proj'), ctx('/home/ann/proj', ['/home/ann/proj', '/home/ann/proj/.git', '/home/ann/project2', '/tmp'])], '/srv/b');
    expect(JSON.parse(out[1]!).payload.sandbox.entries.map((e: { path: { path: string } }) => e.path.path)).toEqual([
      '/srv/b',
      '/srv/b/.git',
      '/home/ann/project2',
      '/tmp',
    ]);
    const fromRoot = rewrite([meta('/'), ctx('/', ['/', '/etc'])], '/srv/b');
    expect(JSON.parse(fromRoot[1]!).payload).toEqual({ cwd: '/srv/b', sandbox: { entries: [{ path: { path: '/' } }, { path: { path: '/etc' } }] } });
  });

  it('reads the id and cwd from the first line', () => {
    expect(rolloutSessionMeta(Buffer.from(`${meta('/a b')}\n${turn('/x')}\n`))).toEqual({ id: 'i', cwd: '/a b' });
    expect(rolloutSessionMeta(Buffer.from('garbage\n'))).toEqual({ id: null, cwd: null });
  });
});
