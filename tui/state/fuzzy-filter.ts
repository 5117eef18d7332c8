import fuzzysort, { type Prepared } from 'fuzzysort';

interface Searchable {
  readonly search: string;
}

/**
 * Rows whose text fuzzily matches `query`, best match first. An empty query keeps every
 * row in its own order. Any match counts (fuzzysort's default threshold hides weak but
 * real matches such as `lgn` for "login"). Prepared targets are cached per row object,
 * so typing into the filter over thousands of rows does not prepare them again per key.
 */
export function fuzzyFilter<T extends Searchable>(rows: readonly T[], query: string): readonly T[] {
  const q = query.trim();
  if (q === '') return rows;
  return fuzzysort.go(q, rows, { key: preparedFor, limit: rows.length, threshold: 0 }).map((r) => r.obj);
}

const prepared = new WeakMap<object, Prepared>();

function preparedFor(row: Searchable): Prepared {
  let p = prepared.get(row);
  if (!p) {
    p = fuzzysort.prepare(row.search);
    prepared.set(row, p);
  }
  return p;
}
