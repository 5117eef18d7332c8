import { randomUUID } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { basename } from 'node:path';
import { AGENTS, type Agent } from '../../src/domain/agent.js';
import { HappierError } from '../../src/domain/errors.js';
import { viewSession } from '../../src/domain/session-view.js';
import type { LiveTmux } from '../../src/domain/tmux-liveness.js';
import { unsafeWorkspaceReason } from '../../src/domain/workspace-safety.js';
import type { HandoffDeps } from '../../src/handoff/handoff-deps.js';
import type { LifecycleDeps } from '../../src/lifecycle/lifecycle-deps.js';
import type { Machine } from '../../src/domain/machine.js';
import type { SendRequest, SendResult } from '../../src/domain/message-send.js';
import type { DirectSession, Session } from '../../src/domain/session.js';
import type { ProcessRunner } from '../../src/domain/process-runner.js';
import type { MachinesRepo } from '../../src/store/machines-repo.js';
import type { Registry } from '../../src/store/registry.js';
import type { SessionsRepo } from '../../src/store/sessions-repo.js';
import type { SettingsRepo } from '../../src/store/settings-repo.js';
import { directRow, machineRow, sessionRow, UNKNOWN_STATUS, type BrowserRow, type DirectRow, type MachineStatus } from '../state/browser-rows.js';
import type { PreviewMessage } from '../state/browser-state.js';
import { openHandoffForm, type HandoffForm, type HandoffSubject } from '../state/handoff-form.js';
import type { BrowserServices, TerminalLender } from './browser-services.js';
import { coordinatorRunner, unavailableHandoff } from './handoff-runners.js';
import { watchForChanges } from './live-watch.js';
import { notAvailableYet } from './not-available.js';

/** What the command that opens the browser hands it: the same store and world the CLI uses. */
export interface BrowserHost {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly homeDir: string;
  readonly cwd: string;
  now(): Date;
  readonly store: {
    readonly registry: Registry;
    readonly sessions: SessionsRepo;
    readonly machines: MachinesRepo;
    readonly settings: SettingsRepo;
  };
  readonly runner: ProcessRunner;
  liveTmux(sessions: readonly Session[]): Promise<LiveTmux>;
  /** This machine's sessions with no conversation on disk yet (RESUME no(empty)); absent: not looked for. */
  withoutConversation?(sessions: readonly Session[]): Promise<ReadonlySet<string>>;
  /** The same online check as `happier machine list`; absent when this build has none. */
  checkMachines?(machines: readonly Machine[]): Promise<Map<string, MachineStatus>>;
  /** The session lifecycle's world, wired as the CLI wires it. */
  lifecycleDeps?(): Promise<LifecycleDeps>;
  /** `happier send`'s delivery, wired and routed as the CLI does it. */
  send?(req: SendRequest): Promise<SendResult>;
  /** `happier direct list`'s scan (through the registry's scan cache). */
  scanDirect?(): Promise<readonly DirectSession[]>;
  /** `happier direct takeover`'s checks and record. */
  takeover?(direct: DirectSession): Promise<Session>;
  /** The handoff coordinator's world, wired as `happier handoff` wires it; close() lets the peers go. */
  handoffDeps?(confirmReplace: HandoffDeps['confirmReplace']): Promise<{ deps: HandoffDeps; close: () => Promise<void> }>;
}

const PREVIEW_MESSAGES = 12;

function realpathOrNull(path: string): string | null {
  try {
    return realpathSync(path);
  } catch {
    return null;
  }
}

export function coreServices(host: BrowserHost): BrowserServices {
  const { store } = host;
  const selfMachineId = store.registry.machineId;
  const providerContext = { env: host.env, homeDir: host.homeDir, runner: host.runner };
  const providers = () => import('../../src/providers/all-providers.js');

  const loadSessions = async () => {
    const sessions = store.sessions.list({ archived: 'all' });
    const [liveTmux, withoutConversation] = await Promise.all([host.liveTmux(sessions), host.withoutConversation?.(sessions)]);
    const ctx = {
      settings: store.settings.settings(),
      selfMachineId,
      machineNames: store.machines.names(),
      liveTmux,
      reachableMachines: store.machines.sshReachableIds(),
      ...(withoutConversation ? { withoutConversation } : {}),
    };
    return sessions.map((s) => sessionRow(viewSession(s, ctx)));
  };

  // The last online check, shown until the next one answers; peers are slow to time out.
  let statuses = new Map<string, MachineStatus>();
  let checking: Promise<void> | null = null;
  let checkedOnce = false;
  const checkMachines = (): Promise<void> => {
    checking ??= (async () => {
      try {
        const peers = store.machines.list().filter((m) => !m.isSelf && m.sshTarget);
        if (host.checkMachines) statuses = await host.checkMachines(peers);
        checkedOnce = true;
      } finally {
        checking = null;
      }
    })();
    return checking;
  };
  const machineRows = () => store.machines.list().map((m) => machineRow(m, statuses.get(m.id) ?? UNKNOWN_STATUS));

  const lifecycle = async (lender?: TerminalLender): Promise<LifecycleDeps> => {
    if (!host.lifecycleDeps) throw notAvailableYet('the session lifecycle (attach, resume, new, stop)');
    const deps = await host.lifecycleDeps();
    // tmux attach takes over the terminal: the browser steps aside while it runs, and comes back after.
    return lender ? { ...deps, onTerminal: (bin, args, opts) => lender.suspend(() => deps.onTerminal(bin, args, opts)) } : deps;
  };

  /** After a start or resume the user lands in the session, as `happier resume` does without --detached. */
  const attachTo = async (deps: LifecycleDeps, session: Session, done: string) => {
    const { attachSession } = await import('../../src/lifecycle/attach-session.js');
    const { plan } = await attachSession(deps, session.id, { hasTerminal: true });
    return plan.kind === 'tmux' && plan.mode === 'switch' ? `${done}; switched this tmux client to it` : `${done}; back from ${session.id.slice(0, 8)}`;
  };

  const subjectOf = (row: BrowserRow): HandoffSubject => {
    if (row.kind === 'session') {
      const s = row.view.session;
      return { kind: 'session', key: s.id, label: s.title || s.id, agent: s.agent, cwd: s.cwd, vendorSessionId: s.vendorSessionId, ownerMachineId: s.ownerMachineId };
    }
    if (row.kind === 'direct') {
      const d = row.direct;
      return { kind: 'direct', key: row.id, label: d.title || d.vendorSessionId, agent: d.agent, cwd: d.cwd, vendorSessionId: d.vendorSessionId, ownerMachineId: selfMachineId };
    }
    throw new HappierError('USAGE', 'only sessions can be handed off');
  };

  return {
    selfMachineId,
    settings: () => store.settings.settings(),
    loadSessions,
    async loadDirect(): Promise<DirectRow[]> {
      if (!host.scanDirect) throw notAvailableYet('the direct session list');
      const found = await host.scanDirect();
      // Keyed as `happier direct list` keys them: agent and lower-cased vendor id.
      const owned = new Map(
        store.sessions
          .list({ archived: 'all' })
          .filter((s) => s.vendorSessionId)
          .map((s) => [`${s.agent}:${s.vendorSessionId!.toLowerCase()}`, s.id]),
      );
      return found.map((d) => directRow(d, owned.get(`${d.agent}:${d.vendorSessionId.toLowerCase()}`) ?? null));
    },
    async loadMachines() {
      return machineRows();
    },
    async checkMachines() {
      await checkMachines();
      return machineRows();
    },
    async readPreview(row): Promise<PreviewMessage[]> {
      const target = row.kind === 'session' ? row.view.session : row.kind === 'direct' ? row.direct : null;
      if (!target) return [];
      if (!target.vendorSessionId) throw new HappierError('NOT_FOUND', 'no transcript yet: the provider\'s session id is not known');
      const provider = await (await providers()).loadProvider(target.agent as Agent);
      const t = await provider.readTranscript(providerContext, target.vendorSessionId, { lastMessages: PREVIEW_MESSAGES });
      return t.messages.slice(-PREVIEW_MESSAGES).map((m) => ({
        role: m.role,
        text: m.text || m.toolSummary || '',
        at: m.at,
      }));
    },
    async attach(id: string, lender: TerminalLender) {
      const deps = await lifecycle(lender);
      const session = deps.sessions.resolve(id);
      if (session.ownerMachineId === deps.selfMachineId) return attachTo(deps, session, 'attached');
      const { planRemote, runRemote } = await import('../../src/lifecycle/remote-session.js');
      const plan = planRemote(deps, session, 'attach');
      await runRemote(deps, session, plan, { hasTerminal: true });
      return `back from ${session.id.slice(0, 8)} on ${plan.machine}`;
    },
    async resume(id: string, lender: TerminalLender) {
      const deps = await lifecycle(lender);
      const target = store.sessions.resolve(id);
      // A handoff committed elsewhere may not have reached this registry yet; the sync server knows.
      const { assertStillOwner } = await import('../../src/server/client/quick-checks.js');
      await assertStillOwner(store.registry, host.env, target.id, target.ownerEpoch);
      const { resumeSession } = await import('../../src/lifecycle/resume-session.js');
      const { session } = await resumeSession(deps, target.id);
      return attachTo(deps, session, `resumed ${session.id.slice(0, 8)}`);
    },
    async newSession(title: string, agent: Agent, lender: TerminalLender) {
      const deps = await lifecycle(lender);
      const { startNewSession } = await import('../../src/lifecycle/start-new-session.js');
      const started = await startNewSession(deps, { agent, cwd: host.cwd, title, extraArgs: [] });
      // Codex and OpenCode report their id later; the record is updated when they do.
      void started.vendorId.catch(() => undefined);
      return attachTo(deps, started.session, `started ${started.session.id.slice(0, 8)}`);
    },
    async stop(id: string) {
      const deps = await lifecycle();
      const { stopSession } = await import('../../src/lifecycle/stop-session.js');
      const { session, outcome } = await stopSession(deps, id);
      const short = session.id.slice(0, 8);
      return outcome === 'not-running' ? `${short} was not running` : `stopped ${short} (${outcome})`;
    },
    async send(id: string, text: string) {
      if (!host.send) throw notAvailableYet('send a message');
      const r = await host.send({ sendId: randomUUID(), session: id, text, queue: true, wait: false, timeoutMs: 0 });
      const short = r.sessionId.slice(0, 8);
      return r.delivery === 'resumed' ? `resumed ${short} and sent the message` : `sent the message to ${short}${r.queued ? ' (queued: it is mid-turn)' : ''}`;
    },
    async takeover(row: DirectRow) {
      if (!host.takeover) throw notAvailableYet('take over');
      const s = await host.takeover(row.direct);
      return `took over ${s.agent} ${s.vendorSessionId} as ${s.id.slice(0, 8)}; it is on the Sessions tab`;
    },
    async rename(id, title) {
      const now = host.now().toISOString();
      const s = store.sessions.update(id, (cur) => ({ ...cur, title, updatedAt: now }));
      return `renamed ${s.id.slice(0, 8)} to "${title}"`;
    },
    async setArchived(id, archived) {
      const now = host.now().toISOString();
      const s = store.sessions.update(id, (cur) => ({ ...cur, archived, updatedAt: now }));
      return archived ? `archived ${s.id.slice(0, 8)} (A shows archived sessions)` : `unarchived ${s.id.slice(0, 8)}`;
    },
    async prepareHandoff(row): Promise<HandoffForm> {
      const subject = subjectOf(row);
      if (!checkedOnce) await checkMachines();
      const machines = store.machines.list().map((machine) => ({ machine, status: statuses.get(machine.id) ?? UNKNOWN_STATUS }));
      const unsafe = unsafeWorkspaceReason({
        cwd: subject.cwd,
        realCwd: realpathOrNull(subject.cwd),
        homeDir: host.homeDir,
        realHome: realpathOrNull(host.homeDir),
      });
      return openHandoffForm({ subject, machines, settings: store.settings.settings(), unsafeWorkspace: unsafe });
    },
    handoff: host.handoffDeps ? coordinatorRunner(host.handoffDeps.bind(host)) : unavailableHandoff,
    async watch(onChange) {
      const { loadProvider } = await providers();
      const roots: string[] = [];
      for (const agent of AGENTS) {
        try {
          roots.push((await loadProvider(agent)).root(providerContext));
        } catch {
          // A provider this build lacks has no root to watch.
        }
      }
      return watchForChanges({ registryDir: store.registry.home, registryFile: basename(store.registry.path), providerRoots: roots }, onChange);
    },
    async close() {},
  };
}
