/**
 * The built binary driven to each error code a user can reach without a provider run:
 * the exit status (1, or 2 for usage), the `error:` and `hint:` lines on stderr, and the
 * same code and hint in the --json envelope. Real tmux, a real sshd, real DNS failure.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../../src/domain/session.js';
import { claudeSlug } from '../../../src/providers/claude/claude-slug.js';
import { MachinesRepo } from '../../../src/store/machines-repo.js';
import { openRegistry, REGISTRY_FILE } from '../../../src/store/registry.js';
import { SessionsRepo } from '../../../src/store/sessions-repo.js';
import { HAPPIER_BIN, runHappier } from '../../helpers/run-happier.js';
import { startPane } from '../../helpers/tmux-pane.js';
import { makeSession } from '../../helpers/session-factory.js';
import { freePort, startSshd, type SshdPeer } from '../../helpers/sshd.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { claudeSetUp } from '../../helpers/claude-setup.js';

const dir = tempDir('happier-error-hints-');
const home = join(dir.path, 'home');
const socket = join(dir.path, 'tmux.sock');
const knownHosts = join(dir.path, 'known_hosts');
const project = join(home, 'project');
const env: Record<string, string> = {
  HOME: home,
  HAPPIER_HOME: join(home, '.happier'),
  HAPPIER_DAEMON: 'off',
  HAPPIER_TMUX_SOCKET: socket,
  HAPPIER_SSH_CONFIG: join(dir.path, 'ssh_config'),
  HAPPIER_KNOWN_HOSTS: knownHosts,
  HAPPIER_CONNECT_TIMEOUT_MS: '5000',
  NO_COLOR: '1',
};
let peer: SshdPeer;
let other: SshdPeer;
const s: Record<string, Session> = {};

beforeAll(async () => {
  mkdirSync(project, { recursive: true });
  // Claude has been run here once and is logged in, so what fails is what each test breaks.
  claudeSetUp(env);
  writeFileSync(env.HAPPIER_SSH_CONFIG!, '');
  writeFileSync(knownHosts, '');
  [peer, other] = await Promise.all([startSshd(), startSshd()]);
  execFileSync('tmux', ['-S', socket, 'new-session', '-d', '-s', 'happier-live', 'sleep 600']);
  const reg = openRegistry(env.HAPPIER_HOME!);
  const self = reg.machineId;
  const machines = new MachinesRepo(reg);
  const at = new Date().toISOString();
  machines.upsert({ id: 'm-far', name: 'far', sshTarget: null, identityFile: null, isSelf: false, createdAt: at });
  machines.upsert({ id: 'm-lost', name: 'lost', sshTarget: 'dev@desk.invalid', identityFile: null, isSelf: false, createdAt: at });
  const mine = (over: Partial<Session>) => makeSession({ ownerMachineId: self, cwd: project, ...over });
  Object.assign(s, {
    ambiguous1: mine({ id: 'abcd1234-0000-4000-8000-000000000001' }),
    ambiguous2: mine({ id: 'abcd1234-0000-4000-8000-000000000002' }),
    archived: mine({ archived: true }),
    noVendor: mine({ vendorSessionId: null }),
    goneCwd: mine({ cwd: join(home, 'deleted') }),
    live: mine({ terminal: { kind: 'tmux', sessionName: 'happier-live', socket } }),
    codex: mine({ agent: 'codex', backend: 'app-server' }),
    plain: mine({}),
    far: makeSession({ ownerMachineId: 'm-far', cwd: project }),
    lost: makeSession({ ownerMachineId: 'm-lost', cwd: project }),
  });
  const sessions = new SessionsRepo(reg);
  for (const x of Object.values(s)) sessions.insert(x);
  reg.close();
  // Claude has a conversation for the session whose folder is gone, so the folder is what stops it.
  const folder = join(home, '.claude', 'projects', claudeSlug(s.goneCwd!.cwd));
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, `${s.goneCwd!.vendorSessionId}.jsonl`), JSON.stringify({ type: 'user', message: { role: 'user', content: 'hi' } }) + '\n');
});

afterAll(async () => {
  try {
    execFileSync('tmux', ['-S', socket, 'kill-server'], { stdio: 'ignore' });
  } catch {
    // Already gone.
  }
  await Promise.all([peer?.stop(), other?.stop()]);
  dir.cleanup();
});

interface Expected {
  readonly code: string;
  readonly hint: string | RegExp;
  readonly exit?: 1 | 2;
  /** Each run makes a session of its own (`new`), so the two messages name different ids. */
  readonly ownRecord?: boolean;
}

/**
 * Runs the command as text and as --json: the same code, exit status and hint both
 * ways, one `error:` line and one `hint:` line, and nothing but the envelope on stdout.
 */
async function fails(args: string[], want: Expected, extra: Record<string, string> = {}): Promise<Record<string, unknown>> {
  const exit = want.exit ?? 1;
  const text = await runHappier(args, { ...env, ...extra });
  expect(text.code, text.stderr).toBe(exit);
  const lines = text.stderr.trimEnd().split('\n');
  const hints = lines.filter((l) => l.startsWith('hint: '));
  expect(hints, text.stderr).toHaveLength(1);
  const hint = hints[0]!.slice('hint: '.length);
  if (typeof want.hint === 'string') expect(hint).toBe(want.hint);
  else expect(hint).toMatch(want.hint);

  const json = await runHappier([...args, '--json'], { ...env, ...extra });
  expect(json.code, json.stderr).toBe(exit);
  const body = JSON.parse(json.stdout);
  expect(body).toMatchObject({ v: 1, ok: false, error: { code: want.code, hint } });
  expect(body.error.message).toMatch(/^[^\n]+$/);
  if (exit === 1 && !want.ownRecord) expect(lines).toContain(`error: ${body.error.message}`);
  if (exit === 1) expect(lines.filter((l) => l.startsWith('error: '))).toHaveLength(1);
  return body.error;
}

describe('sessions', () => {
  it('USAGE: a missing argument exits 2 and points at --help', async () => {
    await fails(['session', 'show'], { code: 'USAGE', exit: 2, hint: 'add --help to the command to see its arguments and options' });
  });

  it('USAGE: a mistyped command is an unknown command, with --json too', async () => {
    const err = await fails(['sesion', 'list'], { code: 'USAGE', exit: 2, hint: 'run `happier --help` to see the commands' });
    expect(err.message).toBe("unknown command 'sesion'");
  });

  it('NOT_FOUND: names where the ids are', async () => {
    const err = await fails(['session', 'show', 'ffffffff'], { code: 'NOT_FOUND', hint: 'run `happier session list --all` to see every session' });
    expect(err.message).toContain('ffffffff');
  });

  it('AMBIGUOUS: lists the candidates, and says to type more', async () => {
    const err = await fails(['session', 'show', 'abcd1234'], { code: 'AMBIGUOUS', hint: 'give more characters of the id' });
    expect((err.candidates as { id: string }[]).map((c) => c.id).sort()).toEqual([s.ambiguous1!.id, s.ambiguous2!.id]);
  });

  it('ARCHIVED: resume says to unarchive it', async () => {
    await fails(['resume', s.archived!.id], { code: 'ARCHIVED', hint: `bring it back with \`happier session unarchive ${s.archived!.id.slice(0, 8)}\` first` });
  });

  it('ALREADY_ACTIVE: resume of a session with a live tmux pane says to attach', async () => {
    await fails(['resume', s.live!.id], { code: 'ALREADY_ACTIVE', hint: `happier attach ${s.live!.id.slice(0, 8)}` });
  });

  it('NOT_RESUMABLE: no provider id yet, with the reason', async () => {
    const err = await fails(['resume', s.noVendor!.id], { code: 'NOT_RESUMABLE', hint: "without the provider's id happier would have to guess; start a new session with `happier new --agent claude`" });
    expect(err.reason).toBe('missing-id');
  });

  it('PATH_MISSING: the folder is gone here; restore it, see the path; no handoff', async () => {
    const short = s.goneCwd!.id.slice(0, 8);
    const err = await fails(['resume', s.goneCwd!.id], {
      code: 'PATH_MISSING',
      hint: `the provider reopens it only from that folder, which is gone on this machine: restore ${join(home, 'deleted')} (or check it out there again), then \`happier resume ${short}\`; \`happier session show ${short}\` shows the path`,
    });
    expect(err.path).toBe(join(home, 'deleted'));
  });

  it('NOT_OWNER: another machine owns it and happier has no way there', async () => {
    await fails(['resume', s.far!.id], { code: 'NOT_OWNER', hint: 'add that machine with `happier machine add far <ssh-target>` to reach it' });
  });

  it('NOT_ATTACHABLE: the owner is reachable only over ssh -t, and this is no terminal', async () => {
    await fails(['attach', s.lost!.id], { code: 'NOT_ATTACHABLE', hint: /^run it in a terminal: ssh -F .* -t dev@desk\.invalid / });
  });
});

describe('settings', () => {
  it('a bad value lists the allowed ones', async () => {
    await fails(['settings', 'set', 'handoff.conflict', 'overwrite'], {
      code: 'USAGE',
      exit: 2,
      hint: 'allowed: sibling, replace, e.g. `happier settings set handoff.conflict replace`',
    });
    await fails(['settings', 'set', 'backends.codex.resume', 'perhaps'], {
      code: 'USAGE',
      exit: 2,
      hint: 'allowed: true or false (or on/off, yes/no, 1/0), e.g. `happier settings set backends.codex.resume false`',
    });
  });

  it('an unknown key lists the keys', async () => {
    const err = await fails(['settings', 'set', 'handoff.workspaces', 'true'], { code: 'USAGE', exit: 2, hint: /^the keys are backends\.claude\.enabled, .*handoff\.workspace, / });
    expect(err.keys).toContain('handoff.workspace');
  });

  it('BACKEND_DISABLED: new says which setting turns it on', async () => {
    expect((await runHappier(['settings', 'set', 'backends.claude.enabled', 'false'], env)).code).toBe(0);
    try {
      await fails(['new', '--detached', '--cwd', project], { code: 'BACKEND_DISABLED', hint: 'turn it on with `happier settings set backends.claude.enabled true`' });
    } finally {
      await runHappier(['settings', 'reset', 'backends.claude.enabled'], env);
    }
  });
});

describe('providers and handoff', () => {
  it('PROVIDER_MISSING: the npm package and the override variable', async () => {
    await fails(['new', '--detached', '--cwd', project], {
      code: 'PROVIDER_MISSING',
      hint: 'install it with `npm i -g @anthropic-ai/claude-code`, or set HAPPIER_CLAUDE_BIN to its path',
    }, { HAPPIER_CLAUDE_BIN: join(dir.path, 'no-claude-here') });
  });

  it('PROVIDER_LOGIN: a claude never run here says to run it once', async () => {
    await fails(['new', '--detached', '--cwd', project], {
      code: 'PROVIDER_LOGIN',
      hint: 'run `claude` once to log in; it finishes its first-run set-up on the way',
    }, { HAPPIER_CLAUDE_BIN: '/bin/echo', CLAUDE_CONFIG_DIR: join(dir.path, 'claude-never-run') });
  });

  it('TMUX_FAILED: a tmux that refuses, and one that is not there, each with its own next step', async () => {
    const provider = { HAPPIER_CLAUDE_BIN: '/bin/echo' };
    const refused = await fails(['new', '--detached', '--cwd', project], { code: 'TMUX_FAILED', hint: 'check that tmux works here (`tmux new-session -d` by hand)', ownRecord: true }, { ...provider, HAPPIER_TMUX_BIN: '/bin/false' });
    expect(refused.message).toMatch(/^tmux could not start happier-[0-9a-f]{8}: exit 1$/);
    const missing = join(dir.path, 'no-tmux-here');
    await fails(['new', '--detached', '--cwd', project], { code: 'TMUX_FAILED', hint: 'install tmux, or point HAPPIER_TMUX_BIN at it' }, { ...provider, HAPPIER_TMUX_BIN: missing });
  });

  it('UNSUPPORTED_PROVIDER: a Codex handoff names the setting that allows it', async () => {
    await fails(['handoff', s.codex!.id, '--to', 'far'], { code: 'UNSUPPORTED_PROVIDER', hint: 'turn it on with `happier settings set handoff.codexExperimental true`' });
  });

  it('MACHINE_UNKNOWN: a handoff to a name happier does not know says how to add it', async () => {
    await fails(['handoff', s.plain!.id, '--to', 'attic'], { code: 'MACHINE_UNKNOWN', hint: 'add it with `happier machine add attic <ssh-target>`, or see `happier machine list`' });
  });
});

describe('machines over SSH', () => {
  const target = () => `${peer.user}@127.0.0.1:${peer.port}`;

  it('HOST_UNRESOLVED: a name that does not resolve points at the address, not at the power switch', async () => {
    const err = await fails(['machine', 'add', 'attic', 'dev@attic.invalid'], {
      code: 'HOST_UNRESOLVED',
      hint: 'the name attic.invalid does not resolve: check its spelling (HostName for attic.invalid in your ssh config), DNS, or /etc/hosts',
    });
    expect(err.reason).toBe('unknown-host');
  });

  it('HOST_UNRESOLVED through ssh -T: a send to a session whose owner does not resolve', async () => {
    // Longer than a pipe holds: ssh exits without reading it, and happier must not trip on that.
    const err = await fails(['send', s.lost!.id, 'hello '.repeat(20_000)], {
      code: 'HOST_UNRESOLVED',
      hint: 'the name desk.invalid does not resolve: check its spelling (HostName for desk.invalid in your ssh config), DNS, or /etc/hosts',
    });
    expect(err.message).toMatch(/nothing was sent$/);
  });

  it('HOST_UNRESOLVED through ssh -t: attach in a terminal to a session whose owner does not resolve', async () => {
    const argv = ['sh', '-c', `"${process.execPath}" "${HAPPIER_BIN}" attach ${s.lost!.id}; echo "happier exited $?"; sleep 30`];
    const pane = startPane({ argv, env: { ...env, TERM: 'screen', PATH: process.env.PATH ?? '/usr/bin:/bin' }, cols: 200, rows: 30 });
    try {
      const screen = (await pane.waitFor('happier exited 1', 15_000)).replace(/\s*\n\s*/g, ' ');
      // ssh's own line reaches the terminal, then happier's reading of it.
      expect(screen).toContain('Could not resolve hostname desk.invalid');
      expect(screen).toContain('hint: the name desk.invalid does not resolve: check its spelling');
      expect(screen).not.toMatch(/is on and its SSH server runs/);
    } finally {
      pane.kill();
    }
  });

  it('MACHINE_OFFLINE: nothing listens on the port', async () => {
    const port = await freePort();
    await fails(['machine', 'add', 'off', `dev@127.0.0.1:${port}`], {
      code: 'MACHINE_OFFLINE',
      hint: `127.0.0.1 answers but nothing listens on port ${port}: start its SSH server, or fix the Port for 127.0.0.1`,
    });
  });

  it('HOST_KEY_UNKNOWN comes first, even with no key that would log in', async () => {
    writeFileSync(knownHosts, '');
    await fails(['machine', 'add', 'desk', target()], { code: 'HOST_KEY_UNKNOWN', hint: /^if SHA256:\S+ is really that machine's key, run `happier machine trust desk`, or `happier machine add desk .* --accept-new-host-key` when adding it$/ });
  });

  it('SSH_FAILED: the host is known, no key is accepted', async () => {
    writeFileSync(knownHosts, peer.knownHostsLine + '\n');
    const err = await fails(['machine', 'add', 'desk', target()], { code: 'SSH_FAILED', hint: new RegExp(`^check the user name \\(${peer.user}\\), load your key into ssh-agent or pass \`--identity FILE\`, `) });
    expect(err.reason).toBe('auth');
  });

  it('HOST_KEY_CHANGED: another key on record for the same address', async () => {
    // The other sshd's key, filed under this one's address.
    writeFileSync(knownHosts, other.knownHostsLine.replace(`]:${other.port} `, `]:${peer.port} `) + '\n');
    await fails(['machine', 'add', 'desk', target(), '--identity', peer.clientKey], {
      code: 'HOST_KEY_CHANGED',
      hint: new RegExp(`^someone may be intercepting the connection; .*ssh-keygen -R '\\[127\\.0\\.0\\.1\\]:${peer.port}' -f ${knownHosts}.*happier machine trust desk\`$`),
    });
  });

  it('CONFLICT: a name already taken', async () => {
    writeFileSync(knownHosts, peer.knownHostsLine + '\n');
    await fails(['machine', 'add', 'lost', target(), '--identity', peer.clientKey], { code: 'CONFLICT', hint: 'remove it first with `happier machine rm lost`, or pick another name' });
  });
});

describe('the sync server', () => {
  it('NOT_CONNECTED: pairing without a server says how to connect', async () => {
    await fails(['pair', 'list'], { code: 'NOT_CONNECTED', hint: 'run `happier server connect <url>` (or with `--link <code>` to join an existing account)' });
  });

  it('USAGE: a server address that is not http(s) shows the form it takes', async () => {
    await fails(['server', 'connect', 'ftp://desk.lan'], { code: 'USAGE', exit: 2, hint: 'give it as http://host:port, e.g. `happier server connect http://desk.lan:8787`' });
  });

  it('SERVER_UNAVAILABLE: a server that is not there', async () => {
    const port = await freePort();
    await fails(['server', 'connect', `http://127.0.0.1:${port}`], { code: 'SERVER_UNAVAILABLE', hint: 'start it with `happier server start` there, or check the URL and the network; local commands keep working without it' });
  });
});

describe('the registry', () => {
  const broken = (name: string, make: (file: string) => void) => {
    const h = join(dir.path, name);
    mkdirSync(h, { recursive: true });
    make(join(h, REGISTRY_FILE));
    return { HAPPIER_HOME: h };
  };

  it('REGISTRY_CORRUPT: not a database; left alone', async () => {
    const file = join(dir.path, 'corrupt', REGISTRY_FILE);
    await fails(['session', 'list'], { code: 'REGISTRY_CORRUPT', hint: `happier left it untouched; restore it from a backup, or move it aside (\`mv ${file} ${file}.broken\`) to start a new registry` }, broken('corrupt', (f) => writeFileSync(f, 'not a database at all')));
  });

  it('REGISTRY_TOO_NEW: written by a newer happier', async () => {
    const newer = broken('newer', (f) => {
      const db = new Database(f);
      db.pragma('user_version = 999');
      db.close();
    });
    await fails(['session', 'list'], { code: 'REGISTRY_TOO_NEW', hint: 'upgrade happier on this machine, or point HAPPIER_HOME at another folder; the registry was left as it is' }, newer);
  });

  it('REGISTRY_UNREADABLE: the registry is not a file', async () => {
    const file = join(dir.path, 'dir', REGISTRY_FILE);
    await fails(['session', 'list'], { code: 'REGISTRY_UNREADABLE', hint: `move it aside (\`mv ${file} ${file}.old\`); happier will not replace it` }, broken('dir', (f) => mkdirSync(f)));
  });
});
