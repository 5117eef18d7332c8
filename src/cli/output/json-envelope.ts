import { hintFor } from '../../domain/error-hints.js';
import type { HappierError } from '../../domain/errors.js';

/** The one shape `--json` output takes, success or failure. */
export function okEnvelope(kind: string, data: unknown): string {
  return JSON.stringify({ v: 1, ok: true, kind, data });
}

/**
 * The same text as `okEnvelope(kind, { [key]: items.map(toJson) })`, in pieces of about
 * `batch` items, so a long list is written as it is made instead of held whole twice
 * (as objects, then as one string).
 */
export function* okEnvelopeChunks<T>(kind: string, key: string, items: readonly T[], toJson: (item: T) => unknown, batch = 500): Generator<string> {
  const empty = okEnvelope(kind, { [key]: [] });
  const at = empty.lastIndexOf('[]') + 1;
  yield empty.slice(0, at);
  for (let i = 0; i < items.length; i += batch) {
    const body = JSON.stringify(items.slice(i, i + batch).map(toJson));
    yield (i > 0 ? ',' : '') + body.slice(1, -1);
  }
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
