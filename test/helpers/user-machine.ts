/**
 * A second machine set up the way users' machines are, for the lane that checks happier
 * outside lab conditions (issue 13). Beside sshd.ts (root, HOME, PATH and LANG handed in
 * by SetEnv), this is:
 *
 * - mb: a real non-root account (HOME from passwd, a login shell of the test's choice) on
 *   an sshd without SetEnv or AcceptEnv, so a session there has no locale. node, happier,
 *   tmux and the provider CLIs live in ~/.local/bin, which only the login profile puts on
 *   PATH. That sshd runs in a mount namespace where the system's node and tmux are hidden,
 *   as on a machine whose node comes from nvm: a non-login `sh -c` finds none of them.
 * - jump: a second sshd, the only way to mb. mb's HostName resolves only in the jump
 *   host's /etc/hosts (a mount namespace of its own).
 * - laptop: a second non-root account for the happier client. OpenSSH reads the passwd
 *   home's ~/.ssh/config (not $HOME's), so it takes an account to have a config of one's
 *   own: ProxyJump, an Include holding the Host block, IdentityAgent (an ssh-agent of that
 *   user; no key file anywhere) and UserKnownHostsFile (the only place the host keys are
 *   known). happier runs there as that user with LANG, LC_ALL and LC_CTYPE unset.
 *
 *   const um = await startUserMachine({ shell: 'zsh' });
 *   await um.happier(['machine', 'add', 'mb', 'mb']);
 *   await um.login('command -v node');         // on mb, through its login shell
 *   await um.stop();
 *
 * Root only (accounts and mount namespaces); it throws, with the reason, otherwise.
 * stop() removes both accounts again; accounts left by a killed run are removed by the
 * next one.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROVIDER_BINS, type ProviderAgent } from '../support/provider-sandbox.js';
import { fastTempDir } from './fast-temp.js';
import { HAPPIER_BIN, runHappier, type CliRun } from './run-happier.js';
import { freePort, killSessions, waitForPort } from './sshd.js';
import { claudeSetUp } from './claude-setup.js';

export type LoginShell = 'bash' | 'zsh' | 'fish' | 'sh';

export const LOGIN_SHELLS: Readonly<Record<LoginShell, string>> = { bash: '/bin/bash', zsh: '/usr/bin/zsh', fish: '/usr/bin/fish', sh: '/bin/sh' };

/** Resolves only on the jump host: reaching mb any other way fails at the name. */
export const MB_HOSTNAME = 'mb.behind-jump.test';

/** What the system has that a user's nvm/Homebrew machine would not: hidden from mb's sshd. */
const HIDDEN_ON_MB = ['/usr/bin/node', '/usr/bin/nodejs', '/usr/local/bin/node', '/usr/bin/tmux', '/usr/local/bin/tmux'];
const SYSTEM_PATH = '/usr/local/bin:/usr/bin:/bin';
const SSHD = '/usr/sbin/sshd';
const LOCALE_VARS = { LANG: undefined, LC_ALL: undefined, LC_CTYPE: undefined, LANGUAGE: undefined, LC_MESSAGES: undefined };
const fixture = (name: string) => fileURLToPath(new URL(`../integration/lifecycle/fixtures/${name}`, import.meta.url));

export interface UserMachineOptions {
  /** mb's login shell; default bash. */
  shell?: LoginShell;
  /** The provider CLIs on mb's login PATH: stand-ins from the lifecycle fixtures (default) or the real CLIs. */
  providers?: 'fake' | 'real';
  /** Exported by mb's login profile only (provider keys, base URLs, proxies), as a user's ~/.profile does. */
  profileEnv?: Record<string, string>;
  /** Added to the environment happier runs with on the laptop. */
  laptopEnv?: Record<string, string | undefined>;
}

export interface Account {
  readonly user: string;
  readonly uid: number;
  readonly gid: number;
  /** The passwd home. */
  readonly home: string;
  readonly shell: string;
  /** tmux's default server for this user, where happier's panes go. */
  readonly tmuxSocket: string;
  /** Hands a path (recursively) to this user: files the test writes as root. */
  chown(path: string): void;
}

export interface MbAccount extends Account {
  readonly port: number;
  /** ~/.local/bin: node, happier, tmux and the provider CLIs, on the login PATH only. */
  readonly bin: string;
  /** Where the stand-in providers log each launch (their FAKE_LOG, from the login profile). */
  readonly launchLog: string;
  readonly sshdPid: number;
}

export interface LaptopAccount extends Account {
  readonly sshConfig: string;
  /** The included file that holds the Host blocks of mb and the jump host. */
  readonly includedConfig: string;
  readonly knownHosts: string;
  readonly agentSocket: string;
  /** What happier and ssh run with here: no locale, the system PATH, stand-in providers. */
  readonly env: Record<string, string | undefined>;
  /** Where the laptop's stand-in providers log each launch. */
  readonly launchLog: string;
}

export interface UserMachine {
  readonly mb: MbAccount;
  readonly laptop: LaptopAccount;
  readonly jump: { readonly port: number; readonly pid: number; sessions(): number };
  /** `happier` on the laptop, as the laptop user, with no locale. */
  happier(args: readonly string[], opts?: { env?: Record<string, string | undefined>; cwd?: string; input?: string }): Promise<CliRun>;
  /** `happier … --json`, parsed (the raw stdout when it is not JSON). */
  json(args: readonly string[], opts?: { env?: Record<string, string | undefined>; cwd?: string }): Promise<{ code: number | null; stderr: string; body: any }>;
  /** `ssh [sshArgs] mb <command>` as the laptop user through its ~/.ssh/config: mb's non-login shell runs it. */
  ssh(command: string, sshArgs?: readonly string[]): Promise<CliRun>;
  /** `command` on mb through the user's login shell (`$SHELL -l -c`), as a user's terminal would run it. */
  login(command: string): Promise<CliRun>;
  /** `happier <args>` on mb through the login shell. */
  onMb(args: readonly string[]): Promise<CliRun>;
  /** `tmux -S <socket> …` as root on a user's default tmux server; '' when it fails. */
  tmux(account: Account, ...args: string[]): string;
  /**
   * A terminal of the laptop user running `argv` (a pane of a tmux server of its own, with
   * the laptop's environment: no locale), as for `happier attach` or `ssh -t`.
   */
  terminal(argv: readonly string[]): LaptopTerminal;
  /** Rewrites mb's login profile to export `env` (instead of profileEnv), for settings that need mb's paths. */
  setProfileEnv(env: Readonly<Record<string, string>>): void;
  stop(): Promise<void>;
}

export interface LaptopTerminal {
  capture(): string;
  /** Whether the program in it still runs. */
  running(): boolean;
  close(): void;
}

let accountSeq = 0;
let terminalSeq = 0;

export async function startUserMachine(opts: UserMachineOptions = {}): Promise<UserMachine> {
  if (process.getuid?.() !== 0) {
    throw new Error('the user-machine lane runs as root: it creates two accounts and mount namespaces (run the tests as root, as CI does)');
  }
  const shellName = opts.shell ?? 'bash';
  const shell = LOGIN_SHELLS[shellName];
  if (!existsSync(shell)) throw new Error(`${shellName} is not installed at ${shell}: install it (apt-get install ${shellName}) to run this variant`);
  removeStaleAccounts();

  const base = fastTempDir('happier-um-');
  chmodSync(base, 0o711);
  const started: ChildProcess[] = [];
  const accounts: Account[] = [];
  const cleanup = async () => {
    for (const a of accounts) endUserProcesses(a);
    for (const c of started) await stopProcess(c);
    for (const a of accounts) removeAccount(a.user);
    execFileSync('rm', ['-rf', base]);
  };

  try {
    const keys = join(base, 'keys');
    mkdirSync(keys, { mode: 0o700 });
    const clientKey = join(keys, 'id_ed25519');
    keygen(clientKey, 'happier-laptop');

    const seq = `${process.pid}-${++accountSeq}`;
    const mbAccount = createAccount(`hum-${seq}`, join(base, 'mb'), shell);
    accounts.push(mbAccount);
    const laptopAccount = createAccount(`hul-${seq}`, join(base, 'laptop'), LOGIN_SHELLS.bash);
    accounts.push(laptopAccount);

    const mbSetup = setUpMb(mbAccount, clientKey, opts);
    const setProfileEnv = (env: Readonly<Record<string, string>>) => {
      writeLoginProfile(mbAccount.home, shellName, { ...(opts.providers === 'real' ? {} : { FAKE_LOG: mbSetup.launchLog }), ...env });
      mbAccount.chown(mbAccount.home);
    };
    setProfileEnv(opts.profileEnv ?? {});
    const mbHostKey = join(keys, 'mb_host');
    const jumpHostKey = join(keys, 'jump_host');
    keygen(mbHostKey, 'mb-host');
    keygen(jumpHostKey, 'jump-host');

    const [mbPort, jumpPort] = [await freePort(), await freePort()];
    const mbSshd = await startNamespacedSshd(
      sshdConfig(base, 'mb', { port: mbPort, hostKey: mbHostKey, user: mbAccount.user, authorizedKeys: '.ssh/authorized_keys' }),
      HIDDEN_ON_MB.filter(existsSync).map((f) => `mount --bind /dev/null ${f}`),
      mbPort,
    );
    started.push(mbSshd);

    const hosts = join(base, 'jump-hosts');
    writeFileSync(hosts, `127.0.0.1 localhost\n127.0.0.1 ${MB_HOSTNAME}\n`);
    const jumpSshd = await startNamespacedSshd(
      sshdConfig(base, 'jump', { port: jumpPort, hostKey: jumpHostKey, user: mbAccount.user, authorizedKeys: join(mbAccount.home, '.ssh', 'authorized_keys') }),
      [`mount --bind ${hosts} /etc/hosts`],
      jumpPort,
    );
    started.push(jumpSshd);

    const laptopSetup = setUpLaptop(laptopAccount, {
      mbUser: mbAccount.user,
      mbPort,
      jumpPort,
      knownHostsLines: [`[${MB_HOSTNAME}]:${mbPort} ${pubKey(mbHostKey)}`, `[127.0.0.1]:${jumpPort} ${pubKey(jumpHostKey)}`],
    });
    if (opts.providers !== 'real') {
      // The stand-in claude runs where a claude that was run once and logged in would.
      for (const a of [laptopAccount, mbAccount]) {
        claudeSetUp({ HOME: a.home });
        a.chown(a.home);
      }
    }
    const agent = await startAgentAs(laptopAccount, laptopSetup.agentSocket, clientKey);
    started.push(agent);

    const mb: MbAccount = { ...mbAccount, port: mbPort, bin: mbSetup.bin, launchLog: mbSetup.launchLog, sshdPid: mbSshd.pid! };
    const laptopEnv: Record<string, string | undefined> = {
      ...LOCALE_VARS,
      HOME: laptopAccount.home,
      USER: laptopAccount.user,
      LOGNAME: laptopAccount.user,
      SHELL: laptopAccount.shell,
      PATH: SYSTEM_PATH,
      NO_COLOR: '1',
      HAPPIER_CLAUDE_BIN: fixture('fake-claude.mjs'),
      HAPPIER_CODEX_BIN: fixture('fake-codex.mjs'),
      HAPPIER_OPENCODE_BIN: fixture('fake-opencode.mjs'),
      FAKE_LOG: join(laptopAccount.home, 'launches.jsonl'),
      HAPPIER_START_WATCH_MS: '500',
      HAPPIER_STOP_STEP_MS: '500',
      HAPPIER_CONNECT_TIMEOUT_MS: '10000',
      ...opts.laptopEnv,
    };
    const laptop: LaptopAccount = { ...laptopAccount, ...laptopSetup, env: laptopEnv, launchLog: laptopEnv.FAKE_LOG! };

    const happier: UserMachine['happier'] = (args, o = {}) =>
      runHappier(args, { ...laptopEnv, ...o.env }, { cwd: o.cwd ?? laptop.home, input: o.input, uid: laptop.uid, gid: laptop.gid });
    const ssh: UserMachine['ssh'] = (command, sshArgs = []) =>
      collect(spawn('ssh', ['-o', 'BatchMode=yes', ...sshArgs, 'mb', command], { env: definedOnly(laptopEnv), uid: laptop.uid, gid: laptop.gid, cwd: laptop.home, stdio: ['ignore', 'pipe', 'pipe'] }));
    const login: UserMachine['login'] = (command) => ssh(`exec "$SHELL" -l -c ${shq(command)}`);
    return {
      mb,
      laptop,
      jump: { port: jumpPort, pid: jumpSshd.pid!, sessions: () => childCount(jumpSshd.pid!) },
      happier,
      json: async (args, o = {}) => {
        const r = await happier([...args, '--json'], o);
        let body: any;
        try {
          body = JSON.parse(r.stdout);
        } catch {
          body = { raw: r.stdout };
        }
        return { code: r.code, stderr: r.stderr, body };
      },
      ssh,
      login,
      onMb: (args) => login(['happier', ...args.map(shq)].join(' ')),
      tmux: (account, ...args) => {
        const r = spawnSync('tmux', ['-S', account.tmuxSocket, ...args], { encoding: 'utf8', env: { ...process.env, LANG: 'C.UTF-8' } });
        return r.status === 0 ? r.stdout : '';
      },
      terminal: (argv) => {
        const socket = join(laptop.home, `terminal-${++terminalSeq}.sock`);
        const run = (...args: string[]) =>
          spawnSync('tmux', ['-S', socket, ...args], { encoding: 'utf8', env: definedOnly(laptopEnv), uid: laptop.uid, gid: laptop.gid, cwd: laptop.home });
        const started = run('new-session', '-d', '-s', 'terminal', '-x', '120', '-y', '40', '--', ...argv);
        if (started.status !== 0) throw new Error(`could not open a terminal for ${argv.join(' ')}: ${started.stderr}`);
        return {
          capture: () => (run('capture-pane', '-p', '-t', '=terminal:').stdout ?? '').trimEnd(),
          running: () => run('has-session', '-t', '=terminal').status === 0,
          close: () => {
            run('kill-server');
            rmSync(socket, { force: true });
          },
        };
      },
      setProfileEnv,
      stop: cleanup,
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

function setUpMb(a: Account, clientKey: string, opts: UserMachineOptions): { bin: string; launchLog: string } {
  const bin = join(a.home, '.local', 'bin');
  mkdirSync(bin, { recursive: true });
  // Copies, not links: the originals are hidden from mb's sshd, and a user's nvm node is a file of its own.
  copyFileSync(process.execPath, join(bin, 'node'));
  copyFileSync(execFileSync('sh', ['-c', 'command -v tmux'], { encoding: 'utf8' }).trim(), join(bin, 'tmux'));
  chmodSync(join(bin, 'node'), 0o755);
  chmodSync(join(bin, 'tmux'), 0o755);
  // As `npm install -g` leaves it: a link to the launcher, whose `#!/usr/bin/env node` needs node on PATH.
  symlinkSync(HAPPIER_BIN, join(bin, 'happier'));
  const launchLog = join(a.home, 'launches.jsonl');
  for (const agent of ['claude', 'codex', 'opencode'] as const) {
    if (opts.providers === 'real') symlinkSync(PROVIDER_BINS[agent], join(bin, agent));
    else writeStandIn(join(bin, agent), agent);
  }

  const ssh = join(a.home, '.ssh');
  mkdirSync(ssh, { recursive: true, mode: 0o700 });
  writeFileSync(join(ssh, 'authorized_keys'), readFileSync(clientKey + '.pub'), { mode: 0o600 });

  a.chown(a.home);
  return { bin, launchLog };
}

/** A stand-in provider CLI: a script that needs `node` from PATH, as the real npm-installed ones do. */
function writeStandIn(path: string, agent: ProviderAgent): void {
  writeFileSync(path, `#!/bin/sh\nexec node ${fixture(`fake-${agent}.mjs`)} "$@"\n`, { mode: 0o755 });
}

/**
 * The login profile a user's installers leave: ~/.local/bin on PATH and provider settings
 * exported, read by login shells only. zsh reads ~/.zprofile (which sources ~/.profile, a
 * common setup), fish its own config under `status is-login`.
 */
export function writeLoginProfile(home: string, shell: LoginShell, env: Readonly<Record<string, string>>): void {
  const skel = existsSync('/etc/skel/.profile') ? readFileSync('/etc/skel/.profile', 'utf8') : '';
  const sh = [
    skel,
    '# what nvm, pipx and `npm config set prefix ~/.local` leave here',
    'case ":$PATH:" in *":$HOME/.local/bin:"*) ;; *) PATH="$HOME/.local/bin:$PATH" ;; esac',
    'export PATH',
    ...Object.entries(env).map(([k, v]) => `export ${k}=${shq(v)}`),
    '',
  ];
  writeFileSync(join(home, '.profile'), sh.join('\n'));
  if (shell === 'zsh') writeFileSync(join(home, '.zprofile'), `emulate sh -c '. "$HOME/.profile"'\n`);
  if (shell === 'fish') {
    const dir = join(home, '.config', 'fish');
    mkdirSync(dir, { recursive: true });
    const fishq = (v: string) => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
    writeFileSync(
      join(dir, 'config.fish'),
      ['if status is-login', '    set -gx PATH $HOME/.local/bin $PATH', ...Object.entries(env).map(([k, v]) => `    set -gx ${k} ${fishq(v)}`), 'end', ''].join('\n'),
    );
  }
}

function setUpLaptop(
  a: Account,
  o: { mbUser: string; mbPort: number; jumpPort: number; knownHostsLines: string[] },
): { sshConfig: string; includedConfig: string; knownHosts: string; agentSocket: string } {
  const ssh = join(a.home, '.ssh');
  for (const d of [ssh, join(ssh, 'config.d'), join(ssh, 'known_hosts.d'), join(ssh, 'agent')]) mkdirSync(d, { recursive: true, mode: 0o700 });
  const sshConfig = join(ssh, 'config');
  const includedConfig = join(ssh, 'config.d', 'lab.conf');
  const knownHosts = join(ssh, 'known_hosts.d', 'lab');
  const agentSocket = join(ssh, 'agent', 'agent.sock');
  // Relative Include paths in a user config are relative to ~/.ssh; `~` is the passwd home.
  writeFileSync(sshConfig, ['Include config.d/*.conf', '', 'Host *', '  ServerAliveInterval 30', ''].join('\n'), { mode: 0o600 });
  const common = ['  IdentityAgent ~/.ssh/agent/agent.sock', '  UserKnownHostsFile ~/.ssh/known_hosts.d/lab', `  User ${o.mbUser}`];
  writeFileSync(
    includedConfig,
    [
      'Host mb',
      `  HostName ${MB_HOSTNAME}`,
      `  Port ${o.mbPort}`,
      '  ProxyJump jump',
      ...common,
      '',
      'Host jump',
      '  HostName 127.0.0.1',
      `  Port ${o.jumpPort}`,
      ...common,
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  writeFileSync(knownHosts, o.knownHostsLines.join('\n') + '\n', { mode: 0o600 });
  a.chown(a.home);
  return { sshConfig, includedConfig, knownHosts, agentSocket };
}

/** An ssh-agent of the laptop user (an agent answers its own uid only) holding the one key. */
async function startAgentAs(a: Account, socket: string, key: string): Promise<ChildProcess> {
  const env = { HOME: a.home, PATH: SYSTEM_PATH };
  const agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore', uid: a.uid, gid: a.gid, env });
  for (let i = 0; i < 300 && !existsSync(socket); i++) await new Promise((r) => setTimeout(r, 10));
  if (!existsSync(socket)) throw new Error(`ssh-agent did not create ${socket}`);
  // The key file exists only while ssh-add reads it: after this, the agent is the only way in.
  const copy = join(a.home, '.ssh', 'agent', 'adding');
  copyFileSync(key, copy);
  chmodSync(copy, 0o600);
  a.chown(copy);
  try {
    execFileSync('ssh-add', ['-q', copy], { env: { ...env, SSH_AUTH_SOCK: socket }, uid: a.uid, gid: a.gid, stdio: 'pipe' });
  } finally {
    rmSync(copy, { force: true });
  }
  return agent;
}

interface SshdConfigSpec {
  port: number;
  hostKey: string;
  user: string;
  authorizedKeys: string;
}

/** No SetEnv and no AcceptEnv: a session gets what sshd itself sets (HOME, USER, SHELL, the default PATH). */
function sshdConfig(base: string, name: string, s: SshdConfigSpec): string {
  const path = join(base, `sshd_config.${name}`);
  writeFileSync(
    path,
    [
      'ListenAddress 127.0.0.1',
      `Port ${s.port}`,
      `HostKey ${s.hostKey}`,
      `PidFile ${join(base, `sshd.${name}.pid`)}`,
      `AuthorizedKeysFile ${s.authorizedKeys}`,
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'StrictModes yes',
      'AllowTcpForwarding yes',
      'PermitRootLogin no',
      `AllowUsers ${s.user}`,
      'PrintMotd no',
      'PrintLastLog no',
      'MaxSessions 64',
      'MaxStartups 64',
      'LogLevel ERROR',
      'Subsystem sftp internal-sftp',
      '',
    ].join('\n'),
  );
  return path;
}

/** sshd in a private mount namespace, after `mounts` (shell commands) changed what it sees. */
async function startNamespacedSshd(config: string, mounts: string[], port: number): Promise<ChildProcess> {
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const script = ['set -e', ...mounts, `exec ${SSHD} -D -e -f ${shq(config)}`].join('\n');
  const child = spawn('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (log += d));
  await waitForPort(port, child, () => (log ? log : 'no output (is unshare --mount permitted here? it needs CAP_SYS_ADMIN)'));
  return child;
}

function createAccount(user: string, home: string, shell: string): Account {
  mkdirSync(home, { recursive: true });
  if (existsSync('/etc/skel')) execFileSync('cp', ['-a', '/etc/skel/.', home]);
  // '*' rather than the default '!': with UsePAM off, sshd refuses a locked account even for keys.
  retryOnLock(() => execFileSync('useradd', ['-M', '-U', '-d', home, '-s', shell, '-p', '*', user], { stdio: 'pipe' }));
  const uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
  const chown = (p: string) => execFileSync('chown', ['-R', '-h', `${uid}:${gid}`, p]);
  chmodSync(home, 0o750);
  chown(home);
  return { user, uid, gid, home, shell, tmuxSocket: `/tmp/tmux-${uid}/default`, chown };
}

/** useradd and userdel fail while another process holds /etc/passwd's lock. */
function retryOnLock(f: () => void): void {
  for (let i = 0; ; i++) {
    try {
      f();
      return;
    } catch (err) {
      const text = String((err as { stderr?: Buffer }).stderr ?? err);
      if (i >= 50 || !/lock|busy/i.test(text)) throw err;
      execFileSync('sleep', ['0.1']);
    }
  }
}

function removeAccount(user: string): void {
  try {
    retryOnLock(() => execFileSync('userdel', [user], { stdio: 'pipe' }));
  } catch {
    // Still running something: the next run's sweep takes it.
  }
}

/** Accounts of runs that were killed before their stop(): `hu[ml]-<pid>-<n>` whose pid is gone. */
function removeStaleAccounts(): void {
  for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
    const m = /^(hu[ml]-(\d+)-\d+):/.exec(line);
    if (m && !alive(Number(m[2]))) removeAccount(m[1]!);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Every process of a test account is one this harness started (its tmux servers, agents,
 * panes), so each is ended by pid before the account goes.
 */
function endUserProcesses(a: Account): void {
  spawnSync('tmux', ['-S', a.tmuxSocket, 'kill-server'], { stdio: 'ignore' });
  const r = spawnSync('pgrep', ['-u', String(a.uid)], { encoding: 'utf8' });
  for (const pid of (r.stdout ?? '').split('\n').filter(Boolean)) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // already gone
    }
  }
  rmSync(dirname(a.tmuxSocket), { recursive: true, force: true });
}

function stopProcess(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    killSessions(child.pid!);
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

function childCount(pid: number): number {
  const r = spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' });
  return (r.stdout ?? '').split('\n').filter(Boolean).length;
}

function keygen(path: string, comment: string): void {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path]);
}

function pubKey(key: string): string {
  return readFileSync(key + '.pub', 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
}

function definedOnly(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}

function collect(child: ChildProcess): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Single quotes for sh, zsh and fish alike (no backslashes inside). */
export function shq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
