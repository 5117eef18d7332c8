import { realpathSync } from 'node:fs';
import { basename } from 'node:path';
import { AGENTS, type Agent } from '../../src/domain/agent.js';
import { HappierError } from '../../src/domain/errors.js';
import { needsLiveness, viewSession } from '../../src/domain/session-view.js';
import { unsafeWorkspaceReason } from '../../src/domain/workspace-safety.js';
import type { Machine } from '../../src/domain/machine.js';
import type { ProcessRunner } from '../../src/domain/process-runner.js';
import type { MachinesRepo } from '../../src/store/machines-repo.js';
import type { Registry } from '../../src/store/registry.js';
import type { SessionsRepo } from '../../src/store/sessions-repo.js';
import type { SettingsRepo } from '../../src/store/settings-repo.js';
import { directRow, machineRow, sessionRow, UNKNOWN_STATUS, type BrowserRow, type DirectRow, type MachineStatus } from '../state/browser-rows.js';
import type { PreviewMessage } from '../state/browser-state.js';
import { openHandoffForm, type HandoffForm, type HandoffSubject } from '../state/handoff-form.js';
import type { BrowserServices, HandoffRunner, TerminalLender } from './browser-services.js';
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
  liveTmuxSessions(): Promise<Set<string>>;
  /** The same online check as `happier machine list`; absent when this build has none. */
  checkMachines?(machines: readonly Machine[]): Promise<Map<string, MachineStatus>>;
}

const PREVIEW_MESSAGES = 12;

/** Until the handoff coordinator exists, confirming the modal says so in the progress view. */
export const unavailableHandoff: HandoffRunner = {
  async run(_request, onEvent) {
    onEvent({ phase: 'preflight', status: 'running' });
    throw notAvailableYet('handoff', 'the handoff coordinator has not been built into this version; nothing was changed');
  },
};

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
    const live = needsLiveness(sessions, selfMachineId) ? await host.liveTmuxSessions() : new Set<string>();
    const ctx = { settings: store.settings.settings(), selfMachineId, machineNames: store.machines.names(), liveTmuxSessions: live };
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
      throw notAvailableYet('the direct session list', 'run `happier direct list` once provider discovery ships');
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
    async attach(_id: string, _t: TerminalLender) {
      throw notAvailableYet('attach from the browser', 'run `happier attach <id>` once the terminal layer ships');
    },
    async resume(_id: string, _t: TerminalLender) {
      throw notAvailableYet('resume from the browser', 'run `happier resume <id>` once the terminal layer ships');
    },
    async newSession(_title: string, _t: TerminalLender) {
      throw notAvailableYet('starting a session from the browser', 'run `happier new` once the terminal layer ships');
    },
    async stop() {
      throw notAvailableYet('stop from the browser', 'run `happier stop <id>` once the terminal layer ships');
    },
    async takeover() {
      throw notAvailableYet('take over', 'run `happier direct takeover <vendor-id>` once it ships');
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
    handoff: unavailableHandoff,
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
