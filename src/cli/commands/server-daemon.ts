import { Command } from 'commander';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { HappierError } from '../../domain/errors.js';
import type { CliContext } from '../context.js';
import { okEnvelope } from '../output/json-envelope.js';

const lock = () => import('../../daemon/daemon-lock.js');

/** The side effects of installing the daemon's service, behind one small interface. */
export interface ServiceHost {
  writeFile(path: string, text: string): void;
  removeFile(path: string): void;
  /** Runs a service manager command; its exit code, never a throw. */
  run(argv: readonly string[]): number;
}

export const nodeServiceHost: ServiceHost = {
  writeFile(path, text) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text, { mode: 0o644 });
  },
  removeFile(path) {
    rmSync(path, { force: true });
  },
  run(argv) {
    const r = spawnSync(argv[0]!, argv.slice(1), { stdio: 'ignore', timeout: 10_000 });
    return r.error ? 127 : (r.status ?? 1);
  },
};

export function daemonCommand(ctx: CliContext): Command {
  const cmd = new Command('daemon').description('the per-user daemon that keeps this machine online and answers relayed sends');
  cmd
    .command('run')
    .description('run the daemon in the foreground (what the systemd unit or launchd agent starts)')
    .action(async () => runForeground(ctx));
  cmd
    .command('start')
    .description('start the daemon in the background (a no-op when it already runs); for a login script')
    .option('--json', 'JSON envelope on stdout')
    .action(async (opts: { json?: boolean }) => {
      const r = await startDetached(ctx);
      if (opts.json) return ctx.out(okEnvelope(ctx.kind, r) + '\n');
      ctx.out(r.alreadyRunning ? `the daemon already runs (pid ${r.pid})\n` : `started the daemon (pid ${r.pid})\n`);
    });
  cmd
    .command('status')
    .description('whether the daemon runs; exits 1 when it does not')
    .option('--json', 'JSON envelope on stdout')
    .action(async (opts: { json?: boolean }) => {
      const rec = (await lock()).readDaemon(ctx.home);
      const data = rec ? { running: true, ...rec, log: logPath(ctx) } : { running: false, log: logPath(ctx) };
      if (!rec) ctx.exitCode = 1;
      if (opts.json) return ctx.out(okEnvelope(ctx.kind, data) + '\n');
      if (rec) ctx.out(`running (pid ${rec.pid}, since ${rec.startedAt}, server ${rec.url})\n`);
      else {
        ctx.out('not running\n');
        ctx.note('hint: `happier server daemon start` starts it');
      }
    });
  cmd
    .command('stop')
    .description('stop the daemon (it starts again at the next login while its unit is installed)')
    .option('--json', 'JSON envelope on stdout')
    .action(async (opts: { json?: boolean }) => {
      const stopped = await stopDaemon(ctx);
      if (opts.json) return ctx.out(okEnvelope(ctx.kind, stopped) + '\n');
      ctx.out(stopped.pid ? `stopped the daemon (pid ${stopped.pid})\n` : 'the daemon was not running\n');
    });
  return cmd;
}

function logPath(ctx: CliContext): string {
  return join(ctx.home, 'logs', 'daemon.log');
}

async function runForeground(ctx: CliContext): Promise<void> {
  const [{ acquireDaemonLock, releaseDaemonLock, readDaemon }, { runDaemon }, { heartbeatIntervalMs }, { openClient }, { deliverSend }, store] = await Promise.all([
    lock(),
    import('../../daemon/daemon-loop.js'),
    import('../../server/client/heartbeat-loop.js'),
    import('./server.js'),
    import('../send-wiring.js'),
    ctx.store(),
  ]);
  const sync = await openClient(ctx);
  const got = acquireDaemonLock(ctx.home, { pid: process.pid, startedAt: new Date().toISOString(), url: sync.connection.url });
  if (!got.acquired) {
    ctx.out(`the daemon already runs for ${ctx.home} (pid ${got.holder.pid}); not starting another\n`);
    return;
  }
  const abort = new AbortController();
  const stop = () => abort.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const log = (line: string) => ctx.note(`${new Date().toISOString()} ${line}`);
  log(`daemon ${process.pid} for ${ctx.home}, server ${sync.connection.url}`);
  const poll = Number(ctx.io.env.HAPPIER_DAEMON_POLL_MS);
  try {
    await runDaemon({
      sync,
      deliver: (req) => deliverSend(ctx, req),
      inputs: async () => {
        const { viewSession } = await import('../../domain/session-view.js');
        const sessions = store.sessions.list({ archived: 'all' }).filter((s) => s.ownerMachineId === store.registry.machineId);
        const vctx = await ctx.viewContext(sessions);
        const byId = new Map(sessions.map((s) => [s.id, viewSession(s, vctx).input]));
        const fingerprint = [...byId].map(([id, i]) => `${id}:${i.reason}`).sort().join(',');
        return Object.assign((s: { id: string }) => byId.get(s.id), { fingerprint });
      },
      ownsSession: (id) => store.sessions.get(id)?.ownerMachineId === store.registry.machineId,
      stillMine: () => readDaemon(ctx.home)?.pid === process.pid,
      registryVersion: () => store.registry.db.pragma('data_version', { simple: true }) as number,
      log,
      heartbeatMs: heartbeatIntervalMs(ctx.io.env),
      pollMs: Number.isFinite(poll) && poll >= 50 ? poll : 3_000,
      signal: abort.signal,
    });
  } finally {
    releaseDaemonLock(ctx.home, process.pid);
    log('daemon stopped');
  }
}

/** Starts `happier server daemon run` detached, its output in the daemon log; its secrets stay in HAPPIER_HOME, never on argv. */
export async function startDetached(ctx: CliContext): Promise<{ alreadyRunning: boolean; pid: number }> {
  const { readDaemon } = await lock();
  const running = readDaemon(ctx.home);
  if (running) return { alreadyRunning: true, pid: running.pid };
  mkdirSync(dirname(logPath(ctx)), { recursive: true, mode: 0o700 });
  const fd = openSync(logPath(ctx), 'a', 0o600);
  const child = spawn(process.execPath, [...daemonArgv()], {
    detached: true,
    stdio: ['ignore', fd, fd],
    env: { ...ctx.io.env, HAPPIER_HOME: ctx.home } as NodeJS.ProcessEnv,
  });
  child.unref();
  // The pid file appears once the daemon holds the lock; wait briefly so status agrees at once.
  for (let i = 0; i < 50; i++) {
    const rec = readDaemon(ctx.home);
    if (rec) return { alreadyRunning: rec.pid !== child.pid, pid: rec.pid };
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new HappierError('INTERNAL', 'the daemon did not start', { hint: `see ${logPath(ctx)}` });
}

/** The happier entry this process runs, then `server daemon run`. */
export function daemonArgv(): string[] {
  return [process.argv[1]!, 'server', 'daemon', 'run'];
}

export async function stopDaemon(ctx: CliContext): Promise<{ pid: number | null }> {
  const { readDaemon, processAlive } = await lock();
  const rec = readDaemon(ctx.home);
  if (!rec) return { pid: null };
  process.kill(rec.pid, 'SIGTERM');
  for (let i = 0; i < 50 && processAlive(rec.pid); i++) await new Promise((r) => setTimeout(r, 100));
  if (processAlive(rec.pid)) process.kill(rec.pid, 'SIGKILL');
  return { pid: rec.pid };
}

/** Installs what starts the daemon after login or reboot, and starts it now. */
export async function installDaemon(ctx: CliContext, host: ServiceHost = nodeServiceHost) {
  const [{ serviceEnv }, { readDaemon }] = await Promise.all([import('../../daemon/service-unit.js'), lock()]);
  const running = readDaemon(ctx.home)?.pid ?? null;
  // The unit appends to the log there; systemd creates the file, not its folder.
  mkdirSync(dirname(logPath(ctx)), { recursive: true, mode: 0o700 });
  const plan = await planFor(ctx, [process.execPath, ...daemonArgv()], { ...serviceEnv(ctx.io.env), HAPPIER_HOME: ctx.home });
  let manager: 'systemd' | 'launchd' | 'none' = 'none';
  if (plan.kind === 'systemd') {
    host.writeFile(plan.path, plan.text);
    if (host.run(['systemctl', '--user', 'show-environment']) === 0) {
      host.run(['systemctl', '--user', 'daemon-reload']);
      if (host.run(['systemctl', '--user', 'enable', '--now', plan.name]) === 0) manager = 'systemd';
    }
  } else if (plan.kind === 'launchd') {
    host.writeFile(plan.path, plan.text);
    const domain = `gui/${process.getuid?.() ?? 0}`;
    host.run(['launchctl', 'bootout', domain, plan.path]);
    if (host.run(['launchctl', 'bootstrap', domain, plan.path]) === 0) manager = 'launchd';
  }
  // A manager that took the unit starts the daemon itself; one started here too would race
  // it for the lock, and the unit's copy would exit 0 and stay stopped, unwatched.
  const started = manager === 'none' ? await startDetached(ctx) : await managedDaemon(ctx, running);
  const note =
    manager !== 'none'
      ? `the daemon starts at login through ${manager} (${plan.kind === 'none' ? '' : plan.path})`
      : plan.kind === 'systemd'
        ? `no systemd user manager answered; the unit is at ${plan.path} for when one does (\`systemctl --user enable --now ${plan.name}\`); until then run \`happier server daemon start\` from a login script`
        : plan.kind === 'launchd'
          ? `launchctl refused ${plan.path}; run \`happier server daemon start\` from a login script`
          : plan.note;
  return { manager, unitPath: plan.kind === 'none' ? null : plan.path, pid: started.pid, alreadyRunning: started.alreadyRunning, note };
}

/** The daemon the service manager started, once it holds the lock; started here if it never shows up. */
async function managedDaemon(ctx: CliContext, before: number | null): Promise<{ alreadyRunning: boolean; pid: number }> {
  const { readDaemon } = await lock();
  for (let i = 0; i < 100; i++) {
    const rec = readDaemon(ctx.home);
    if (rec) return { alreadyRunning: rec.pid === before, pid: rec.pid };
    await new Promise((r) => setTimeout(r, 100));
  }
  return startDetached(ctx);
}

/** Stops the daemon and removes its unit or agent. */
export async function uninstallDaemon(ctx: CliContext, host: ServiceHost = nodeServiceHost) {
  const plan = await planFor(ctx, [], {});
  if (plan.kind === 'systemd') host.run(['systemctl', '--user', 'disable', '--now', plan.name]);
  if (plan.kind === 'launchd') host.run(['launchctl', 'bootout', `gui/${process.getuid?.() ?? 0}`, plan.path]);
  const stopped = await stopDaemon(ctx);
  if (plan.kind !== 'none') host.removeFile(plan.path);
  return { stoppedPid: stopped.pid, removedUnit: plan.kind === 'none' ? null : plan.path };
}

async function planFor(ctx: CliContext, argv: readonly string[], env: Record<string, string>) {
  const { servicePlan } = await import('../../daemon/service-unit.js');
  return servicePlan({
    platform: process.platform,
    homeDir: ctx.io.homeDir,
    xdgConfigHome: ctx.io.env.XDG_CONFIG_HOME,
    happierHome: ctx.home,
    defaultHome: !ctx.io.env.HAPPIER_HOME,
    argv,
    env,
  });
}
