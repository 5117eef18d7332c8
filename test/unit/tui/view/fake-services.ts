import { DEFAULT_SETTINGS, type Settings } from '../../../../src/domain/settings.js';
import type { BrowserServices, HandoffRunner } from '../../../../tui/app/browser-services.js';
import type { DirectRow, MachineRow, SessionRow } from '../../../../tui/state/browser-rows.js';
import type { PreviewMessage } from '../../../../tui/state/browser-state.js';
import { openHandoffForm } from '../../../../tui/state/handoff-form.js';

/** In-memory services for view tests: rows as given, and a log of what was asked for. */
export function fakeServices(data: {
  sessions?: SessionRow[];
  direct?: DirectRow[];
  machines?: MachineRow[];
  preview?: PreviewMessage[];
  settings?: Settings;
  handoff?: HandoffRunner;
  /** What `newSession` fails with, when it should. */
  newSessionFails?: Error;
}) {
  const calls: string[] = [];
  let changed: ((what: 'registry' | 'providers') => void) | undefined;
  const services: BrowserServices = {
    selfMachineId: 'machine-self',
    settings: () => data.settings ?? DEFAULT_SETTINGS,
    loadSessions: async () => data.sessions ?? [],
    loadDirect: async () => data.direct ?? [],
    loadMachines: async () => data.machines ?? [],
    checkMachines: async () => data.machines ?? [],
    readPreview: async () => data.preview ?? [],
    attach: async (id, t) => t.suspend(async () => (calls.push(`attach ${id}`), 'back from attach')),
    resume: async (id) => (calls.push(`resume ${id}`), null),
    newSession: async (title, agent) => {
      calls.push(`new ${agent} ${title}`);
      if (data.newSessionFails) throw data.newSessionFails;
      return null;
    },
    stop: async (id) => (calls.push(`stop ${id}`), 'stopped'),
    send: async (id, text) => (calls.push(`send ${id} ${text}`), 'sent the message'),
    takeover: async (row) => (calls.push(`takeover ${row.id}`), 'taken over'),
    rename: async (id, title) => (calls.push(`rename ${id} ${title}`), `renamed to "${title}"`),
    setArchived: async (id, a) => (calls.push(`archive ${id} ${a}`), 'archived'),
    prepareHandoff: async (row) =>
      openHandoffForm({
        subject: { kind: 'session', key: row.id, label: 'x', agent: 'claude', cwd: '/w', vendorSessionId: 'v', ownerMachineId: 'machine-self' },
        machines: (data.machines ?? []).map((m) => ({ machine: m.machine, status: m.status })),
        settings: DEFAULT_SETTINGS,
        unsafeWorkspace: null,
      }),
    handoff: data.handoff ?? { run: async () => void calls.push('handoff') },
    watch: async (onChange) => {
      changed = onChange;
      return async () => {};
    },
    close: async () => {},
  };
  return { services, calls, change: (what: 'registry' | 'providers') => changed?.(what) };
}
