import type { ConversationCheck, ConversationSubject } from '../provider.js';
import { codexRoot } from './codex-home.js';
import { listRollouts } from './codex-files.js';

/**
 * Codex resumes a thread from its rollout file, found by the UUID in its name. Codex
 * writes the rollout with the first turn, so one walk of the date folders answers for
 * every session at once.
 */
export function codexConversations(root: string, subjects: readonly ConversationSubject[]): Map<string, boolean> {
  const onDisk = new Set(listRollouts(root).map((r) => r.fileId));
  return new Map(subjects.map((s) => [s.vendorSessionId, onDisk.has(s.vendorSessionId.toLowerCase())]));
}

export const conversationsOnDisk: ConversationCheck = async (ctx, subjects) => codexConversations(codexRoot(ctx.env, ctx.homeDir), subjects);
