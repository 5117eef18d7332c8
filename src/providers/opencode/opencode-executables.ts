import type { KnownExecutables } from '../../domain/provider-process.js';

/** OpenCode is a compiled binary: npm's opencode-ai/bin/opencode.exe, or opencode-linux-<arch>/bin/opencode. */
export const opencodeExecutables: KnownExecutables = {
  names: ['opencode', 'opencode.exe'],
  entryPatterns: [],
};
