import type { HandoffRequest } from '../state/handoff-form.js';
import type { HandoffRunner } from './browser-services.js';
import type { BrowserHost } from './core-services.js';
import { notAvailableYet } from './not-available.js';

/** For a host that wires no coordinator: confirming the modal says plainly that handoff is not available. */
export const unavailableHandoff: HandoffRunner = {
  async run(_request, onEvent) {
    onEvent({ phase: 'prepare', status: 'running' });
    throw notAvailableYet('handoff', 'the handoff coordinator has not been built into this version; nothing was changed');
  },
};

/**
 * The modal's request, run by the one handoff coordinator the CLI uses. The modal has
 * already asked about replace, so the coordinator is told the answer rather than asking.
 */
export function coordinatorRunner(handoffDeps: NonNullable<BrowserHost['handoffDeps']>): HandoffRunner {
  return {
    async run(request: HandoffRequest, onEvent) {
      const { deps, close } = await handoffDeps(async () => request.confirmed);
      try {
        const { runHandoff } = await import('../../src/handoff/handoff-coordinator.js');
        const s = request.subject;
        const selector = s.kind === 'session' ? s.key : s.vendorSessionId!;
        const flags = {
          workspace: request.workspace,
          conflict: request.conflict,
          yes: request.confirmed,
          ignored: request.ignored,
          include: request.include,
          ...(request.directMode ? { directMode: request.directMode } : {}),
        };
        const result = await runHandoff(deps, { selector, to: request.to, flags }, (e) =>
          onEvent({ phase: e.phase, status: e.status === 'start' ? 'running' : e.status, ...(e.detail ? { detail: e.detail } : {}) }),
        );
        return { warnings: result.warnings };
      } finally {
        await close();
      }
    },
  };
}
