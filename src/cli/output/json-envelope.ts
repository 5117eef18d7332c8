import type { HappierError } from '../../domain/errors.js';

/** The one shape `--json` output takes, success or failure. */
export function okEnvelope(kind: string, data: unknown): string {
  return JSON.stringify({ v: 1, ok: true, kind, data });
}

export function errorEnvelope(kind: string, err: HappierError): string {
  return JSON.stringify({
    v: 1,
    ok: false,
    kind,
    error: { code: err.code, message: err.message, ...(err.hint ? { hint: err.hint } : {}), ...err.details },
  });
}
