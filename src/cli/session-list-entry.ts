import { processIO } from './cli-io.js';
import { executeFastList } from './session-list-fast.js';

/**
 * The entry `bin/happier` loads for `session list`: one bundled file with only what a
 * list needs, since resolving and compiling the full CLI's chunks costs more than the
 * list itself. Returns false, having written nothing, when the full CLI must run instead.
 */
export async function runFastCli(args: readonly string[]): Promise<boolean> {
  const code = await executeFastList(args, processIO());
  if (code === undefined) return false;
  process.exitCode = code;
  return true;
}
