import type { Agent } from '../domain/agent.js';
import type { ConversationCheck } from './provider.js';

/**
 * Each provider's conversation check on its own, without the rest of its adapter: a
 * session list asks it for every session, and must not load transcript readers, bundles
 * and trust editors to do so. The import paths are literals so the bundler can see them.
 */
const CHECKS: Record<Agent, () => Promise<{ conversationsOnDisk: ConversationCheck }>> = {
  claude: () => import('./claude/claude-conversations.js'),
  codex: () => import('./codex/codex-conversations.js'),
  opencode: () => import('./opencode/opencode-conversations.js'),
};

export async function conversationCheck(agent: Agent): Promise<ConversationCheck> {
  return (await CHECKS[agent]()).conversationsOnDisk;
}
