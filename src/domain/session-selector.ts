import { resolveId, type IdLookup } from './id-prefix.js';

interface Selectable {
  readonly id: string;
  readonly vendorSessionId: string | null;
  readonly title: string;
}

const SESSION_LOOKUP: IdLookup<Selectable> = {
  noun: 'session',
  idOf: (s) => s.id,
  aliasOf: (s) => s.vendorSessionId,
  titleOf: (s) => s.title,
  notFoundHint: 'run `happier session list --all` to see every session',
};

/**
 * Picks the one session a user meant, by the rule every id-taking command shares
 * (id-prefix.ts); the vendor session id counts when given in full. The caller passes
 * every session that could match.
 */
export function selectSession<T extends Selectable>(candidates: readonly T[], selector: string): T {
  return resolveId(candidates, selector, SESSION_LOOKUP as IdLookup<T>);
}

/**
 * The shortest prefix of each id that no other id shares, never shorter than `min`.
 * Only ids that agree on their first `min` characters can need more, so ids are grouped
 * by that much and just the groups of two or more are sorted, where each id's nearest
 * rivals are its neighbours. Sorting every id cost more than a long list's whole table.
 */
export function shortestUniquePrefixes(ids: readonly string[], min = 8): Map<string, string> {
  const out = new Map<string, string>();
  const groups = new Map<string, string[] | string>();
  for (const id of ids) {
    const key = id.slice(0, min);
    const seen = groups.get(key);
    if (seen === undefined) groups.set(key, id);
    else if (typeof seen === 'string') groups.set(key, [seen, id]);
    else seen.push(id);
  }
  for (const [key, group] of groups) {
    if (typeof group === 'string') out.set(group, key);
    else byNeighbours(group.sort(), min, out);
  }
  return out;
}

function byNeighbours(sorted: readonly string[], min: number, out: Map<string, string>): void {
  const common = (a: string | undefined, b: string): number => {
    if (a === undefined) return 0;
    let i = 0;
    while (i < a.length && i < b.length && a.charCodeAt(i) === b.charCodeAt(i)) i++;
    return i;
  };
  for (let i = 0; i < sorted.length; i++) {
    const id = sorted[i]!;
    const need = Math.max(common(sorted[i - 1], id), common(sorted[i + 1], id)) + 1;
    out.set(id, id.slice(0, Math.max(min, need)));
  }
}
