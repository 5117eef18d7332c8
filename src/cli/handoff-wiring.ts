import { realpathSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { HandoffDeps } from '../handoff/handoff-deps.js';
import type { TargetDeps } from '../handoff/target-handlers.js';
import type { CliContext } from './context.js';
import { lifecycleDeps } from './lifecycle-wiring.js';
import { openPeers } from './peer-access.js';

/** HAPPIER_CONNECT_TIMEOUT_MS shortens how long an unanswering target is waited for. */
function connectTimeout(ctx: CliContext): number {
  const n = Number(ctx.io.env.HAPPIER_CONNECT_TIMEOUT_MS);
  return Number.isInteger(n) && n > 0 ? n : 10_000;
}

/**
 * The real world for the handoff coordinator as the CLI runs it. The caller closes the
 * returned peers when done.
 */
export async function handoffDeps(
  ctx: CliContext,
  confirmReplace: HandoffDeps['confirmReplace'],
  opts: { connectTimeoutMs?: number } = {},
): Promise<{ deps: HandoffDeps; close: () => Promise<void> }> {
  const [store, { HandoffJournalRepo }, { loadProvider }, { nodeProcessRunner }] = await Promise.all([
    ctx.store(),
    import('../store/handoff-journal-repo.js'),
    import('../providers/all-providers.js'),
    import('../../shell/node-process-runner.js'),
  ]);
  const peers = await openPeers(ctx, store.registry.machineId);
  const env = ctx.io.env;
  let life: ReturnType<typeof lifecycleDeps> | undefined;
  const timeout = opts.connectTimeoutMs ?? connectTimeout(ctx);
  const deps: HandoffDeps = {
    registry: store.registry,
    sessions: store.sessions,
    machines: store.machines,
    settings: store.settings,
    journal: new HandoffJournalRepo(store.registry, () => ctx.io.now()),
    env,
    homeDir: ctx.io.homeDir,
    providerContext: { env, homeDir: ctx.io.homeDir, runner: nodeProcessRunner },
    loadProvider,
    lifecycle: () => (life ??= lifecycleDeps(ctx)),
    connect: async (m) => {
      let timer: NodeJS.Timeout | undefined;
      const { HappierError } = await import('../domain/errors.js');
      try {
        return await Promise.race([
          peers.connect({ name: m.name, sshTarget: m.sshTarget!, identityFile: m.identityFile }, { connectTimeoutMs: timeout }),
          new Promise<never>((_, reject) => {
            timer = setTimeout(
              () => reject(new HappierError('MACHINE_OFFLINE', `${m.name} did not answer within ${timeout / 1000}s`, { hint: 'check that it is on and reachable' })),
              timeout + 2_000,
            );
          }),
        ]);
      } finally {
        clearTimeout(timer);
      }
    },
    commitOwnership: async (sessionId, epoch, owner) => {
      const { commitOwnership } = await import('../server/client/ownership-commit.js');
      return commitOwnership(store.registry, env, sessionId, epoch, owner);
    },
    presence: async (machineId) => {
      const { presenceOf } = await import('../server/client/ownership-commit.js');
      return presenceOf(store.registry, env, machineId);
    },
    confirmReplace,
    directInUse: async (subject) => {
      const [{ directWriter }, { procProcessProbe }, { findDirect }] = await Promise.all([
        import('./direct-writer.js'),
        import('../providers/proc-process-probe.js'),
        import('./direct-sessions.js'),
      ]);
      // Without the session's file (discovery may not list it), a provider in its directory
      // that names no other session counts: a handoff must not carry a session off mid-write.
      // Quiet: the TUI hands off from this same context, and a scan's progress line would draw over it.
      const quiet = Object.create(ctx, { json: { value: true } }) as CliContext;
      const found = await findDirect(quiet, subject.vendorSessionId, subject.agent).catch(() => null);
      return directWriter(ctx, { ...subject, path: found?.session.path ?? null }, procProcessProbe());
    },
    realpath: (p) => {
      try {
        return realpathSync(p);
      } catch {
        return null;
      }
    },
    now: () => ctx.io.now(),
    newId: randomUUID,
  };
  return { deps, close: () => peers.closeAll() };
}

/** What `happier agent --stdio` needs to take a session handed to this machine. */
export async function targetDeps(ctx: CliContext): Promise<TargetDeps> {
  const [store, { loadProvider }, { nodeProcessRunner }] = await Promise.all([
    ctx.store(),
    import('../providers/all-providers.js'),
    import('../../shell/node-process-runner.js'),
  ]);
  let life: ReturnType<typeof lifecycleDeps> | undefined;
  return {
    registry: store.registry,
    sessions: store.sessions,
    happierHome: ctx.home,
    env: ctx.io.env,
    providerContext: { env: ctx.io.env, homeDir: ctx.io.homeDir, runner: nodeProcessRunner },
    loadProvider,
    lifecycle: () => (life ??= lifecycleDeps(ctx)),
  };
}

const RETRY_AFTER_MS = 5 * 60_000;

/**
 * Before handoff, resume and session commands: finish or undo handoffs a crash left open.
 * Costs one indexed query when there are none. Never fails the command it runs before.
 */
export async function recoverBeforeCommand(ctx: CliContext, command: string): Promise<void> {
  if (!['handoff', 'resume', 'session', 'attach', 'stop'].includes(command)) return;
  let store: Awaited<ReturnType<CliContext['store']>>;
  try {
    store = await ctx.store();
  } catch {
    // The command itself reports a registry it cannot open.
    return;
  }
  try {
    const { HandoffJournalRepo } = await import('../store/handoff-journal-repo.js');
    const open = new HandoffJournalRepo(store.registry).openEntries();
    if (open.length === 0) return;
    const { interruptedHandoffs } = await import('../handoff/handoff-recovery.js');
    // One that just failed to recover (its target offline) is left to doctor and --recover
    // for a while, so every command does not wait on the same unreachable machine.
    const now = ctx.io.now().getTime();
    const due = interruptedHandoffs(open).filter((r) => !r.error || now - Date.parse(r.updatedAt) > RETRY_AFTER_MS);
    if (due.length === 0) return;
    const { deps, close } = await handoffDeps(ctx, async () => false, { connectTimeoutMs: Math.min(connectTimeout(ctx), 3_000) });
    try {
      const { recoverOpenHandoffs } = await import('../handoff/handoff-recovery.js');
      for (const o of await recoverOpenHandoffs(deps, new Set(due.map((r) => r.id)))) {
        const verb = o.result === 'finished' ? 'finished' : o.result === 'undone' ? 'undid' : 'could not recover';
        if (!ctx.json) ctx.note(`note: ${verb} the interrupted handoff of ${o.sessionId.slice(0, 8)} to ${o.target}: ${o.message}`);
      }
    } finally {
      await close();
    }
  } catch (err) {
    if (!ctx.json) ctx.note(`note: interrupted handoffs were not recovered: ${(err as Error).message}`);
  }
}
