import type { Agent } from './agent.js';
import { HappierError } from './errors.js';

/**
 * How each provider CLI gets onto a machine: its npm package (the one
 * scripts/install-provider-clis.mjs pins for the real-CLI lane) and the variable that
 * points happier at a copy that is not on PATH.
 */
export const PROVIDER_CLIS: Readonly<Record<Agent, { readonly pkg: string; readonly binEnv: string }>> = {
  claude: { pkg: '@anthropic-ai/claude-code', binEnv: 'HAPPIER_CLAUDE_BIN' },
  codex: { pkg: '@openai/codex', binEnv: 'HAPPIER_CODEX_BIN' },
  opencode: { pkg: 'opencode-ai', binEnv: 'HAPPIER_OPENCODE_BIN' },
};

/** The one hint for a missing provider CLI: the install command and the override, on `machine` when it is a peer. */
export function providerInstallHint(agent: Agent, machine?: string): string {
  const { pkg, binEnv } = PROVIDER_CLIS[agent];
  const where = machine ? ` on ${machine}` : '';
  return `install it${where} with \`npm i -g ${pkg}\`, or set ${binEnv}${machine ? ' there' : ''} to its path`;
}

/**
 * A provider CLI that cannot run here. `bin` is what happier tried: the override when
 * it is set (then the override is what is wrong), else the plain name on PATH.
 */
export function providerMissing(agent: Agent, bin: string, env: Readonly<Record<string, string | undefined>>): HappierError {
  const { binEnv } = PROVIDER_CLIS[agent];
  const message = env[binEnv]
    ? `${binEnv} is ${bin}, which is not an executable`
    : `the ${agent} CLI is not installed here (no \`${bin}\` on PATH)`;
  return new HappierError('PROVIDER_MISSING', message, { hint: providerInstallHint(agent), details: { agent, bin } });
}
