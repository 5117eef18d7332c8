import { describe, expect, it } from 'vitest';
import type { HandoffPlan, HandoffResult } from '../../../src/handoff/handoff-coordinator.js';
import { formatEvent, formatPlan, formatResult } from '../../../src/cli/output/handoff-output.js';

const plan: HandoffPlan = {
  sessionId: '3f2a9c1e-0000-4000-8000-000000000001',
  agent: 'claude',
  vendorSessionId: 'e3fe963b-03cf-4b37-9f68-c2fed0cf91b6',
  direct: null,
  source: { machineId: 'm1', name: 'laptop', cwd: '/home/ann/app' },
  target: { machineId: 'm2', name: 'desk', path: '/Users/ann/app-2', pathChoice: 'mapped-home', placement: 'sibling' },
  workspace: { enabled: true, reason: '--workspace', conflict: 'sibling', ignored: 'include-selected', include: ['dist/**'], files: 12, bytes: 3 * 1024 * 1024 },
  stateFiles: [{ path: 'project/e3fe963b-03cf-4b37-9f68-c2fed0cf91b6.jsonl', bytes: 2048 }],
  notes: ['/Users/ann/app exists on desk, so the session goes to the sibling /Users/ann/app-2'],
};

describe('handoff output', () => {
  it('prints the plan with where, why and what moves', () => {
    expect(formatPlan(plan)).toEqual([
      'plan: hand off session 3f2a9c1e (claude) from laptop to desk',
      '  source:    /home/ann/app',
      '  target:    /Users/ann/app-2 (the same place under the target’s home; a fresh sibling, because the path exists)',
      '  workspace: on (--workspace), conflict sibling, ignored files include-selected (dist/**)',
      '  files:     12 workspace file(s), 3.0 MiB',
      '  state:     1 file(s), 2.0 KiB',
      '    project/e3fe963b-03cf-4b37-9f68-c2fed0cf91b6.jsonl (2.0 KiB)',
      '  note: /Users/ann/app exists on desk, so the session goes to the sibling /Users/ann/app-2',
    ]);
  });

  it('says where the session runs now and how to reach it', () => {
    const result: HandoffResult = {
      handoffId: 'h', dryRun: false, plan, ownerEpoch: 1, tmuxSession: 'happier-3f2a9c1e', workspaceFiles: 12, workspaceBytes: 3 * 1024 * 1024, timingsMs: {}, warnings: [],
    };
    expect(formatResult(result, 'ann@desk')).toEqual([
      'handed off 3f2a9c1e (claude) to desk: /Users/ann/app-2',
      '  workspace: 12 file(s) sent, 3.0 MiB',
      '  running there in tmux session happier-3f2a9c1e',
      `attach: ssh -t ann@desk '$SHELL -lc "happier attach 3f2a9c1e-0000-4000-8000-000000000001"'`,
    ]);
    expect(formatEvent({ phase: 'move', label: 'moving the session state', status: 'done', detail: '1 state file(s)' }, 2)).toBe('[2/4] moving the session state: done (1 state file(s))');
  });
});
