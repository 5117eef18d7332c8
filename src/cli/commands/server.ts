import { Command, Option } from 'commander';
import { join } from 'node:path';
import { HappierError } from '../../domain/errors.js';
import { outputWidth } from '../cli-io.js';
import type { CliContext } from '../context.js';
import { okEnvelope } from '../output/json-envelope.js';
import { formatPresenceTable, untilText } from '../output/server-output.js';
import { packageInfo } from '../package-info.js';
import { daemonCommand, installDaemon, uninstallDaemon } from './server-daemon.js';

const client = () => import('../../server/client/sync-client.js');

export function serverCommand(ctx: CliContext): Command {
  const cmd = new Command('server').description('the optional sync server: run it, join it, see who is online');

  cmd
    .command('start')
    .description('run the sync server in the foreground until SIGINT or SIGTERM')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0 picks a free one)', '8787')
    .option('--data <dir>', 'where the server keeps its database (default $HAPPIER_HOME/server)')
    .option('--json', 'print the listening address as a JSON envelope')
    .action(async (opts: { host: string; port: string; data?: string; json?: boolean }) => startServer(ctx, opts));

  cmd
    .command('connect <url>')
    .description('register this machine with a sync server (the first machine creates the account key) and start its daemon')
    .option('--link <code>', 'join an existing account with a code from `happier server link`')
    .option('--name <name>', 'the name other machines see for this one')
    .option('--ssh-target <target>', 'how other machines reach this one over SSH (user@host)')
    .option('--no-daemon', 'do not start the daemon or install its unit (also HAPPIER_DAEMON=off)')
    .option('--json', 'JSON envelope on stdout')
    .action(async (url: string, opts: { link?: string; name?: string; sshTarget?: string; daemon: boolean; json?: boolean }) => {
      const [{ joinServer }, store] = await Promise.all([import('../../server/client/account-join.js'), ctx.store()]);
      const r = await joinServer(store.registry, ctx.io.env, url, {
        ...(opts.link ? { link: opts.link } : {}),
        ...(opts.name ? { name: opts.name } : {}),
        ...(opts.sshTarget ? { sshTarget: opts.sshTarget } : {}),
      });
      const daemon = opts.daemon && ctx.io.env.HAPPIER_DAEMON !== 'off' ? await installDaemon(ctx) : null;
      const data = { url: r.connection.url, accountId: r.connection.accountId, machineId: r.machineId, createdAccount: r.created, daemon };
      if (opts.json) return ctx.out(okEnvelope(ctx.kind, data) + '\n');
      ctx.out(`connected to ${data.url} (account ${data.accountId.slice(0, 8)})\n`);
      if (daemon) ctx.note(`${daemon.alreadyRunning ? 'the daemon already runs' : 'started the daemon'} (pid ${daemon.pid}); ${daemon.note}`);
      else ctx.note('no daemon: this machine is online only while a command or `happier server beat` runs');
      ctx.note(
        r.created
          ? 'this machine created the account key; add other machines with `happier server link`'
          : 'joined the account; this machine now has its key',
      );
    });

  cmd
    .command('link')
    .description('print a single-use code that lets another machine join this account')
    .option('--json', 'JSON envelope on stdout')
    .action(async (opts: { json?: boolean }) => {
      const [{ issueLinkCode }, sync] = await Promise.all([import('../../server/client/account-join.js'), openClient(ctx)]);
      const issued = await issueLinkCode(sync);
      const data = { code: issued.code.text, expiresAt: issued.expiresAt, ttlSec: issued.ttlSec, url: sync.connection.url };
      if (opts.json) return ctx.out(okEnvelope(ctx.kind, data) + '\n');
      ctx.out(`${data.code}\n`);
      ctx.note(`expires ${untilText(data.expiresAt, ctx.io.now())}; on the other machine run:`);
      ctx.note(`  happier server connect ${data.url} --link ${data.code}`);
    });

  cmd
    .command('status')
    .description('the connection, whether the server answers, and which machines are online; exits 1 when not connected or the server does not answer')
    .option('--json', 'JSON envelope on stdout')
    .action(async (opts: { json?: boolean }) => status(ctx, !!opts.json));

  cmd
    .command('sync')
    .description('publish this machine\'s sessions (encrypted) and learn which ones moved elsewhere')
    .option('--json', 'JSON envelope on stdout')
    .action(async (opts: { json?: boolean }) => {
      const sync = await openClient(ctx);
      const r = await sync.sync();
      const data = { published: r.published, lost: r.lost, records: r.records.length, unreadable: r.unreadable };
      if (opts.json) return ctx.out(okEnvelope(ctx.kind, data) + '\n');
      ctx.out(`published ${r.published} session(s); the account has ${r.records.length}\n`);
      for (const l of r.lost) ctx.note(`session ${l.sessionId} is now owned by ${l.ownerMachineId} (epoch ${l.ownerEpoch})`);
      if (r.unreadable) ctx.note(`${r.unreadable} record(s) could not be opened with this account's key`);
    });

  cmd
    .command('beat')
    .description('stay online in the foreground without the daemon: heartbeats over a WebSocket until SIGINT or SIGTERM')
    .addOption(new Option('--interval-ms <ms>', 'time between heartbeats (default HAPPIER_HEARTBEAT_MS or 10000)'))
    .action(async (opts: { intervalMs?: string }) => beat(ctx, opts));

  cmd
    .command('disconnect')
    .description('leave the server: stop the daemon and remove its unit, forget the token and the account key here (sessions stay)')
    .option('--json', 'JSON envelope on stdout')
    .action(async (opts: { json?: boolean }) => {
      const [{ leaveServer }, { SyncClient }, store] = await Promise.all([
        import('../../server/client/account-join.js'),
        client(),
        ctx.store(),
      ]);
      const sync = SyncClient.tryOpen(store.registry, ctx.io.env);
      if (!sync) throw (await client()).notConnected();
      const url = sync.connection.url;
      const daemon = await uninstallDaemon(ctx);
      const r = await leaveServer(store.registry, sync);
      if (opts.json) return ctx.out(okEnvelope(ctx.kind, { url, ...r, daemon }) + '\n');
      ctx.out(`disconnected from ${url}\n`);
      if (!r.serverNotified) ctx.note('the server did not answer; it will keep listing this machine as offline');
    });
  cmd.addCommand(daemonCommand(ctx));
  return cmd;
}

export async function openClient(ctx: CliContext) {
  const [{ SyncClient }, store] = await Promise.all([client(), ctx.store()]);
  return SyncClient.open(store.registry, ctx.io.env);
}

async function startServer(ctx: CliContext, opts: { host: string; port: string; data?: string; json?: boolean }): Promise<void> {
  const port = Number(opts.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new HappierError('USAGE', `--port must be 0 to 65535, not '${opts.port}'`);
  const env = ctx.io.env;
  const { startSyncServer } = await import('../../server/sync-server.js');
  const dataDir = opts.data ?? join(ctx.home, 'server');
  let server;
  try {
    server = await startSyncServer({
      dataDir,
      host: opts.host,
      port,
      version: packageInfo().version,
      ...(envInt(env, 'HAPPIER_SERVER_OFFLINE_MS') ? { offlineAfterMs: envInt(env, 'HAPPIER_SERVER_OFFLINE_MS')! } : {}),
      ...(envBucket(env, 'HAPPIER_SERVER_CLAIM_LIMIT') ? { claimLimit: envBucket(env, 'HAPPIER_SERVER_CLAIM_LIMIT')! } : {}),
      ...(envBucket(env, 'HAPPIER_SERVER_IP_LIMIT') ? { ipLimit: envBucket(env, 'HAPPIER_SERVER_IP_LIMIT')! } : {}),
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      throw new HappierError('USAGE', `cannot listen on ${opts.host}:${port} (${code})`, { hint: 'pick another --port or --host' });
    }
    throw err;
  }
  if (opts.json) ctx.out(okEnvelope(ctx.kind, { url: server.url, port: server.port, dataDir }) + '\n');
  else ctx.out(`happier server listening on ${server.url} (data in ${dataDir})\n`);
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      if (!opts.json) ctx.note(`${signal}: shutting down`);
      server.close().then(resolve, resolve);
    };
    const onInt = () => stop('SIGINT');
    const onTerm = () => stop('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
  });
}

async function status(ctx: CliContext, json: boolean): Promise<void> {
  const [{ SyncClient }, { readConnection }, store] = await Promise.all([
    client(),
    import('../../server/client/connection-store.js'),
    ctx.store(),
  ]);
  const connection = readConnection(store.registry);
  // A status that reports nothing usable exits 1, so `happier server status && …` means "the server is there".
  if (!connection) {
    ctx.exitCode = 1;
    if (json) return ctx.out(okEnvelope(ctx.kind, { connected: false }) + '\n');
    ctx.out('not connected to a sync server\n');
    ctx.note('hint: `happier server connect <url>` joins one; everything local works without it');
    return;
  }
  const sync = SyncClient.open(store.registry, ctx.io.env);
  let machines: Awaited<ReturnType<typeof sync.presence>> | null = null;
  let health: { version?: string; uptimeSec?: number } | null = null;
  let problem: HappierError | null = null;
  try {
    [health, machines] = await Promise.all([sync.http.get<{ version: string; uptimeSec: number }>('/health'), sync.presence()]);
  } catch (err) {
    if (!(err instanceof HappierError)) throw err;
    problem = err;
  }
  const data = {
    connected: true,
    url: connection.url,
    accountId: connection.accountId,
    machineId: store.registry.machineId,
    connectedAt: connection.connectedAt,
    reachable: problem === null,
    ...(problem ? { error: { code: problem.code, message: problem.message } } : {}),
    serverVersion: health?.version ?? null,
    machines: machines ?? [],
  };
  if (problem) ctx.exitCode = 1;
  if (json) return ctx.out(okEnvelope(ctx.kind, data) + '\n');
  ctx.out(`server   ${data.url} (${problem ? `unreachable: ${problem.code}` : `up, version ${data.serverVersion}`})\n`);
  ctx.out(`account  ${data.accountId}\nmachine  ${data.machineId}\n`);
  if (machines && machines.length) {
    ctx.out('\n' + formatPresenceTable(machines, data.machineId, { now: ctx.io.now(), width: outputWidth(ctx.io), chalk: ctx.chalk }));
  }
  if (problem?.hint) ctx.note(`hint: ${problem.hint}`);
}

async function beat(ctx: CliContext, opts: { intervalMs?: string }): Promise<void> {
  const [{ runHeartbeats, heartbeatIntervalMs }, sync] = await Promise.all([
    import('../../server/client/heartbeat-loop.js'),
    openClient(ctx),
  ]);
  const intervalMs = opts.intervalMs ? Number(opts.intervalMs) : heartbeatIntervalMs(ctx.io.env);
  if (!Number.isFinite(intervalMs) || intervalMs < 50) throw new HappierError('USAGE', '--interval-ms must be at least 50');
  const abort = new AbortController();
  const stop = () => abort.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  ctx.note(`sending heartbeats to ${sync.connection.url} every ${intervalMs} ms; Ctrl-C stops`);
  await runHeartbeats(sync, {
    intervalMs,
    signal: abort.signal,
    onEvent: (e) => {
      if (e.type === 'hello') ctx.out(`online as ${e.machineId}\n`);
      if (e.type === 'owner' && e.ownerMachineId !== sync.machineId) {
        // The push means a handoff committed somewhere; a full sync records what this machine lost.
        sync.sync().then(
          (r) => r.lost.forEach((l) => ctx.note(`session ${l.sessionId} moved to ${l.ownerMachineId}`)),
          () => undefined,
        );
      }
      if (e.type === 'closed' && !abort.signal.aborted) ctx.note(`connection closed (${e.code}); reconnecting`);
    },
  });
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);
}

function envInt(env: Readonly<Record<string, string | undefined>>, name: string): number | undefined {
  const n = Number(env[name]);
  return env[name] && Number.isFinite(n) && n > 0 ? n : undefined;
}

/** `burst/perMinute`, e.g. `10/10`. */
function envBucket(env: Readonly<Record<string, string | undefined>>, name: string): { burst: number; perMinute: number } | undefined {
  const m = /^(\d+)\/(\d+(?:\.\d+)?)$/.exec(env[name] ?? '');
  return m ? { burst: Number(m[1]), perMinute: Number(m[2]) } : undefined;
}
