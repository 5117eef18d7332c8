import type { KnownExecutables } from '../../domain/provider-process.js';

/**
 * Codex is a native binary (.../@openai/codex-linux-x64/vendor/<triple>/bin/codex) that
 * npm reaches through a node shim, `node .../@openai/codex/bin/codex.js`; both carry the
 * same argv, and the native one holds the rollout open.
 */
export const codexExecutables: KnownExecutables = {
  names: ['codex', 'codex.exe', 'codex.js'],
  entryPatterns: [],
};
