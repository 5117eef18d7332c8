import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAPPIER_BIN, runHappier, type CliRun } from '../helpers/run-happier.js';
import { freePort, startSshd, type SshdPeer } from '../helpers/sshd.js';
import { startServer, type RunningServer } from '../helpers/sync-server.js';
import { createProviderSandbox, type ProviderSandbox } from '../support/provider-sandbox.js';
import { describeCli, realCliWorld } from '../support/real-cli-world.js';
import { killSandboxProcesses } from '../support/sandbox-processes.js';
import { sleep, testTmux, type TestTmux } from '../support/tmux-pane.js';

// Issue 14, the real-CLI lane across machines: a session machine B ("mb", a second HOME
// behind a real sshd) made and stopped is continued from the laptop with `happier send`,
// first over ssh, then with ssh refused through the sync server to B's daemon, where a
// retry of a cut send delivers once. The real Claude and OpenCode answer from the mock.

const world = realCliWorld('happier-real-send-remote-');

interface SendData {
  sendId: string;
  sessionId: string;
  vendorSessionId: string;
  delivery: string;
  reply: { text: string } | null;
}
interface Message {
  role: string;
  text: string;
}

let peer: SshdPeer;
let b: ProviderSandbox;
let bTmux: TestTmux;
let a: ProviderSandbox;
let aEnv: Record<string, string>;
let server: RunningServer;
let sshConfig: { reachable: string; refused: string };

beforeAll(async () => {
  chmodSync(world.path, 0o755);
  const bin = join(world.path, 'peer-bin');
  mkdirSync(bin);
  peer = await startSshd({ path: [bin, dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(':') });
  b = createProviderSandbox('mb', peer.home, { mockUrl: world.mock.url, cwdRelative: 'work/project' });
  bTmux = testTmux(join(b.home, 'tmux.sock'));
  const bEnv = { ...b.env, HAPPIER_TMUX_SOCKET: bTmux.socket, HAPPIER_STOP_STEP_MS: '2000', HAPPIER_VENDOR_ID_TIMEOUT_MS: '90000' };
  const exports = Object.entries(bEnv)
    .filter(([k]) => k !== 'HOME' && k !== 'PATH')
    .map(([k, v]) => `export ${k}='${v.replace(/'/g, `'\\''`)}'`);
  writeFileSync(join(bin, 'happier'), ['#!/bin/sh', ...exports, `exec ${process.execPath} ${HAPPIER_BIN} "$@"`, ''].join('\n'));
  chmodSync(join(bin, 'happier'), 0o755);
  peer.chown(peer.home);

  server = await startServer(join(world.path, 'server-data'));
  a = createProviderSandbox('laptop', join(world.path, 'laptop'), { mockUrl: world.mock.url, cwdRelative: 'work/project' });
  const knownHosts = join(a.home, 'known_hosts');
  writeFileSync(knownHosts, peer.knownHostsLine + '\n');
  const hostBlock = (port: number) => `Host mb\n  HostName 127.0.0.1\n  Port ${port}\n  User ${peer.user}\n  IdentityFile ${peer.clientKey}\n`;
  sshConfig = { reachable: hostBlock(peer.port), refused: hostBlock(await freePort()) };
  aEnv = { ...a.env, HAPPIER_TMUX_SOCKET: join(a.home, 'tmux.sock'), HAPPIER_KNOWN_HOSTS: knownHosts, HAPPIER_SSH_CONFIG: join(a.home, 'ssh_config'), HAPPIER_DAEMON: 'off' };
  writeFileSync(aEnv.HAPPIER_SSH_CONFIG!, sshConfig.reachable);

  const joined = await laptop(['server', 'connect', server.url, '--name', 'laptop', '--json']);
  expect(joined.code, describeCli(joined)).toBe(0);
  const link = await laptop(['server', 'link', '--json']);
  expect(link.code, describeCli(link)).toBe(0);
  // B's daemon, as `server connect` starts it: no systemd user manager here, so detached.
  const bJoined = await onB(['server', 'connect', server.url, '--link', JSON.parse(link.stdout).data.code, '--name', 'mb', '--json']);
  expect(bJoined.code, describeCli(bJoined)).toBe(0);
  expect(JSON.parse(bJoined.stdout).data.daemon).toMatchObject({ pid: expect.any(Number) });
  const added = await laptop(['machine', 'add', 'mb', 'mb', '--json']);
  expect(added.code, describeCli(added)).toBe(0);
}, 120_000);

afterAll(async () => {
  if (peer) await onB(['server', 'daemon', 'stop']).catch(() => undefined);
  bTmux?.killServer();
  if (b) killSandboxProcesses(b.home);
  if (a) killSandboxProcesses(a.home);
  await peer?.stop();
  if (server && server.proc.exitCode === null) await server.stop();
}, 60_000);

function laptop(args: string[], input?: string): Promise<CliRun> {
  return runHappier(args, aEnv, { cwd: a.cwd, ...(input !== undefined ? { input } : {}) });
}

/** happier on B, run there as B's user through the real sshd. */
function onB(args: string[]): Promise<CliRun> {
  const quoted = args.map((x) => `'${x.replace(/'/g, `'\\''`)}'`);
  return new Promise((resolve, reject) => {
    const child = spawn(
      'ssh',
      ['-i', peer.clientKey, '-p', String(peer.port), '-o', `UserKnownHostsFile=${join(a.home, 'known_hosts')}`, '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=yes', `${peer.user}@127.0.0.1`, 'happier', ...quoted],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function onBJson<T>(args: string[]): Promise<T> {
  const r = await onB([...args, '--json']);
  if (r.code !== 0) throw new Error(`on mb: happier ${args.join(' ')}\n${describeCli(r)}`);
  return (JSON.parse(r.stdout) as { data: T }).data;
}

const daemonLog = () => {
  try {
    return readFileSync(join(b.happierHome, 'logs', 'daemon.log'), 'utf8');
  } catch {
    return '(no daemon log)';
  }
};

describe.each(['claude', 'opencode'] as const)('happier send from the laptop to a real %s session mb owns', (agent) => {
  const secret = `SECRET-${agent.toUpperCase()}-${Math.random().toString(36).slice(2, 10).toUpperCase()}`;
  let id = '';
  let vendorId = '';

  const pane = () => (id ? `happier-${id.slice(0, 8)}` : '');
  /** Runs one step under its own deadline; a failure says what mb's pane, the mock and mb's daemon saw. */
  const step = async <T>(name: string, ms: number, fn: () => Promise<T>): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        fn(),
        new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`step timed out after ${ms} ms`)), ms))),
      ]);
    } catch (err) {
      const p = pane();
      throw new Error(
        `${agent}, ${name}: ${err instanceof Error ? err.message : String(err)}\n--- mb pane ${p}\n${p ? bTmux.capture(p) : ''}\n--- mock\n${world.mock.describe()}\n--- mb daemon log\n${daemonLog()}`,
      );
    } finally {
      clearTimeout(timer);
    }
  };
  const messagesOnB = async () => (await onBJson<{ messages: Message[] }>(['session', 'show', id, '--messages', '40'])).messages;
  const laptopSend = async (args: string[]): Promise<SendData> => {
    const r = await laptop(['send', ...args, '--json']);
    if (r.code !== 0) throw new Error(describeCli(r));
    return (JSON.parse(r.stdout) as { data: SendData }).data;
  };
  /** The mock's answer to the model request that carried `text` (not a title request). */
  const mockReplyTo = (text: string, mark: number) =>
    world.mock.modelRequestsContaining(text, mark).map((r) => r.reply).filter((t): t is string => !!t && t.startsWith('Mock reply number'));

  afterAll(async () => {
    if (id) await onB(['stop', id]);
  }, 60_000);

  it('mb makes the session, gives it a first turn with a secret word, and stops it', async () => {
    const creating = onB(['new', '--agent', agent, '--detached', '--cwd', b.cwd]);
    let created: CliRun | null = null;
    void creating.then((r) => (created = r));
    // `new` keeps looking for OpenCode's id until the first turn is written, so the turn goes in alongside.
    id = await step('happier new on mb', 60_000, async () => {
      for (;;) {
        if (created && created.code !== 0) throw new Error(describeCli(created));
        const { sessions } = await onBJson<{ sessions: { id: string; agent: string }[] }>(['session', 'list']);
        const mine = sessions.find((s) => s.agent === agent);
        if (mine) return mine.id;
        await sleep(300);
      }
    });
    const mark = world.mock.mark();
    await step('the first send on mb, into its TUI', 90_000, async () => {
      const r = await onB(['send', id, `Keep ${secret} in mind`, '--json']);
      if (r.code !== 0) throw new Error(describeCli(r));
      expect(JSON.parse(r.stdout).data.delivery).toBe('pasted');
      await world.mock.waitForModelRequest(secret, mark, 60_000);
      const made = await creating;
      expect(made.code, describeCli(made)).toBe(0);
      // The reply has landed before the stop, so the conversation holds a whole turn.
      for (;;) {
        const m = await messagesOnB();
        if (m.some((x) => x.role === 'user' && x.text.includes(secret)) && m.at(-1)?.role === 'assistant') break;
        await sleep(500);
      }
    });
    await step('happier stop on mb', 30_000, async () => {
      const stopped = await onB(['stop', id]);
      expect(stopped.code, describeCli(stopped)).toBe(0);
    });
    // The laptop has never seen the session: it learns of it from what mb's daemon published.
    vendorId = await step('the laptop sees the session through the server', 30_000, async () => {
      for (;;) {
        const r = await laptop(['session', 'list', '--everywhere', '--json']);
        const s = (JSON.parse(r.stdout) as { data: { sessions: { id: string; vendorSessionId: string | null }[] } }).data.sessions.find((x) => x.id === id);
        if (s?.vendorSessionId) return s.vendorSessionId;
        await sleep(500);
      }
    });
  }, 240_000);

  it('the laptop sends over ssh: mb resumes the same vendor id, the reply comes back, and the next request carries the secret', async () => {
    expect(id, 'the session from the first test').not.toBe('');
    const question = `What did I ask you to keep in mind, ${agent}?`;
    const sendId = randomUUID();
    const mark = world.mock.mark();
    const sent = await step('send over ssh', 180_000, () => laptopSend([id.slice(0, 8), question, '--send-id', sendId, '--wait', '--timeout', '120']));
    expect(sent).toMatchObject({ sendId, sessionId: id, delivery: 'resumed', vendorSessionId: vendorId });
    expect(mockReplyTo(question, mark)).toContain(sent.reply?.text);
    const hits = world.mock.modelRequestsContaining(question, mark).filter((r) => r.text.includes(secret));
    expect(hits.length, `the request after the resume should carry the earlier turn\n${world.mock.describe(mark)}`).toBeGreaterThan(0);
    // ssh carried it: mb's daemon never saw this send id.
    expect(daemonLog()).not.toContain(sendId);
  }, 240_000);

  it('with ssh to mb refused, the send goes through the server to mb’s daemon; a cut send retried with its id delivers once', async () => {
    expect(id, 'the session from the first test').not.toBe('');
    writeFileSync(aEnv.HAPPIER_SSH_CONFIG!, sshConfig.refused);
    try {
      const ping = await laptop(['machine', 'ping', 'mb']);
      expect(ping.code, 'ssh to mb must be refused for this test').not.toBe(0);

      const relayed = `Relayed through the server, ${agent}`;
      const relayedId = randomUUID();
      const mark = world.mock.mark();
      const r = await step('send through the relay', 180_000, () => laptop(['send', id, relayed, '--send-id', relayedId, '--wait', '--timeout', '120']));
      expect(r.code, describeCli(r)).toBe(0);
      const replies = mockReplyTo(relayed, mark);
      expect(replies.length, world.mock.describe(mark)).toBeGreaterThan(0);
      expect(replies).toContain(r.stdout.trim());
      expect(daemonLog()).toContain(`relayed send ${relayedId}`);

      const retried = `Cut and retried, ${agent}`;
      const sendId = randomUUID();
      const cutMark = world.mock.mark();
      await step('a send cut mid-wait', 120_000, async () => {
        const cut = spawn(process.execPath, [HAPPIER_BIN, 'send', id, retried, '--send-id', sendId, '--wait', '--timeout', '120'], {
          env: { PATH: process.env.PATH, ...aEnv },
          cwd: a.cwd,
          stdio: 'ignore',
        });
        const gone = new Promise((res) => cut.once('exit', res));
        // Cut once mb delivered it and the provider is answering: the CLI waits on the reply.
        await world.mock.waitForModelRequest(retried, cutMark, 90_000);
        cut.kill('SIGKILL');
        await gone;
      });
      const again = await step('the retry with the same send id', 180_000, () => laptopSend([id, retried, '--send-id', sendId, '--wait', '--timeout', '120']));
      expect(again).toMatchObject({ sendId, sessionId: id, delivery: 'duplicate', vendorSessionId: vendorId });
      expect(mockReplyTo(retried, cutMark)).toContain(again.reply?.text);
      const turns = await step('the transcript on mb', 60_000, messagesOnB);
      expect(turns.filter((m) => m.role === 'user' && m.text === retried)).toHaveLength(1);
      expect(turns.filter((m) => m.role === 'user' && m.text === relayed)).toHaveLength(1);
    } finally {
      writeFileSync(aEnv.HAPPIER_SSH_CONFIG!, sshConfig.reachable);
    }
  }, 480_000);
});
