/**
 * Checks every field of a request body before the server uses it. A failure names the
 * field, and the server answers 400 with it.
 */
export class WireError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/;
export const HEX64 = /^[0-9a-f]{64}$/;
export const B64URL = /^[A-Za-z0-9_-]+$/;

export type Body = Record<string, unknown>;

export function asObject(v: unknown): Body {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw bad('the request body must be a JSON object');
  return v as Body;
}

export function str(body: Body, field: string, opts: { max: number; pattern?: RegExp; optional?: false }): string;
export function str(body: Body, field: string, opts: { max: number; pattern?: RegExp; optional: true }): string | undefined;
export function str(body: Body, field: string, opts: { max: number; pattern?: RegExp; optional?: boolean }): string | undefined {
  const v = body[field];
  if (v === undefined || v === null) {
    if (opts.optional) return undefined;
    throw bad(`${field} is required`);
  }
  if (typeof v !== 'string' || v.length === 0 || v.length > opts.max) throw bad(`${field} must be a string of 1 to ${opts.max} characters`);
  if (opts.pattern && !opts.pattern.test(v)) throw bad(`${field} has an invalid format`);
  if (/[\u0000-\u001f\u007f]/.test(v)) throw bad(`${field} contains control characters`);
  return v;
}

export function int(body: Body, field: string, opts: { min: number; max: number; optional?: boolean }): number | undefined {
  const v = body[field];
  if (v === undefined && opts.optional) return undefined;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < opts.min || v > opts.max) {
    throw bad(`${field} must be an integer from ${opts.min} to ${opts.max}`);
  }
  return v;
}

export function isoTime(body: Body, field: string): string {
  const v = str(body, field, { max: 40 });
  if (Number.isNaN(Date.parse(v))) throw bad(`${field} must be an ISO 8601 time`);
  return v;
}

export function list(body: Body, field: string, max: number): unknown[] {
  const v = body[field];
  if (!Array.isArray(v) || v.length > max) throw bad(`${field} must be an array of at most ${max} items`);
  return v;
}

export function bad(message: string): WireError {
  return new WireError(400, 'USAGE', message);
}
