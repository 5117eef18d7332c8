import { posix } from 'node:path';

export type TargetPathChoice = 'flag' | 'mapped-home' | 'same-path';

/**
 * Where the session will live on the target before any conflict is looked at. A cwd under
 * the source's home keeps its place relative to the target's home (laptop and desktop
 * rarely share a user name); anything else keeps its absolute path.
 */
export function defaultTargetPath(p: {
  readonly sourceCwd: string;
  readonly sourceHome: string;
  readonly targetHome: string;
  readonly flag: string | null;
}): { readonly path: string; readonly choice: TargetPathChoice } {
  if (p.flag) {
    const path = p.flag.startsWith('~/') ? posix.join(p.targetHome, p.flag.slice(2)) : posix.resolve(p.flag);
    return { path, choice: 'flag' };
  }
  const home = posix.normalize(p.sourceHome).replace(/\/+$/, '');
  const cwd = posix.normalize(p.sourceCwd);
  if (home && cwd === home) return { path: p.targetHome, choice: 'mapped-home' };
  if (home && cwd.startsWith(home + '/')) {
    return { path: posix.join(p.targetHome, cwd.slice(home.length + 1)), choice: 'mapped-home' };
  }
  return { path: cwd, choice: 'same-path' };
}

/** What the target does at the target path, as the target found it. */
export type TargetPlacement = 'new' | 'existing' | 'sibling' | 'replace';

/**
 * The conflict rule on the target: with a workspace, an existing path is either replaced
 * (only when confirmed) or avoided by a fresh sibling; without one, the session simply
 * resumes in the folder that is there (or an empty one happier creates).
 */
export function placeOnTarget(p: {
  readonly path: string;
  readonly exists: (path: string) => boolean;
  readonly workspace: boolean;
  readonly conflict: 'sibling' | 'replace';
  readonly confirmed: boolean;
  readonly siblings: Iterable<string>;
}): { readonly path: string; readonly placement: TargetPlacement } | { readonly needsConfirmation: string } {
  if (!p.exists(p.path)) return { path: p.path, placement: 'new' };
  if (!p.workspace) return { path: p.path, placement: 'existing' };
  if (p.conflict === 'replace') return p.confirmed ? { path: p.path, placement: 'replace' } : { needsConfirmation: p.path };
  for (const candidate of p.siblings) if (!p.exists(candidate)) return { path: candidate, placement: 'sibling' };
  return { needsConfirmation: p.path };
}

/**
 * Test-only fault injection: HAPPIER_FAILPOINT=<point>:<action>, e.g. `state-moved:exit`
 * (the source process dies right after the journal recorded that step), `state-moved:cut`
 * (the SSH connection is destroyed there), or `agent-register:exit` on the target (the
 * agent dies after doing the work, before it answers).
 */
export function failpointAction(env: Readonly<Record<string, string | undefined>>, point: string): 'exit' | 'cut' | null {
  const spec = env.HAPPIER_FAILPOINT;
  if (!spec) return null;
  for (const part of spec.split(',')) {
    const [name, action] = part.trim().split(':');
    if (name === point && (action === 'exit' || action === 'cut')) return action;
  }
  return null;
}
