import type { KnownExecutables } from '../../domain/provider-process.js';

/**
 * Claude Code runs as its native binary (npm's bin/claude.exe, or the installer's
 * ~/.local/share/claude/versions/<version>, a file named only by its version), and in
 * older npm releases as `node .../@anthropic-ai/claude-code/cli.js`.
 */
export const claudeExecutables: KnownExecutables = {
  names: ['claude', 'claude.exe'],
  entryPatterns: [/\/@anthropic-ai\/claude-code\/cli\.m?js$/, /\/claude\/versions\/[^/]+$/],
};
