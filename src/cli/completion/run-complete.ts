import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openRegistry, REGISTRY_FILE } from '../../store/registry.js';
import type { CliContext } from '../context.js';
import { buildProgram } from '../program.js';
import { completeWords } from './complete-words.js';
import { registryCompletionSource } from './registry-completion-source.js';

/**
 * `happier __complete [--] <words…>`: prints one candidate per line and nothing else.
 * Shells call it on every Tab, so any failure prints nothing rather than noise.
 */
export async function runComplete(ctx: CliContext, words: readonly string[]): Promise<void> {
  const rest = words[0] === '--' ? words.slice(1) : words;
  const home = ctx.home;
  const source = registryCompletionSource(() => {
    // Completion must never create a registry as a side effect of pressing Tab.
    if (!existsSync(join(home, REGISTRY_FILE))) return undefined;
    try {
      return openRegistry(home);
    } catch {
      return undefined;
    }
  });
  try {
    const found = await completeWords(buildProgram(ctx), rest.length ? rest : [''], source);
    if (found.length) ctx.out(found.join('\n') + '\n');
  } catch {
    // nothing to offer
  }
}
