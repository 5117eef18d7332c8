/** `happier doctor` says which SSH client carries connections to peers, and why. */
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findExecutable } from '../../../shell/find-executable.js';
import { runHappier } from '../../helpers/run-happier.js';
import { tempDir } from '../../helpers/temp-dir.js';

const dir = tempDir('happier-doctor-ssh-');
afterAll(() => dir.cleanup());

function pathWith(name: string, tools: string[]): string {
  const bin = join(dir.path, name);
  mkdirSync(bin);
  for (const t of tools) symlinkSync(findExecutable(t, process.env)!, join(bin, t));
  symlinkSync(process.execPath, join(bin, 'node'));
  return bin;
}

async function sshFinding(env: Record<string, string>): Promise<{ status: string; summary: string; fix?: string }> {
  const r = await runHappier(['doctor', '--json'], { HAPPIER_HOME: join(dir.path, 'home'), ...env });
  return JSON.parse(r.stdout).data.findings.find((f: { check: string }) => f.check === 'ssh');
}

describe('doctor on the SSH transport', () => {
  it('names the OpenSSH client, its version and path', async () => {
    const bin = pathWith('with-ssh', ['tmux', 'ssh']);
    const f = await sshFinding({ PATH: bin });
    expect(f.status).toBe('ok');
    expect(f.summary).toMatch(new RegExp(`^OpenSSH transport: OpenSSH_\\S+ .* at ${bin}/ssh \\(found on PATH\\)$`));
  });

  it('says the ssh2 fallback is in use, and why: no client on PATH, or forced', async () => {
    const none = await sshFinding({ PATH: pathWith('without-ssh', ['tmux']) });
    expect(none).toMatchObject({ status: 'warn', summary: 'ssh2 fallback: no OpenSSH client on PATH' });
    expect(none.fix).toContain('install OpenSSH');

    const forced = await sshFinding({ PATH: join(dir.path, 'with-ssh'), HAPPIER_SSH_TRANSPORT: 'ssh2' });
    expect(forced).toMatchObject({ status: 'warn', summary: 'ssh2 fallback: forced by HAPPIER_SSH_TRANSPORT=ssh2' });
  });
});
