import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { claudeSlug } from '../../../src/providers/claude/claude-slug.js';
import type { Account } from '../../helpers/user-machine.js';
import { realClaudeTranscript } from '../handoff/two-machines.js';

/**
 * What the real Claude would have written for a session the stand-in provider runs, so
 * there is a conversation to hand off: a real transcript in the account's ~/.claude,
 * owned by the account.
 */
export function writeClaudeTranscript(account: Account, vendorId: string, cwd: string): string {
  const dir = join(account.home, '.claude', 'projects', claudeSlug(cwd));
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${vendorId}.jsonl`);
  writeFileSync(path, realClaudeTranscript(vendorId, cwd), { mode: 0o600 });
  account.chown(join(account.home, '.claude'));
  return path;
}
