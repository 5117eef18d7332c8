import { HappierError } from './errors.js';

interface Selectable {
  readonly id: string;
  readonly vendorSessionId: string | null;
  readonly title: string;
}

/**
 * Picks the one session a user meant: the full id, then the vendor session id, then an
 * unambiguous prefix of the id. The caller passes every session that could match.
 */
export function selectSession<T extends Selectable>(candidates: readonly T[], selector: string): T {
  const wanted = selector.trim();
  if (wanted === '') throw new HappierError('USAGE', 'a session id is required');
  const lower = wanted.toLowerCase();

  const exact = candidates.find((s) => s.id === lower);
  if (exact) return exact;

  const byVendor = candidates.filter((s) => s.vendorSessionId === wanted);
  if (byVendor.length === 1) return byVendor[0]!;

  const byPrefix = candidates.filter((s) => s.id.startsWith(lower));
  const matches = byVendor.length > 1 ? byVendor : byPrefix;
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) {
    throw new HappierError('AMBIGUOUS', `"${wanted}" matches ${matches.length} sessions`, {
      hint: 'give more characters of the id',
      details: { candidates: matches.map((s) => ({ id: s.id, title: s.title })) },
    });
  }
  throw new HappierError('NOT_FOUND', `no session matches "${wanted}"`, {
    hint: 'run `happier session list --all` to see every session',
  });
}

/**
 * The shortest prefix of each id that no other id shares, never shorter than `min`.
 * Sorting makes each id's nearest rivals its neighbours, so this is O(n log n).
 */
export function shortestUniquePrefixes(ids: readonly string[], min = 8): Map<string, string> {
  const sorted = [...ids].sort();
  const out = new Map<string, string>();
  const common = (a: string | undefined, b: string): number => {
    if (a === undefined) return 0;
    let i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) i++;
    return i;
  };
  for (let i = 0; i < sorted.length; i++) {
    const id = sorted[i]!;
    const need = Math.max(common(sorted[i - 1], id), common(sorted[i + 1], id)) + 1;
    out.set(id, id.slice(0, Math.max(min, need)));
  }
  return out;
}
