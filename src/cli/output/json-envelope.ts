import { hintFor } from '../../domain/error-hints.js';
import type { HappierError } from '../../domain/errors.js';

/** The one shape `--json` output takes, success or failure. */
export function okEnvelope(kind: string, data: unknown): string {
  return JSON.stringify({ v: 1, ok: true, kind, data });
}

/**
 * The same text as `okEnvelope(kind, { [key]: [...items].map(toJson) })`, in pieces of
 * about `batch` items, so a long list is written as it is made instead of held whole
 * (as objects, then as one string). `items` is read once, as the pieces are taken.
 */
export function* okEnvelopeChunks<T>(kind: string, key: string, items: Iterable<T>, toJson: (item: T) => unknown, batch = 500): Generator<string> {
  const empty = okEnvelope(kind, { [key]: [] });
  const at = empty.lastIndexOf('[]') + 1;
  yield empty.slice(0, at);
  let pending: unknown[] = [];
  let first = true;
  const piece = () => {
    const body = JSON.stringify(pending);
    pending = [];
    const text = (first ? '' : ',') + body.slice(1, -1);
    first = false;
    return text;
  };
  for (const item of items) {
    pending.push(toJson(item));
    if (pending.length === batch) yield piece();
  }
  if (pending.length > 0) yield piece();
  yield empty.slice(at);
}

export function errorEnvelope(kind: string, err: HappierError): string {
  return JSON.stringify({
    v: 1,
    ok: false,
    kind,
    error: { code: err.code, message: err.message, hint: hintFor(err), ...err.details },
  });
}
