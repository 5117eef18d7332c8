import { describe, expect, it } from 'vitest';
import { happierErrorOf } from '../../../helpers/happier-error.js';
import { codexLaunchSpec, codexResumeSpec } from '../../../../src/providers/codex/codex-argv.js';
import { codexBinary, codexRoot } from '../../../../src/providers/codex/codex-home.js';
import { isCodexSessionId } from '../../../../src/providers/codex/codex-session-id.js';

const id = '019a7f3e-5c2b-7d41-9e8f-0a1b2c3d4e5f';
const cwd = '/home/u/my project/ünï';

describe('codex argv', () => {
  it('launches a new session in the cwd with the extra args as given', () => {
    expect(codexLaunchSpec('codex', { cwd, extraArgs: ['--model', 'x y'] })).toEqual({ bin: 'codex', args: ['--no-daemon', '--model', 'x y'], cwd });
  });

  it('resumes interactively by id, never with --last', () => {
    expect(codexResumeSpec('codex', { cwd, vendorSessionId: id })).toEqual({ bin: 'codex', args: ['resume', '--no-daemon', id], cwd });
  });

  it('resumes non-interactively with exec, the repo check skipped, the message as one argument', () => {
    const spec = codexResumeSpec('/opt/codex', { cwd, vendorSessionId: id, message: 'say "hi"; rm -rf /' });
    expect(spec).toEqual({ bin: '/opt/codex', args: ['exec', '--skip-git-repo-check', 'resume', id, 'say "hi"; rm -rf /'], cwd });
  });

  it('keeps a message that looks like an option from being parsed as one', () => {
    const spec = codexResumeSpec('codex', { cwd, vendorSessionId: id, message: '--last' });
    expect(spec.args).toEqual(['exec', '--skip-git-repo-check', 'resume', id, '--', '--last']);
  });

  it.each(['', 'not-a-uuid', `${id}; rm -rf /`, '--last', `${id}\n`, 'ses_abcdefghijklmnop', '019a7f3e-5c2b-7d41-1e8f-0a1b2c3d4e5f'])(
    'refuses the malformed id %j with USAGE',
    (bad) => {
      expect(happierErrorOf(() => codexResumeSpec('codex', { cwd, vendorSessionId: bad })).code).toBe('USAGE');
      expect(isCodexSessionId(bad)).toBe(false);
    },
  );

  it('accepts any RFC 4122 shaped UUID, v4 as well as v7', () => {
    expect(isCodexSessionId('0b7c8f7e-1111-4222-8333-944455556666')).toBe(true);
    expect(isCodexSessionId(id.toUpperCase())).toBe(true);
  });

  it('honours CODEX_HOME and HAPPIER_CODEX_BIN', () => {
    expect(codexRoot({}, '/home/u')).toBe('/home/u/.codex');
    expect(codexRoot({ CODEX_HOME: '/x/codex' }, '/home/u')).toBe('/x/codex');
    expect(codexBinary({})).toBe('codex');
    expect(codexBinary({ HAPPIER_CODEX_BIN: '/t/fake codex' })).toBe('/t/fake codex');
  });
});
