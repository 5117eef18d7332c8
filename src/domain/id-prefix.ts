import { HappierError } from './errors.js';

/** Shorter prefixes match too much to be what a user meant; DESIGN.md's table shows 8. */
export const MIN_ID_PREFIX = 4;

export interface IdLookup<T> {
  /** What the ids name, for messages: `session`, `claude session`. */
  readonly noun: string;
  /** The id a prefix is matched against. */
  readonly idOf: (t: T) => string;
  /** Other ids that name the item only when given in full (a synced session's vendor id). */
  readonly aliasOf?: (t: T) => string | null;
  readonly titleOf: (t: T) => string;
  /** How the candidates of an AMBIGUOUS error are shown, when not by their id. */
  readonly candidateId?: (t: T) => string;
  readonly notFoundHint: string;
  readonly ambiguousHint?: string;
}

/**
 * The one rule by which every command turns what a user typed into the one thing meant:
 * the full id, then a full alias, then a unique prefix of at least MIN_ID_PREFIX
 * characters, in any case. More than one match is AMBIGUOUS with the candidates.
 */
export function resolveId<T>(candidates: readonly T[], selector: string, lookup: IdLookup<T>): T {
  const wanted = selector.trim();
  if (wanted === '') throw new HappierError('USAGE', `a ${lookup.noun} id is required`, { hint: lookup.notFoundHint });
  const lower = wanted.toLowerCase();

  const exact = candidates.filter((t) => lookup.idOf(t).toLowerCase() === lower);
  if (exact.length === 1) return exact[0]!;

  const byAlias = exact.length ? [] : candidates.filter((t) => lookup.aliasOf?.(t) === wanted);
  if (byAlias.length === 1) return byAlias[0]!;

  let matches = exact.length > 1 ? exact : byAlias;
  if (matches.length === 0) {
    const byPrefix = candidates.filter((t) => lookup.idOf(t).toLowerCase().startsWith(lower));
    if (byPrefix.length > 0 && wanted.length < MIN_ID_PREFIX) {
      throw new HappierError('USAGE', `"${wanted}" is too short to name a ${lookup.noun}`, {
        hint: `give at least ${MIN_ID_PREFIX} characters of the id`,
      });
    }
    matches = byPrefix;
  }
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) {
    const shown = lookup.candidateId ?? lookup.idOf;
    throw new HappierError('AMBIGUOUS', `"${wanted}" matches ${matches.length} ${lookup.noun}s`, {
      hint: lookup.ambiguousHint ?? 'give more characters of the id',
      details: { candidates: matches.map((t) => ({ id: shown(t), title: lookup.titleOf(t) })) },
    });
  }
  throw new HappierError('NOT_FOUND', `no ${lookup.noun} matches "${wanted}"`, { hint: lookup.notFoundHint });
}
