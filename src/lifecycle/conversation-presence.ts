import type { Agent } from '../domain/agent.js';
import type { ConversationCandidate } from '../domain/session.js';
import type { ConversationCheck, ProviderContext } from '../providers/provider.js';

/** The conversations found on disk before, so they are not looked for again. */
export interface ConversationsSeen {
  known(agent: Agent): ReadonlySet<string>;
  remember(agent: Agent, vendorSessionIds: Iterable<string>): void;
}

export interface ConversationPresenceDeps {
  readonly selfMachineId: string;
  readonly seen: ConversationsSeen;
  readonly providerContext: ProviderContext;
  readonly conversationCheck: (agent: Agent) => Promise<ConversationCheck>;
}

/**
 * The ids of the sessions, among `sessions`, whose provider has no conversation on disk
 * for their vendor id: started, never given a first message. Only this machine's live
 * sessions with a vendor id are asked about, each provider once for all of them, and only
 * those not already seen; another machine's disk is its own to judge.
 */
export async function sessionsWithoutConversation(
  sessions: readonly ConversationCandidate[],
  deps: ConversationPresenceDeps,
): Promise<Set<string>> {
  const byAgent = new Map<Agent, ConversationCandidate[]>();
  for (const s of sessions) {
    if (s.ownerMachineId !== deps.selfMachineId || s.archived || !s.vendorSessionId) continue;
    let list = byAgent.get(s.agent);
    if (!list) byAgent.set(s.agent, (list = []));
    list.push(s);
  }
  const without = new Set<string>();
  for (const [agent, list] of byAgent) {
    const known = deps.seen.known(agent);
    const unknown = list.filter((s) => !known.has(s.vendorSessionId!));
    if (unknown.length === 0) continue;
    let found: ReadonlyMap<string, boolean>;
    try {
      const check = await deps.conversationCheck(agent);
      found = await check(
        deps.providerContext,
        unknown.map((s) => ({ vendorSessionId: s.vendorSessionId!, cwd: s.cwd })),
      );
    } catch {
      // A provider root that cannot be read says nothing about its conversations.
      continue;
    }
    const present: string[] = [];
    for (const s of unknown) {
      const there = found.get(s.vendorSessionId!);
      if (there === false) without.add(s.id);
      else if (there === true) present.push(s.vendorSessionId!);
    }
    try {
      deps.seen.remember(agent, present);
    } catch {
      // Not remembering only costs a look on disk next time.
    }
  }
  return without;
}
