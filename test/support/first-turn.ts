import type { MockModelApi } from './mock-model-api.js';
import { describeRun, PROVIDER_BINS, runInSandbox, type ProviderAgent, type ProviderSandbox } from './provider-sandbox.js';

export interface FirstTurnOptions {
  /** For the failure message: what the mock saw. */
  readonly mock: MockModelApi;
  /** Runs the CLI as this user (the sandbox must be theirs). */
  readonly uid?: number;
  readonly gid?: number;
}

/**
 * One non-interactive turn of a real CLI in the sandbox's cwd, as a user's first prompt,
 * and the vendor session id it made.
 */
export async function firstTurn(agent: ProviderAgent, sandbox: ProviderSandbox, prompt: string, opts: FirstTurnOptions): Promise<string> {
  const run = async (args: string[]) => {
    const r = await runInSandbox(sandbox, PROVIDER_BINS[agent], args, { cwd: sandbox.cwd, timeoutMs: 60_000, uid: opts.uid, gid: opts.gid });
    if (r.code !== 0) throw new Error(`${describeRun(agent, r)}\n--- mock\n${opts.mock.describe()}`);
    return r;
  };
  if (agent === 'claude') {
    const id = crypto.randomUUID();
    await run(['-p', '--session-id', id, prompt]);
    return id;
  }
  if (agent === 'codex') {
    const r = await run(['exec', '--skip-git-repo-check', prompt]);
    return /session id: ([0-9a-f-]{36})/.exec(r.stderr)![1]!;
  }
  const r = await run(['run', '--format', 'json', prompt]);
  return /"sessionID"\s*:\s*"(ses_[A-Za-z0-9]+)"/.exec(r.stdout)![1]!;
}
