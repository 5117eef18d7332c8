import type { Machine } from '../../domain/machine.js';
import type { CliContext } from '../context.js';
import { colorEnabled } from '../output/color.js';
import { listSessions } from './list-sessions.js';

/**
 * `happier` with no command: the full-screen browser when a person is at a terminal
 * (stdin and stdout both TTYs), else the session list. The browser loads only here, so
 * no other command pays for it at start-up.
 */
export async function browseOrList(ctx: CliContext): Promise<void> {
  if (ctx.io.stdinIsTTY && ctx.io.stdout.isTTY && !ctx.json) {
    const [{ openBrowser }, store, { nodeProcessRunner }] = await Promise.all([
      import('../../../tui/open-browser.js'),
      ctx.store(),
      import('../../../shell/node-process-runner.js'),
    ]);
    const io = ctx.io;
    // The same context, store included, but with a stderr that is no terminal: the scan's
    // progress counter must not write over the full-screen browser.
    const quiet = Object.create(ctx, { io: { value: { ...io, stderr: { write: () => true } } } }) as CliContext;
    await openBrowser(
      {
        env: io.env,
        homeDir: io.homeDir,
        cwd: io.cwd,
        now: () => io.now(),
        store,
        runner: nodeProcessRunner,
        liveTmux: (sessions) => ctx.liveTmux(sessions),
        withoutConversation: (sessions) => ctx.withoutConversation(sessions),
        checkMachines: (machines) => checkMachines(ctx, machines),
        lifecycleDeps: async () => (await import('../lifecycle-wiring.js')).lifecycleDeps(ctx),
        scanDirect: async () => {
          const { scanDirect } = await import('../direct-sessions.js');
          const { AGENTS } = await import('../../domain/agent.js');
          return (await scanDirect(quiet, AGENTS)).sessions;
        },
        send: async (req) => (await import('../send-wiring.js')).deliverSend(ctx, req),
        takeover: async (direct) => {
          const [{ takeOver }, { procProcessProbe }] = await Promise.all([
            import('./direct-takeover.js'),
            import('../../providers/proc-process-probe.js'),
          ]);
          return takeOver(ctx, direct, procProcessProbe());
        },
        handoffDeps: async (confirmReplace) => (await import('../handoff-wiring.js')).handoffDeps(ctx, confirmReplace),
      },
      { color: colorEnabled(io.env, true) },
    );
    return;
  }
  ctx.kind = 'session_list';
  await listSessions(ctx, {});
}

/** `happier machine list`'s check, for the browser's Machines tab and handoff destinations. */
async function checkMachines(ctx: CliContext, machines: readonly Machine[]) {
  const [{ openPeers }, { probe }, store] = await Promise.all([import('../peer-access.js'), import('./machine.js'), ctx.store()]);
  const n = Number(ctx.io.env.HAPPIER_CONNECT_TIMEOUT_MS);
  const timeoutMs = Number.isInteger(n) && n > 0 ? n : 5_000;
  const peers = await openPeers(ctx, store.registry.machineId);
  try {
    const results = await Promise.all(machines.map((m) => probe(peers, m, timeoutMs)));
    return new Map(
      results.map((r) => [
        r.id,
        { online: r.status === 'online', reason: r.status === 'offline' ? r.message ?? r.reason : null, providers: r.status === 'online' ? r.providers : null },
      ]),
    );
  } finally {
    await peers.closeAll();
  }
}
