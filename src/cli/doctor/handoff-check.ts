import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ok, warn, type Finding } from '../../domain/doctor-finding.js';
import { recoveryPlan } from '../../domain/handoff-journal.js';
import { stillRunning } from '../../handoff/process-liveness.js';
import { HandoffJournalRepo } from '../../store/handoff-journal-repo.js';
import { HandoffPendingRepo } from '../../store/handoff-pending-repo.js';
import { openRegistry, REGISTRY_FILE } from '../../store/registry.js';

/**
 * Handoffs a crash or a cut connection left open on this machine (as the source), and
 * sessions handed to this machine whose source has not confirmed yet (as the target).
 */
export async function checkInterruptedHandoffs(home: string): Promise<Finding[]> {
  if (!existsSync(join(home, REGISTRY_FILE))) return [];
  let reg;
  try {
    reg = openRegistry(home);
  } catch {
    return [];
  }
  try {
    const open = new HandoffJournalRepo(reg).openEntries().filter((r) => !stillRunning(r.plan.runner));
    const pending = new HandoffPendingRepo(reg).list();
    const findings: Finding[] = open.map((row) => {
      const plan = recoveryPlan(row);
      const what = plan.kind === 'finish' ? `finish it (${row.plan.targetName} keeps the session)` : 'undo it (the session stays here)';
      return warn(
        'handoff',
        `the handoff ${row.id} of session ${row.sessionId.slice(0, 8)} to ${row.plan.targetName} was interrupted after step ${row.step}${row.error ? ` (last try: ${row.error})` : ''}`,
        `run \`happier handoff --recover ${row.id}\` to ${what}`,
      );
    });
    for (const p of pending) {
      findings.push(
        warn(
          'handoff',
          `session ${p.sessionId.slice(0, 8)} was handed to this machine (handoff ${p.handoffId.slice(0, 8)}) and waits for its source to confirm`,
          'run any happier command on the source machine; it finishes or undoes the handoff',
        ),
      );
    }
    return findings.length ? findings : [ok('handoff', 'no interrupted handoffs')];
  } finally {
    reg.close();
  }
}
