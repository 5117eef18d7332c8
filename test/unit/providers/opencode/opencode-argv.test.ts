import { describe, expect, it } from 'vitest';
import { happierErrorOf } from '../../../helpers/happier-error.js';
import { opencodeLaunchSpec, opencodeResumeSpec } from '../../../../src/providers/opencode/opencode-argv.js';
import { opencodeBinary, opencodeDbPath, opencodeStorageDir } from '../../../../src/providers/opencode/opencode-home.js';
import { isOpencodeSessionId } from '../../../../src/providers/opencode/opencode-session-id.js';

const id = 'ses_4f2a9c1e0ffeQ7xYzAbCdEfGhI';
const cwd = '/home/u/my project/ünï';

describe('opencode argv', () => {
  it('launches the TUI in the cwd', () => {
    expect(opencodeLaunchSpec('opencode', { cwd })).toEqual({ bin: 'opencode', args: [], cwd });
  });

  it('resumes the TUI by id from the session directory', () => {
    expect(opencodeResumeSpec('opencode', { cwd, vendorSessionId: id })).toEqual({ bin: 'opencode', args: ['--session', id], cwd });
  });

  it('resumes non-interactively with run, --session and --dir, the message as one argument', () => {
    expect(opencodeResumeSpec('oc', { cwd, vendorSessionId: id, message: 'hello $(whoami)' })).toEqual({
      bin: 'oc',
      args: ['run', '--session', id, '--dir', cwd, 'hello $(whoami)'],
      cwd,
    });
  });

  it('keeps a message that looks like an option from being parsed as one', () => {
    expect(opencodeResumeSpec('oc', { cwd, vendorSessionId: id, message: '-m x' }).args.slice(-2)).toEqual(['--', '-m x']);
  });

  it.each(['', 'ses_', 'ses_short', `${id}; rm -rf /`, 'ses_abc/../../etc', '019a7f3e-5c2b-7d41-9e8f-0a1b2c3d4e5f', ` ${id}`])(
    'refuses the malformed id %j with USAGE',
    (bad) => {
      expect(happierErrorOf(() => opencodeResumeSpec('opencode', { cwd, vendorSessionId: bad })).code).toBe('USAGE');
      expect(isOpencodeSessionId(bad)).toBe(false);
    },
  );

  it('finds the database through OPENCODE_DB, XDG_DATA_HOME or HOME', () => {
    expect(opencodeDbPath({}, '/home/u')).toBe('/home/u/.local/share/opencode/opencode.db');
    expect(opencodeDbPath({ XDG_DATA_HOME: '/xdg' }, '/home/u')).toBe('/xdg/opencode/opencode.db');
    expect(opencodeDbPath({ OPENCODE_DB: '/db/o.db' }, '/home/u')).toBe('/db/o.db');
    expect(opencodeDbPath({ OPENCODE_DB: 'other.db', XDG_DATA_HOME: '/xdg' }, '/home/u')).toBe('/xdg/opencode/other.db');
    expect(opencodeStorageDir({}, '/home/u')).toBe('/home/u/.local/share/opencode/storage');
    expect(opencodeBinary({ HAPPIER_OPENCODE_BIN: '/bin/oc' })).toBe('/bin/oc');
  });
});
