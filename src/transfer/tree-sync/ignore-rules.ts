import ignore, { type Ignore } from 'ignore';
import picomatch from 'picomatch';
import type { IgnoreSpec } from './protocol.js';

interface Layer {
  /** Directory the patterns are relative to, in the spec's coordinates ('' = top). */
  readonly base: string;
  readonly patterns: string;
  readonly ig: Ignore;
}

/** How a directory's children are judged during a walk. */
export const WalkScope = {
  /** Ignore rules apply. */
  Rules: 0,
  /** Inside an ignored directory: only what an include glob names comes back. */
  Ignored: 1,
  /** Inside `.git` or an included directory: everything. */
  All: 2,
} as const;
export type WalkScope = (typeof WalkScope)[keyof typeof WalkScope];

type RuleTester = { _rules?: { test(path: string, mode: string): { ignored: boolean; unignored: boolean } } };

/**
 * Git's ignore verdict for one path, given that none of its parent directories is ignored
 * (the walk stops at ignored directories, as git does). Layers are consulted from the most
 * specific (deepest .gitignore) to the least (global excludes); the first layer with an
 * opinion on the path itself decides, and within a layer the last matching pattern wins.
 *
 * Include globs are separate: they bring back ignored paths, even inside ignored
 * directories, which a negation in a .gitignore cannot do.
 */
export class TreeIgnore {
  private readonly layers: Layer[] = [];
  private readonly includeMatch: (p: string) => boolean;
  private readonly includeBases: string[];

  constructor(
    /** Repository-relative path of the synced tree's root ('' when they are the same). */
    readonly prefix: string,
    readonly include: readonly string[],
    readonly ignoreCase: boolean,
    readonly enabled = true,
  ) {
    this.includeMatch = include.length ? picomatch([...include], { dot: true }) : () => false;
    this.includeBases = include.map((g) => picomatch.scan(g).base.replace(/\/+$/, ''));
  }

  static fromSpec(spec: IgnoreSpec & { prefix?: string; ignoreCase?: boolean }): TreeIgnore {
    const t = new TreeIgnore(spec.prefix ?? '', spec.include, spec.ignoreCase ?? false, spec.enabled);
    for (const l of spec.layers) t.addLayer(l.base, l.patterns);
    return t;
  }

  /** Adds a layer more specific than all before it. `base` is in repository coordinates. */
  addLayer(base: string, patterns: string): void {
    if (patterns.trim() === '') return;
    const ig = ignore({ ignorecase: this.ignoreCase, allowRelativePaths: true }).add(patterns);
    this.layers.push({ base, patterns, ig });
  }

  spec(): IgnoreSpec & { prefix: string; ignoreCase: boolean } {
    return {
      layers: this.layers.map((l) => ({ base: l.base, patterns: l.patterns })),
      include: [...this.include],
      enabled: this.enabled,
      prefix: this.prefix,
      ignoreCase: this.ignoreCase,
    };
  }

  /** Is `rel` (relative to the synced root) ignored by its own patterns? */
  ignored(rel: string, isDir: boolean): boolean {
    if (!this.enabled) return false;
    const full = this.prefix ? `${this.prefix}/${rel}` : rel;
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const layer = this.layers[i] as Layer;
      let local: string;
      if (layer.base === '') local = full;
      else if (full.startsWith(layer.base) && full.charCodeAt(layer.base.length) === 47) local = full.slice(layer.base.length + 1);
      else continue;
      const v = testOwn(layer.ig, isDir ? `${local}/` : local);
      if (v.ignored) return true;
      if (v.unignored) return false;
    }
    return false;
  }

  /**
   * The scope a child gets in a walk whose parent has `scope`, or undefined when it is left
   * out. A child with scope Ignored is not in the sync itself; only its descendants may be.
   */
  childScope(rel: string, name: string, isDir: boolean, scope: WalkScope): WalkScope | undefined {
    if (scope === WalkScope.All || !this.enabled) return scope;
    if (scope === WalkScope.Rules) {
      if (name === '.git') return WalkScope.All;
      if (!this.ignored(rel, isDir)) return WalkScope.Rules;
    }
    if (this.included(rel)) return WalkScope.All;
    if (isDir && this.mayIncludeUnder(rel)) return WalkScope.Ignored;
    return undefined;
  }

  /** Is `rel` brought back by an include glob? */
  included(rel: string): boolean {
    return this.includeMatch(rel);
  }

  /** Could an include glob match something below the ignored directory `rel`? */
  mayIncludeUnder(rel: string): boolean {
    return this.includeBases.some((b) => b === '' || b === rel || b.startsWith(`${rel}/`) || rel.startsWith(`${b}/`));
  }

  /** Is the destination-only path `rel` outside the synced scope (ignored and not included)? */
  outOfScope(rel: string, isDir: boolean): boolean {
    if (!this.enabled) return false;
    const parts = rel.split('/');
    let path = '';
    for (let i = 0; i < parts.length; i++) {
      path = path ? `${path}/${parts[i]}` : (parts[i] as string);
      if (parts[i] === '.git') return false;
      if (this.included(path)) return false;
      const dir = i < parts.length - 1 || isDir;
      if (this.ignored(path, dir)) return !this.included(rel);
    }
    return false;
  }
}

/** One layer's verdict on the path alone, leaving parent directories out (the walk handles those). */
function testOwn(ig: Ignore, path: string): { ignored: boolean; unignored: boolean } {
  const rules = (ig as unknown as RuleTester)._rules;
  // ignore 7 exposes only parent-aware tests; a parent ignored in one layer but re-included
  // by a more specific one would otherwise leak its verdict onto the children.
  if (rules && typeof rules.test === 'function') return rules.test(path, 'regex');
  return ig.test(path);
}
