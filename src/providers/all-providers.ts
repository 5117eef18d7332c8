import type { Agent } from '../domain/agent.js';
import { HappierError } from '../domain/errors.js';
import type { ProcessRunner } from '../domain/process-runner.js';
import type { Provider, ProviderContext } from './provider.js';

/**
 * Each provider lives in its own folder and loads only when asked for, so a command that
 * touches one provider does not pay for the others at start-up.
 *
 * Convention: `src/providers/<agent>/<agent>-provider.ts` exports the adapter as
 * `<agent>Provider` (any export whose `agent` is the name is accepted), and gets one line
 * in LOADERS. The import paths are literals so the bundler can split them into chunks.
 */
const LOADERS: Partial<Record<Agent, () => Promise<Record<string, unknown>>>> = {
  claude: () => import('./claude/claude-provider.js'),
  codex: () => import('./codex/codex-provider.js'),
  opencode: () => import('./opencode/opencode-provider.js'),
};

const loaded = new Map<Agent, Promise<Provider>>();

export function loadProvider(agent: Agent): Promise<Provider> {
  let p = loaded.get(agent);
  if (!p) {
    p = importProvider(agent);
    loaded.set(agent, p);
    p.catch(() => loaded.delete(agent));
  }
  return p;
}

async function importProvider(agent: Agent): Promise<Provider> {
  const load = LOADERS[agent];
  if (!load) {
    throw new HappierError('UNSUPPORTED_PROVIDER', `this build of happier has no ${agent} support yet`, {
      hint: 'use another provider, or upgrade happier',
    });
  }
  let mod: Record<string, unknown>;
  try {
    mod = await load();
  } catch (err) {
    throw new HappierError('UNSUPPORTED_PROVIDER', `this build of happier has no ${agent} support`, {
      hint: 'reinstall happier, or use another provider',
      cause: err,
    });
  }
  const provider = Object.values(mod).find(
    (v): v is Provider => !!v && typeof v === 'object' && (v as Provider).agent === agent,
  );
  if (!provider) {
    throw new HappierError('UNSUPPORTED_PROVIDER', `this build of happier has no ${agent} support`, {
      hint: 'reinstall happier, or use another provider',
    });
  }
  return provider;
}

export function providerContextFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  homeDir: string,
  runner: ProcessRunner,
): ProviderContext {
  return { env, homeDir, runner };
}
