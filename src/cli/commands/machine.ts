import { Argument, Command } from 'commander';
import { resolve } from 'node:path';
import { HappierError, isHappierError } from '../../domain/errors.js';
import { checkOverridePath, isValidMachineName, MACHINE_KEYS, parseMachineKey, parseOverrideSpecs, type Machine, type MachineKey } from '../../domain/machine.js';
import type { PeerConnector } from '../../transfer/peer-connector.js';
import { outputWidth } from '../cli-io.js';
import { wrappedHelpText } from '../help-layout.js';
import type { CliContext } from '../context.js';
import { okEnvelope } from '../output/json-envelope.js';
import { machinePathLines, pathsJson } from '../output/machine-paths.js';
import { MACHINE_COLUMN_FIT, MACHINE_COLUMNS, machineRow, pingLine, reasonText, type MachineStatus } from '../output/machine-table.js';
import { formatTable } from '../output/table-layout.js';
import { packageInfo } from '../package-info.js';
import { openPeers } from '../peer-access.js';
import { peerEnvironment } from '../../transfer/agent/peer-environment.js';
import { MIN_NODE_MAJOR } from '../../transfer/agent/start-probe.js';
import { providersOnPath } from '../../transfer/agent/providers-on-path.js';

const LIST_TIMEOUT_MS = 5_000;

/** HAPPIER_CONNECT_TIMEOUT_MS shortens (or lengthens) how long an unanswering peer is waited for. */
function timeoutMs(ctx: CliContext, fallback: number): number {
  const n = Number(ctx.io.env.HAPPIER_CONNECT_TIMEOUT_MS);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

async function withPeers<T>(ctx: CliContext, fn: (peers: PeerConnector, selfId: string) => Promise<T>): Promise<T> {
  const store = await ctx.store();
  const peers = await openPeers(ctx, store.registry.machineId);
  try {
    return await fn(peers, store.registry.machineId);
  } finally {
    await peers.closeAll();
  }
}

async function peerByName(ctx: CliContext, name: string): Promise<Machine> {
  const m = (await ctx.store()).machines.byName(name);
  if (!m) {
    throw new HappierError('MACHINE_UNKNOWN', `no machine named ${name}`, {
      hint: `see \`happier machine list\`, or add it with \`happier machine add ${name} <ssh-target>\``,
    });
  }
  if (m.isSelf || !m.sshTarget) throw new HappierError('USAGE', `${name} is this machine`, { hint: 'name another machine; `happier machine list` shows them' });
  return m;
}

function selfStatus(ctx: CliContext, m: Machine): MachineStatus {
  return {
    id: m.id,
    name: m.name,
    target: null,
    self: true,
    status: 'self',
    reason: null,
    message: null,
    latencyMs: null,
    version: packageInfo().version,
    node: process.version,
    providers: providersOnPath(ctx.io.env),
    agent: null,
    ...environmentFields(peerEnvironment(ctx.io.env, process.execPath, ctx.io.now()), m),
  };
}

function environmentFields(environment: Machine['environment'], m: Machine): Pick<MachineStatus, 'environment' | 'overrides' | 'paths'> {
  const overrides = m.overrides ?? {};
  return { environment: environment ?? null, overrides, paths: pathsJson(environment, overrides) };
}

/** Reaches a peer and measures one request round trip; never throws. */
export async function probe(peers: PeerConnector, m: Machine, timeoutMs: number): Promise<MachineStatus & { error?: HappierError }> {
  const base = { id: m.id, name: m.name, target: m.sshTarget, self: false, providers: [] as string[] };
  let timer: NodeJS.Timeout | undefined;
  try {
    const peer = await Promise.race([
      peers.connect({ name: m.name, sshTarget: m.sshTarget!, identityFile: m.identityFile }, { connectTimeoutMs: timeoutMs }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new HappierError('MACHINE_OFFLINE', `${m.name} did not answer within ${timeoutMs / 1000}s`, { hint: 'check that it is on and reachable', details: { reason: 'timeout' } })),
          timeoutMs + 2_000,
        );
      }),
    ]);
    const t0 = process.hrtime.bigint();
    await peer.agent.endpoint.call('ping');
    const latencyMs = Math.max(1, Math.round(Number(process.hrtime.bigint() - t0) / 1e6));
    return {
      ...base,
      status: 'online',
      reason: null,
      message: null,
      latencyMs,
      version: peer.info.happierVersion,
      node: peer.info.node,
      providers: [...peer.info.providers],
      agent: peer.info.flavor,
      ...environmentFields(peer.info.environment ?? m.environment, m),
    };
  } catch (err) {
    const e = isHappierError(err) ? err : new HappierError('SSH_FAILED', String((err as Error)?.message ?? err));
    const reason = typeof e.details.reason === 'string' ? e.details.reason : e.code.toLowerCase().replace(/_/g, '-');
    return { ...base, status: 'offline', reason, message: e.message, latencyMs: null, version: null, node: null, agent: null, ...environmentFields(m.environment, m), error: e };
  } finally {
    clearTimeout(timer);
  }
}

/** A machine being added has nothing to `machine set` yet: its fix is `--set` on the same add. */
function withAddHint(err: unknown, name: string, target: string): unknown {
  if (!isHappierError(err) || typeof err.details.fixKey !== 'string') return err;
  const key = err.details.fixKey;
  return new HappierError(err.code, err.message, {
    hint: `${key === 'node' ? `install Node ${MIN_NODE_MAJOR} or newer on ${target}, or give` : 'give'} its path there: \`happier machine add ${name} ${target} --set ${key}=/path/to/${key === 'shell' ? 'zsh' : key}\``,
    details: err.details,
  });
}

/** Keeps what a peer that answered now said about its login environment. */
async function recordFresh(ctx: CliContext, m: Machine, s: MachineStatus): Promise<void> {
  if (s.status === 'online' && s.environment && s.environment !== m.environment) (await ctx.store()).machines.recordEnvironment(m.id, s.environment);
}

function pathLines(s: MachineStatus, width: number | null): string[] {
  return machinePathLines(s.name, s.environment, s.overrides, { stale: s.status !== 'online', width });
}

function serverOnlyStatus(p: { machineId: string; name: string }): MachineStatus {
  return {
    id: p.machineId,
    name: p.name,
    target: null,
    self: false,
    status: 'offline',
    reason: 'no-ssh-target',
    message: `${p.name} is known through the sync server only; sends go through its daemon`,
    latencyMs: null,
    version: null,
    node: null,
    providers: [],
    agent: null,
    environment: null,
    overrides: {},
    paths: pathsJson(null, {}),
  };
}

function publicStatus(s: MachineStatus & { error?: HappierError }): MachineStatus {
  const { error: _e, ...rest } = s;
  return rest;
}

export function machineCommand(ctx: CliContext): Command {
  const cmd = new Command('machine').description('the machines happier can reach over SSH');

  cmd
    .command('list')
    .description('every machine, with peers checked online at once')
    .option('--json', 'JSON envelope on stdout')
    .action(async (opts: { json?: boolean }) => {
      const store = await ctx.store();
      const all = store.machines.list();
      // Sync-server presence, asked alongside the SSH probes; null without a server or when it is down.
      const presenceAsked = import('../../server/client/quick-checks.js').then((q) => q.machinePresence(store.registry, ctx.io.env)).catch(() => null);
      const rows = await withPeers(ctx, (peers) =>
        Promise.all(all.map((m) => (m.isSelf || !m.sshTarget ? Promise.resolve(selfStatus(ctx, m)) : probe(peers, m, timeoutMs(ctx, LIST_TIMEOUT_MS))))),
      );
      await Promise.all(all.map((m, i) => recordFresh(ctx, m, rows[i]!)));
      const presence = await presenceAsked;
      const presenceOf = (id: string) => {
        const p = presence?.get(id);
        return p ? (p.online ? 'online' : 'offline') : null;
      };
      // Machines of the account known only through the server have no ssh to probe, but their presence still shows.
      const known = new Set(all.map((m) => m.id));
      const serverOnly = [...(presence?.values() ?? [])].filter((p) => !known.has(p.machineId) && p.machineId !== store.registry.machineId).map(serverOnlyStatus);
      const ordered = [...rows.filter((r) => r.self), ...rows.filter((r) => !r.self), ...serverOnly].map(publicStatus);
      if (opts.json) {
        const machines = presence ? ordered.map((m) => ({ ...m, presence: presenceOf(m.id) })) : ordered;
        ctx.out(okEnvelope(ctx.kind, { machines }) + '\n');
        return;
      }
      const headers = presence ? [...MACHINE_COLUMNS, 'PRESENCE'] : [...MACHINE_COLUMNS];
      const lines = formatTable(
        headers.map((header) => ({ header, ...MACHINE_COLUMN_FIT[header] })),
        ordered.map((m) => (presence ? [...machineRow(m), presenceOf(m.id) ?? '-'] : machineRow(m))),
        outputWidth(ctx.io),
        (col, text, row) => {
          if (col !== 2) return text;
          const s = ordered[row]!.status;
          return s === 'online' ? ctx.chalk.green(text) : s === 'offline' ? ctx.chalk.red(text) : ctx.chalk.dim(text);
        },
        (h) => ctx.chalk.bold(h),
      );
      const width = outputWidth(ctx.io);
      const details = ordered.filter((m) => !m.self).map((m) => pathLines(m, width)).filter((b) => b.length);
      ctx.out([lines.join('\n'), ...details.map((b) => b.join('\n'))].join('\n\n') + '\n');
    });

  cmd
    .command('add')
    .description('add a peer reachable over SSH, checking that it answers')
    .argument('<name>', 'a short name for the machine')
    .argument('<ssh-target>', 'user@host[:port] or a Host alias from ~/.ssh/config')
    .option('--identity <file>', 'SSH private key to log in with')
    .option('--accept-new-host-key', 'record the host key in known_hosts if it is not known yet')
    .option('--set <key=path...>', `a path its login PATH does not find, as \`machine set\` takes it (${MACHINE_KEYS.join(', ')})`)
    .option('--json', 'JSON envelope on stdout')
    .action(async (name: string, target: string, opts: { identity?: string; acceptNewHostKey?: boolean; set?: string[]; json?: boolean }) => {
      if (!isValidMachineName(name)) {
        throw new HappierError('USAGE', `invalid machine name ${JSON.stringify(name)}`, {
          hint: 'use letters, digits, dot, dash and underscore (up to 63 characters)',
        });
      }
      const overrides = parseOverrideSpecs(name, opts.set ?? []);
      const store = await ctx.store();
      const existing = store.machines.byName(name);
      if (existing) {
        throw new HappierError('CONFLICT', `a machine named ${name} already exists`, {
          hint: `remove it first with \`happier machine rm ${name}\`, or pick another name`,
        });
      }
      const identityFile = opts.identity ? resolve(ctx.io.cwd, opts.identity) : null;
      const result = await withPeers(ctx, async (peers, selfId) => {
        const peer = await peers.connect({ name, sshTarget: target, identityFile }, { acceptNewHostKey: !!opts.acceptNewHostKey, overrides }).catch((err: unknown) => {
          throw withAddHint(err, name, target);
        });
        const id = peer.info.machineId;
        if (!id) throw new HappierError('PROTOCOL', `${target} did not say which machine it is`, { hint: `update happier on ${name}, then \`happier machine add ${name} ${target}\` again` });
        if (id === selfId) throw new HappierError('CONFLICT', `${target} is this machine`, { hint: 'give the ssh target of another computer; this one is already in `happier machine list`' });
        const known = store.machines.get(id);
        if (known) {
          throw new HappierError('CONFLICT', `${target} is already known as ${known.name}`, {
            hint: `use that name, or \`happier machine rm ${known.name}\` first`,
          });
        }
        store.machines.upsert({ id, name, sshTarget: target, identityFile, isSelf: false, createdAt: ctx.io.now().toISOString() });
        if (peer.info.environment) store.machines.recordEnvironment(id, peer.info.environment);
        for (const [key, path] of Object.entries(overrides)) store.machines.setOverride(id, key as MachineKey, path);
        return { id, name, target, accepted: peer.ssh.acceptedKeys, info: peer.info };
      });
      if (opts.json) {
        ctx.out(
          okEnvelope(ctx.kind, {
            machine: { id: result.id, name, target, identityFile },
            acceptedHostKeys: result.accepted,
            version: result.info.happierVersion,
            providers: result.info.providers,
            environment: result.info.environment ?? null,
            overrides,
            paths: pathsJson(result.info.environment, overrides),
          }) + '\n',
        );
        return;
      }
      for (const fp of result.accepted) ctx.note(`accepted the host key of ${target}: ${fp}`);
      const provs = result.info.providers.length ? result.info.providers.join(', ') : 'no providers yet';
      ctx.note(`added ${name} (${target}): happier ${result.info.happierVersion}, node ${result.info.node}, ${provs}`);
      for (const line of machinePathLines(name, result.info.environment, overrides, { stale: false, width: outputWidth(ctx.io) }).slice(1)) ctx.note(line);
    });

  cmd
    .command('rm')
    .description('forget a peer (nothing on it is touched)')
    .argument('<name>', 'the machine')
    .option('--json', 'JSON envelope on stdout')
    .action(async (name: string, opts: { json?: boolean }) => {
      const m = await peerByName(ctx, name);
      (await ctx.store()).machines.remove(m.id);
      if (opts.json) ctx.out(okEnvelope(ctx.kind, { removed: { id: m.id, name } }) + '\n');
      else ctx.note(`removed ${name}`);
    });

  cmd
    .command('ping')
    .description('check that a peer answers, and how fast')
    .argument('<name>', 'the machine')
    .option('--json', 'JSON envelope on stdout')
    .action(async (name: string, opts: { json?: boolean }) => {
      const m = await peerByName(ctx, name);
      const s = await withPeers(ctx, (peers) => probe(peers, m, timeoutMs(ctx, 10_000)));
      await recordFresh(ctx, m, s);
      if (s.error) {
        const e = s.error;
        if (e.code === 'MACHINE_OFFLINE') {
          throw new HappierError('MACHINE_OFFLINE', `${name} is offline (${reasonText(s.reason)}): ${e.message}`, {
            ...(e.hint ? { hint: e.hint } : {}),
            details: { ...e.details, machine: name },
          });
        }
        throw e;
      }
      if (opts.json) ctx.out(okEnvelope(ctx.kind, { machine: publicStatus(s) }) + '\n');
      else ctx.out([pingLine(s), ...pathLines(s, outputWidth(ctx.io)).slice(1)].join('\n') + '\n');
    });

  cmd
    .command('set')
    .description('point happier at a program on a peer that its login PATH does not find')
    .argument('<name>', 'the machine')
    .addArgument(new Argument('<key>', 'what to set').choices(MACHINE_KEYS))
    .argument('[path]', 'an absolute path on that machine')
    .option('--unset', 'clear it, so the login PATH decides again')
    .option('--json', 'JSON envelope on stdout')
    .addHelpText(
      'after',
      wrappedHelpText(ctx.io, [
        '',
        'The path wins over what the probe finds on the peer\'s login PATH, from the next ' +
          'connection on: node runs the agent, happier serves it, tmux and the providers run in ' +
          'its panes, shell is the login shell the agent starts through.',
        '',
        'Examples:',
        '  happier machine set desk node /opt/node-22/bin/node',
        '  happier machine set desk shell /usr/bin/zsh',
        '  happier machine set desk node --unset',
      ].join('\n')),
    )
    .action(async (name: string, rawKey: string, path: string | undefined, opts: { unset?: boolean; json?: boolean }) => {
      const key = parseMachineKey(rawKey);
      if (opts.unset && path !== undefined) throw new HappierError('USAGE', 'give a path or --unset, not both', { hint: `e.g. \`happier machine set ${name} ${key} --unset\`` });
      if (!opts.unset && path === undefined) {
        throw new HappierError('USAGE', `machine set needs a path for ${key}, or --unset`, { hint: `e.g. \`happier machine set ${name} ${key} /usr/local/bin/${key === 'shell' ? 'zsh' : key}\`` });
      }
      const value = opts.unset ? null : checkOverridePath(name, key, path!);
      const m = await peerByName(ctx, name);
      const overrides = (await ctx.store()).machines.setOverride(m.id, key, value);
      if (opts.json) ctx.out(okEnvelope(ctx.kind, { machine: name, key, path: value, overrides, paths: pathsJson(m.environment, overrides) }) + '\n');
      else ctx.note(value === null ? `${key} on ${name}: back to its login PATH` : `${key} on ${name}: ${value} (from the next connection on)`);
    });

  cmd
    .command('trust')
    .description("accept a peer's host key that is not in known_hosts yet")
    .argument('<name>', 'the machine')
    .option('--json', 'JSON envelope on stdout')
    .action(async (name: string, opts: { json?: boolean }) => {
      const m = await peerByName(ctx, name);
      const accepted = await withPeers(ctx, async (peers) => {
        const peer = await peers.connect({ name, sshTarget: m.sshTarget!, identityFile: m.identityFile }, { acceptNewHostKey: true });
        return [...peer.ssh.acceptedKeys];
      });
      if (opts.json) ctx.out(okEnvelope(ctx.kind, { machine: name, acceptedHostKeys: accepted }) + '\n');
      else ctx.note(accepted.length ? `accepted the host key of ${name}: ${accepted.join(', ')}` : `the host key of ${name} was already trusted`);
    });

  return cmd;
}
