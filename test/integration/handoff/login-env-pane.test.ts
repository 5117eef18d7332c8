/**
 * Provider settings exported in the target user's ~/.profile reach the provider's pane
 * that a handoff starts there: the agent logs in, and its panes inherit that environment.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { twoMachines, type TwoMachines } from './two-machines.js';

let m: TwoMachines;

beforeAll(async () => {
  m = await twoMachines('happier-login-pane-');
  const profile = join(m.targetHome, '.profile');
  writeFileSync(profile, 'echo "Welcome to desk"\nexport ANTHROPIC_API_KEY=sk-ant-from-desk-profile\n');
  m.peer.chown(profile);
});

afterAll(async () => {
  await m?.stop();
});

describe('a handoff to a peer with provider settings in its login profile', () => {
  it('starts the provider there with them, though the laptop has none', async () => {
    const cwd = join(m.srcHome, 'code', 'profiled');
    mkdirSync(cwd, { recursive: true });
    const t = m.claudeTranscript(cwd);
    const s = m.addSession({ cwd, vendorSessionId: t.vendorId, title: 'profiled' });
    expect((await m.run(['resume', s.id, '--detached'])).code).toBe(0);

    const r = await m.json(['handoff', s.id, '--to', 'desk']);
    expect(r.code, r.stderr).toBe(0);
    const launches = readFileSync(join(m.targetHome, 'launches.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(launches.at(-1)).toMatchObject({ argv: ['--resume', t.vendorId], env: { ANTHROPIC_API_KEY: 'sk-ant-from-desk-profile' } });
    const here = readFileSync(m.env.FAKE_LOG!, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(here.at(-1).env.ANTHROPIC_API_KEY).toBeNull();
  });
});
