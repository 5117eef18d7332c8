import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { sshHappierArgv, sshHappierLine } from '../../../shell/ssh-line.js';

describe('sshHappierArgv', () => {
  it('runs happier through the login shell with a terminal, as the hint line shows it', () => {
    expect(sshHappierLine('desk', ['attach', 'abc'])).toBe(`ssh -t desk '$SHELL -lc "happier attach abc"'`);
  });

  it("uses the peer's recorded happier and shell, happier's own ssh config and known hosts, and the machine's key", () => {
    const argv = sshHappierArgv(
      { sshTarget: 'me@desk', happierPath: '/opt/my tools/happier', shellPath: '/bin/zsh', sshConfig: '/c/ssh_config', knownHosts: '/c/kh', identityFile: '/k/id' },
      ['resume', 'abc', '--detached'],
      { tty: true },
    );
    expect(argv).toEqual(['ssh', '-F', '/c/ssh_config', '-o', 'UserKnownHostsFile=/c/kh', '-i', '/k/id', '-t', 'me@desk', `/bin/zsh -lc "'/opt/my tools/happier' resume abc --detached"`]);
  });

  it('without a terminal it never prompts, so a send cannot hang on a password', () => {
    expect(sshHappierArgv({ sshTarget: 'desk' }, ['send', '--json', '--', 'abc', '-'], { tty: false })).toEqual([
      'ssh', '-T', '-o', 'BatchMode=yes', 'desk', `$SHELL -lc "happier send --json -- abc -"`,
    ]);
  });

  it('the remote shell gets back exactly the words, whatever they hold', () => {
    const word = 'a$b`c"d\\e \'f';
    const command = sshHappierArgv({ sshTarget: 'desk', happierPath: 'printf' }, ['%s|', word], { tty: true }).at(-1)!;
    // What sshd does with the command: the login user's shell runs it.
    const out = execFileSync('/bin/sh', ['-c', command], { encoding: 'utf8', env: { PATH: process.env.PATH, SHELL: '/bin/sh' } });
    expect(out).toBe(`${word}|`);
  });
});
