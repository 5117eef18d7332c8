/**
 * A connection through the system OpenSSH client: `ssh -G` says what the target means, one
 * ControlMaster logs in (the user's config, agent, known_hosts, ProxyJump and all), and
 * every exec is an `ssh` mux client of it whose stdin and stdout are the remote command's.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HappierError } from '../../domain/errors.js';
import { controlDirCandidates, ensureControlDir, SOCKET_NAME_LENGTH } from './control-dir.js';
import { controlArgs, masterArgs, muxArgs, resolveArgs } from './openssh-args.js';
import { hostKeyPolicy, overlayConfig, parseSshG, type OpenSshSettings } from './openssh-config.js';
import { classifyLoginFailure, keysAdded, type FailureContext } from './openssh-diagnostics.js';
import { ProcessChannel } from './process-channel.js';
import { runToEnd } from './remote-channel.js';
import { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_KEEPALIVE_MS, type ConnectOptions, type SshConnection, type SshEnv } from './ssh-connection.js';
import { offline, sshFailed, type LoginContext } from './ssh-errors.js';
import { destinationArgs, parseSshTarget } from './ssh-target.js';
import { searchPath } from './ssh-transport-choice.js';

/** Past ConnectTimeout (TCP and banner), a login may still wait on a hardware key's touch. */
const LOGIN_GRACE_MS = 30_000;
const LOGIN_LOG_MAX = 1 << 20;
/** After `-O exit`, how long before the master is killed outright. */
const EXIT_GRACE_MS = 3_000;

type Env = Record<string, string>;

export async function connectOpenSsh(opts: ConnectOptions, e: SshEnv, sshPath: string): Promise<SshConnection> {
  const target = parseSshTarget(opts.target);
  const destination = destinationArgs(target);
  const env = processEnv(e.env);
  const userConfig = e.env.HAPPIER_SSH_CONFIG || null;
  // A HAPPIER_SSH_CONFIG that does not exist means no config, as it did for the ssh2 reader.
  const configFile = userConfig && existsSync(userConfig) ? userConfig : null;
  const settings = await resolveTarget(sshPath, configFile, destination, target.host, env, opts);
  const login: FailureContext = {
    host: settings,
    machine: opts.machineName ?? target.host,
    target: opts.target,
    knownHostsFile: e.env.HAPPIER_KNOWN_HOSTS || settings.userKnownHostsFiles[0] || null,
  };

  const uid = process.getuid?.() ?? 0;
  const dir = ensureControlDir(controlDirCandidates(e.env, uid), uid);
  const controlPath = join(dir, randomBytes(SOCKET_NAME_LENGTH / 2).toString('hex'));
  const overlay = `${controlPath}.conf`;
  writeFileSync(
    overlay,
    overlayConfig({
      strictHostKeyChecking: hostKeyPolicy(!!opts.acceptNewHostKey, settings.strictHostKeyChecking),
      knownHostsFile: e.env.HAPPIER_KNOWN_HOSTS || null,
      connectTimeoutMs: opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      keepaliveIntervalMs: opts.keepaliveIntervalMs ?? DEFAULT_KEEPALIVE_MS,
      includes: userConfig ? (configFile ? [configFile] : []) : ['~/.ssh/config', '/etc/ssh/ssh_config'],
    }),
    { mode: 0o600 },
  );
  let master: StartedMaster;
  try {
    master = await startMaster(sshPath, masterArgs({ overlayConfig: overlay, controlPath, identityFile: opts.identityFile ?? null, destination }), env, login, opts);
  } finally {
    // Every hop has read it by the time the master listens (or has failed).
    rmSync(overlay, { force: true });
  }
  const pid = await masterPid(sshPath, controlPath, settings.alias, env, login);
  return openConnection(sshPath, controlPath, pid, master, settings, login, env);
}

function processEnv(env: Readonly<Record<string, string | undefined>>): Env {
  const out: Env = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  out.PATH = searchPath(env);
  return out;
}

async function resolveTarget(sshPath: string, configFile: string | null, destination: string[], alias: string, env: Env, opts: ConnectOptions): Promise<OpenSshSettings> {
  const r = await collect(spawn(sshPath, resolveArgs(configFile, destination), { env, stdio: ['ignore', 'pipe', 'pipe'] }));
  const settings = parseSshG(r.stdout, alias);
  if (r.code === 0) return settings;
  const c: FailureContext = { host: settings, machine: opts.machineName ?? alias, target: opts.target, knownHostsFile: null };
  throw classifyLoginFailure(r.stderr, c);
}

interface StartedMaster {
  readonly child: ChildProcess;
  readonly acceptedKeys: string[];
}

function startMaster(sshPath: string, args: string[], env: Env, login: FailureContext, opts: ConnectOptions): Promise<StartedMaster> {
  const child = spawn(sshPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  let ready = false;
  // The master writes debug lines for as long as it lives; unread, they would stall it.
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    if (!ready && log.length < LOGIN_LOG_MAX) log += d;
  });
  return new Promise<StartedMaster>((resolve, reject) => {
    const limitMs = (opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS) + LOGIN_GRACE_MS;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(offline(login, 'timeout', `logging in to ${login.host.alias} took longer than ${Math.round(limitMs / 1000)} s`));
    }, limitMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(sshFailed(login, 'spawn', `cannot run ${sshPath}: ${err.message}`, err));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) {
        ready = true;
        resolve({ child, acceptedKeys: keysAdded(log) });
        return;
      }
      // Without a master in the background nothing else holds stderr: it ends right away.
      child.once('close', () => reject(classifyLoginFailure(log, login)));
    });
  });
}

async function masterPid(sshPath: string, controlPath: string, alias: string, env: Env, login: LoginContext): Promise<number> {
  const r = await collect(spawn(sshPath, controlArgs(controlPath, alias, 'check'), { env, stdio: ['ignore', 'pipe', 'pipe'] }));
  const pid = /pid=(\d+)/.exec(r.stderr)?.[1];
  if (r.code !== 0 || !pid) throw sshFailed(login, 'control', `the SSH connection to ${alias} is up but does not answer on its control socket: ${r.stderr.trim()}`);
  return Number(pid);
}

function openConnection(
  sshPath: string,
  controlPath: string,
  pid: number,
  master: StartedMaster,
  host: OpenSshSettings,
  login: LoginContext,
  env: Env,
): SshConnection {
  const channels = new Set<ProcessChannel>();
  let gone = false;
  let closing = false;
  let settle!: () => void;
  const closed = new Promise<void>((resolve) => (settle = resolve));
  const finish = () => {
    if (gone) return;
    gone = true;
    // A killed master leaves its socket behind.
    rmSync(controlPath, { force: true });
    settle();
  };
  master.child.once('close', finish);
  const kill = (signal: NodeJS.Signals) => {
    if (gone) return;
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  };

  const exec = (command: string) =>
    new Promise<ProcessChannel>((resolve, reject) => {
      if (gone || closing) {
        reject(offline(login, 'closed', `the connection to ${login.host.alias} is closed`));
        return;
      }
      const child = spawn(sshPath, muxArgs(controlPath, host.alias, command), { env, stdio: ['pipe', 'pipe', 'pipe'] });
      child.once('error', (err) => reject(sshFailed(login, 'exec', `cannot run a command on ${host.alias}: ${err.message}`, err)));
      child.once('spawn', () => {
        const ch = new ProcessChannel(child);
        channels.add(ch);
        ch.once('close', () => channels.delete(ch));
        resolve(ch);
      });
    });

  return {
    host: { alias: host.alias, hostName: host.hostName, port: host.port, user: host.user, identityFiles: host.identityFiles, proxyJump: host.proxyJump, hostKeyAlias: host.hostKeyAlias ?? null },
    acceptedKeys: master.acceptedKeys,
    exec,
    run: async (command, stdin) => runToEnd(await exec(command), stdin),
    closed,
    close: () => {
      if (gone || closing) return;
      closing = true;
      const asked = spawn(sshPath, controlArgs(controlPath, host.alias, 'exit'), { env, stdio: 'ignore' });
      asked.once('error', () => kill('SIGTERM'));
      asked.once('exit', (code) => code !== 0 && kill('SIGTERM'));
      setTimeout(() => kill('SIGKILL'), EXIT_GRACE_MS).unref();
    },
    destroy: () => {
      kill('SIGKILL');
      for (const ch of channels) ch.destroy();
      // SIGKILL is not refused: the connection is gone now, so whoever redials gets a new one.
      finish();
    },
  };
}

function collect(child: ChildProcess): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.once('error', (err) => reject(new HappierError('SSH_FAILED', `cannot run ssh: ${err.message}`, { hint: 'check the OpenSSH client installation (`ssh -V`)', cause: err })));
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}
