import { describe, expect, it } from 'vitest';
import type { Agent } from '../../../src/domain/agent.js';
import { sessionsWithoutConversation, type ConversationsSeen } from '../../../src/lifecycle/conversation-presence.js';
import type { ConversationCheck, ConversationSubject } from '../../../src/providers/provider.js';
import { makeSession } from '../../helpers/session-factory.js';

function memorySeen(): ConversationsSeen & { all: Map<Agent, Set<string>> } {
  const all = new Map<Agent, Set<string>>();
  return {
    all,
    known: (agent) => all.get(agent) ?? new Set(),
    remember: (agent, ids) => {
      const set = all.get(agent) ?? new Set<string>();
      for (const id of ids) set.add(id);
      all.set(agent, set);
    },
  };
}

describe('sessionsWithoutConversation', () => {
  const asked: ConversationSubject[][] = [];
  const onDisk = new Set<string>();
  const check: ConversationCheck = async (_ctx, subjects) => {
    asked.push([...subjects]);
    return new Map(subjects.map((s) => [s.vendorSessionId, onDisk.has(s.vendorSessionId)]));
  };
  const deps = (seen: ConversationsSeen) => ({ selfMachineId: 'self', seen, providerContext: {} as never, conversationCheck: async () => check });

  it('asks the provider once for this machine\'s live sessions with an id, and remembers the conversations found', async () => {
    asked.length = 0;
    const started = makeSession({ ownerMachineId: 'self' });
    const talked = makeSession({ ownerMachineId: 'self' });
    onDisk.add(talked.vendorSessionId!);
    const others = [
      makeSession({ ownerMachineId: 'self', vendorSessionId: null }),
      makeSession({ ownerMachineId: 'self', archived: true }),
      makeSession({ ownerMachineId: 'desk' }),
    ];
    const seen = memorySeen();
    const without = await sessionsWithoutConversation([started, talked, ...others], deps(seen));
    expect([...without]).toEqual([started.id]);
    expect(asked).toEqual([[{ vendorSessionId: started.vendorSessionId, cwd: started.cwd }, { vendorSessionId: talked.vendorSessionId, cwd: talked.cwd }]]);
    expect([...seen.known('claude')]).toEqual([talked.vendorSessionId]);

    // Next time only the one not seen yet is looked for; once it has a first message, it counts.
    asked.length = 0;
    onDisk.add(started.vendorSessionId!);
    expect([...(await sessionsWithoutConversation([started, talked], deps(seen)))]).toEqual([]);
    expect(asked).toEqual([[{ vendorSessionId: started.vendorSessionId, cwd: started.cwd }]]);
    asked.length = 0;
    await sessionsWithoutConversation([started, talked], deps(seen));
    expect(asked).toEqual([]);
  });

  it('counts a session as having its conversation when the provider cannot tell', async () => {
    const s = makeSession({ ownerMachineId: 'self' });
    const silent: ConversationCheck = async () => new Map();
    const failing: ConversationCheck = async () => {
      throw new Error('EACCES');
    };
    for (const c of [silent, failing]) {
      const seen = memorySeen();
      expect((await sessionsWithoutConversation([s], { ...deps(seen), conversationCheck: async () => c })).size).toBe(0);
      expect(seen.known('claude').size).toBe(0);
    }
  });
});
