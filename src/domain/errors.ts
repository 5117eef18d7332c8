/** Stable error codes. Scripts match on these words, so they never change meaning. */
export const ERROR_CODES = [
  'NOT_FOUND',
  'AMBIGUOUS',
  'ARCHIVED',
  'ALREADY_ACTIVE',
  'NOT_RESUMABLE',
  'NOTHING_TO_RESUME',
  'PATH_MISSING',
  'MACHINE_OFFLINE',
  'HOST_UNRESOLVED',
  'MACHINE_UNKNOWN',
  'UNSUPPORTED_PROVIDER',
  'UNSAFE_PATH',
  'CONFLICT',
  'PROVIDER_FAILED',
  'PROVIDER_MISSING',
  'PROVIDER_LOGIN',
  'PAIRING_EXPIRED',
  'PAIRING_REVOKED',
  'PAIRING_CLAIMED',
  'USAGE',
  'REGISTRY_CORRUPT',
  'REGISTRY_UNREADABLE',
  'REGISTRY_TOO_NEW',
  'NOT_ATTACHABLE',
  'NOT_OWNER',
  'HOST_KEY_UNKNOWN',
  'HOST_KEY_CHANGED',
  'SSH_FAILED',
  'PEER_INCOMPATIBLE',
  'PROTOCOL',
  'TRANSFER_FAILED',
  'SERVER_UNAVAILABLE',
  'NOT_CONNECTED',
  'RATE_LIMITED',
  'BACKEND_DISABLED',
  'TMUX_FAILED',
  'PROVIDER_CONFIG',
  'BUSY',
  'SEND_TIMEOUT',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorDetails {
  readonly [key: string]: unknown;
}

/**
 * An expected failure. The message is one line a user can read; the hint says what to
 * do next. Only the CLI edge turns it into stderr text or a JSON envelope.
 */
export class HappierError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message: string, opts: { hint?: string; details?: ErrorDetails; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'HappierError';
    this.code = code;
    this.hint = opts.hint;
    this.details = opts.details ?? {};
  }
}

export function isHappierError(err: unknown): err is HappierError {
  return err instanceof HappierError;
}

/** Usage errors exit 2; every other expected failure exits 1. */
export function exitCodeFor(code: ErrorCode): 1 | 2 {
  return code === 'USAGE' ? 2 : 1;
}
