import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HandoffJournalRepo } from '../../../src/store/handoff-journal-repo.js';
import { HandoffPendingRepo } from '../../../src/store/handoff-pending-repo.js';
import { openRegistry, type Registry } from '../../../src/store/registry.js';
import { tempDir } from '../../helpers/temp-dir.js';

let dir: { path: string; cleanup: () => void };
let reg: Registry;
beforeEach(() => {
  dir = tempDir();
  reg = openRegistry(dir.path);
});
afterEach(() => {
  reg.close();
  dir.cleanup();
});

const plan = { targetName: 'desk', targetPath: '/h/app', workspace: false, agent: 'claude', vendorSessionId: 'v', directMode: null };

describe('the handoff journal in the registry', () => {
  it('moves forward step by step, remembers whether the source ran, and closes on finish or roll back', () => {
    const j = new HandoffJournalRepo(reg);
    j.open({ id: 'h1', sessionId: 's1', targetMachineId: 'm2', fromEpoch: 3, plan });
    j.open({ id: 'h2', sessionId: 's2', targetMachineId: 'm2', fromEpoch: 0, plan });
    j.advance('h1', 'target-prepared');
    const q = j.advance('h1', 'source-quiesced', { sourceWasRunning: true });
    expect(q).toMatchObject({ step: 'source-quiesced', sourceWasRunning: true, fromEpoch: 3, plan });
    // Repeating the recorded step is harmless; going back is a bug.
    expect(j.advance('h1', 'source-quiesced').step).toBe('source-quiesced');
    expect(() => j.advance('h1', 'target-prepared')).toThrow(/cannot go/);
    expect(j.openEntries().map((r) => r.id)).toEqual(['h1', 'h2']);

    j.advance('h2', 'rolled-back');
    j.advance('h1', 'committed');
    expect(() => j.advance('h1', 'rolled-back')).toThrow(/cannot go/);
    j.noteError('h1', 'desk unreachable');
    expect(j.openEntries()).toMatchObject([{ id: 'h1', error: 'desk unreachable' }]);
    j.advance('h1', 'finished');
    expect(j.openEntries()).toEqual([]);
  });

  it('keeps the target-side undo record of a handoff in flight', () => {
    const p = new HandoffPendingRepo(reg);
    p.insert('h1', 's1', {
      targetPath: '/h/app', placement: 'new', workspace: true, stateDir: '/x', workspaceStaging: '/h/.st', backupPath: null, createdDir: '/h/app',
      workspacePlaced: false, providerExistedBefore: null, importedPaths: [], previousSession: null, registeredSessionId: null, tmuxSession: null,
    });
    expect(p.isPending('s1')).toBe(true);
    const r = p.update('h1', () => ({ state: 'registered', undo: { tmuxSession: 'happier-s1', importedPaths: ['/a'] } }));
    expect(r).toMatchObject({ state: 'registered', undo: { tmuxSession: 'happier-s1', importedPaths: ['/a'], workspaceStaging: '/h/.st' } });
    expect(p.get('h1')).toEqual(r);
    p.remove('h1');
    expect(p.isPending('s1')).toBe(false);
  });
});
