import { describe, expect, it } from 'vitest';
import { parseGitConfig } from '../../../../src/transfer/tree-sync/git-config.js';

describe('parseGitConfig', () => {
  it('reads core.excludesFile in any case, with quotes, escapes and trailing comments', () => {
    const text = [
      '# top comment',
      '[user]',
      '\tname = Someone',
      '[Core]',
      '\tExcludesFile = "~/my ignore #1" ; not part of it',
      '\tignorecase',
      '[remote "origin"]',
      '\turl = git@example:x.git',
    ].join('\n');
    const v = parseGitConfig(text);
    expect(v.get('core.excludesfile')).toBe('~/my ignore #1');
    expect(v.get('core.ignorecase')).toBe('true');
    expect(v.get('remote.origin.url')).toBe('git@example:x.git');
  });

  it('lets a later value win and unescapes backslashes', () => {
    const v = parseGitConfig('[core]\nexcludesfile = /a\n[core]\nexcludesfile = C:\\\\x\\\\ignore\n');
    expect(v.get('core.excludesfile')).toBe('C:\\x\\ignore');
  });
});
