import type { CliContext } from '../context.js';
import { colorEnabled } from '../output/color.js';
import { listSessions } from './session-list.js';

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
    await openBrowser(
      {
        env: io.env,
        homeDir: io.homeDir,
        cwd: io.cwd,
        now: () => io.now(),
        store,
        runner: nodeProcessRunner,
        liveTmuxSessions: () => ctx.liveTmuxSessions(),
      },
      { color: colorEnabled(io.env, true) },
    );
    return;
  }
  ctx.kind = 'session_list';
  await listSessions(ctx, {});
}
