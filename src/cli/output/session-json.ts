import type { SessionView } from '../../domain/session-view.js';

/** The stable JSON form of a session (DESIGN.md, "Session objects in JSON"). */
export function sessionJson(v: SessionView) {
  const s = v.session;
  return {
    id: s.id,
    agent: s.agent,
    backend: s.backend,
    vendorSessionId: s.vendorSessionId,
    title: s.title,
    cwd: s.cwd,
    ownerMachineId: s.ownerMachineId,
    ownerMachineName: v.ownerMachineName,
    ownerEpoch: s.ownerEpoch,
    active: v.active,
    archived: s.archived,
    resume: v.resume,
    input: v.input,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
    lastActivityAt: s.lastActivityAt,
  };
}
