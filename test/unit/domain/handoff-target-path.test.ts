import { describe, expect, it } from 'vitest';
import { defaultTargetPath, failpointAction, placeOnTarget } from '../../../src/domain/handoff-target-path.js';
import { siblingCandidates } from '../../../src/domain/workspace-safety.js';

describe('where a handed-off session lands on the target', () => {
  it('keeps a path under the home in the same place under the target home, others as they are, and honours --target-path', () => {
    expect(defaultTargetPath({ sourceCwd: '/home/ann/code/app', sourceHome: '/home/ann', targetHome: '/Users/ann', flag: null })).toEqual({
      path: '/Users/ann/code/app',
      choice: 'mapped-home',
    });
    expect(defaultTargetPath({ sourceCwd: '/home/ann', sourceHome: '/home/ann/', targetHome: '/Users/ann', flag: null })).toEqual({ path: '/Users/ann', choice: 'mapped-home' });
    // A sibling of the home that shares its prefix is not inside it.
    expect(defaultTargetPath({ sourceCwd: '/home/anna/x', sourceHome: '/home/ann', targetHome: '/h', flag: null })).toEqual({ path: '/home/anna/x', choice: 'same-path' });
    expect(defaultTargetPath({ sourceCwd: '/srv/app', sourceHome: '/home/ann', targetHome: '/h', flag: '~/work/app' })).toEqual({ path: '/h/work/app', choice: 'flag' });
    expect(defaultTargetPath({ sourceCwd: '/srv/app', sourceHome: '/home/ann', targetHome: '/h', flag: '/opt/app/' })).toEqual({ path: '/opt/app', choice: 'flag' });
  });

  it('applies the conflict policy only when the workspace moves', () => {
    const taken = new Set(['/p', '/p-2']);
    const exists = (p: string) => taken.has(p);
    const base = { path: '/p', exists, siblings: siblingCandidates('/p') };
    expect(placeOnTarget({ ...base, path: '/q', workspace: true, conflict: 'replace', confirmed: false })).toEqual({ path: '/q', placement: 'new' });
    expect(placeOnTarget({ ...base, workspace: false, conflict: 'replace', confirmed: false })).toEqual({ path: '/p', placement: 'existing' });
    expect(placeOnTarget({ ...base, workspace: true, conflict: 'sibling', confirmed: false })).toEqual({ path: '/p-3', placement: 'sibling' });
    expect(placeOnTarget({ ...base, workspace: true, conflict: 'replace', confirmed: false })).toEqual({ needsConfirmation: '/p' });
    expect(placeOnTarget({ ...base, workspace: true, conflict: 'replace', confirmed: true })).toEqual({ path: '/p', placement: 'replace' });
  });

  it('reads test failpoints by name and ignores anything else', () => {
    expect(failpointAction({ HAPPIER_FAILPOINT: 'state-moved:exit' }, 'state-moved')).toBe('exit');
    expect(failpointAction({ HAPPIER_FAILPOINT: 'a:cut, agent-register:exit' }, 'agent-register')).toBe('exit');
    expect(failpointAction({ HAPPIER_FAILPOINT: 'state-moved:explode' }, 'state-moved')).toBeNull();
    expect(failpointAction({}, 'state-moved')).toBeNull();
  });
});
