import type { HandoffEvent, HandoffPlan, HandoffResult } from '../../handoff/handoff-coordinator.js';
import { humanSize } from '../../domain/byte-size.js';
import { sshHappierLine } from '../../../shell/ssh-line.js';
import { sanitize } from '../../domain/text-width.js';

const CHOICE: Record<HandoffPlan['target']['pathChoice'], string> = {
  flag: 'from --target-path',
  'mapped-home': 'the same place under the target’s home',
  'same-path': 'the same absolute path',
};

const PLACEMENT: Record<string, string> = {
  new: 'a new folder',
  existing: 'the folder already there',
  sibling: 'a fresh sibling, because the path exists',
  replace: 'replacing the existing tree once the new one is complete',
};

/** `--dry-run`: what would happen, and why each choice was made. */
export function formatPlan(plan: HandoffPlan): string[] {
  const who = plan.sessionId ? `session ${plan.sessionId.slice(0, 8)}` : `direct ${plan.agent} session ${plan.vendorSessionId} (${plan.direct})`;
  const stateBytes = plan.stateFiles.reduce((n, f) => n + f.bytes, 0);
  const lines = [
    `plan: hand off ${who} (${plan.agent}) from ${plan.source.name} to ${plan.target.name}`,
    `  source:    ${sanitize(plan.source.cwd)}`,
    `  target:    ${sanitize(plan.target.path)} (${CHOICE[plan.target.pathChoice]}; ${PLACEMENT[plan.target.placement] ?? plan.target.placement})`,
    `  workspace: ${plan.workspace.enabled ? 'on' : 'off'} (${plan.workspace.reason})${plan.workspace.enabled ? `, conflict ${plan.workspace.conflict}, ignored files ${plan.workspace.ignored}${plan.workspace.include.length ? ` (${plan.workspace.include.join(', ')})` : ''}` : ''}`,
    ...(plan.workspace.files !== null ? [`  files:     ${plan.workspace.files} workspace file(s), ${humanSize(plan.workspace.bytes ?? 0)}`] : []),
    `  state:     ${plan.stateFiles.length} file(s), ${humanSize(stateBytes)}`,
    ...plan.stateFiles.map((f) => `    ${sanitize(f.path)} (${humanSize(f.bytes)})`),
  ];
  for (const n of plan.notes) lines.push(`  note: ${n}`);
  return lines;
}

export function formatResult(r: HandoffResult, sshTarget: string | null): string[] {
  const p = r.plan;
  const who = p.sessionId ? p.sessionId.slice(0, 8) : p.vendorSessionId;
  const lines = [`handed off ${who} (${p.agent}) to ${p.target.name}: ${sanitize(p.target.path)}`];
  if (r.workspaceFiles !== null) lines.push(`  workspace: ${r.workspaceFiles} file(s) sent, ${humanSize(r.workspaceBytes ?? 0)}`);
  if (r.tmuxSession) lines.push(`  running there in tmux session ${r.tmuxSession}`);
  if (p.direct === 'keep') lines.push(`  moved the provider state only (direct session kept direct)`);
  if (p.direct === 'convert') lines.push(`  created a synced session there`);
  if (p.sessionId && sshTarget) lines.push(`attach: ${sshHappierLine(sshTarget, ['attach', p.sessionId])}`);
  return lines;
}

export function formatEvent(e: HandoffEvent, step: number): string | null {
  const n = `[${step}/4]`;
  switch (e.status) {
    case 'start':
      return `${n} ${e.label}…`;
    case 'done':
      return `${n} ${e.label}: done${e.detail ? ` (${sanitize(e.detail)})` : ''}`;
    case 'skipped':
      return `${n} ${e.label}: skipped${e.detail ? ` (${sanitize(e.detail)})` : ''}`;
    case 'failed':
      return `${n} ${e.label}: failed`;
  }
}
