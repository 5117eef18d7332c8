/** One thing `happier doctor` looked at, and what to do about it. */
export interface Finding {
  readonly check: string;
  readonly status: 'ok' | 'warn' | 'fail';
  readonly summary: string;
  /** What the user should do; present whenever status is not ok. */
  readonly fix: string | null;
}

export function ok(check: string, summary: string): Finding {
  return { check, status: 'ok', summary, fix: null };
}

export function warn(check: string, summary: string, fix: string): Finding {
  return { check, status: 'warn', summary, fix };
}

export function fail(check: string, summary: string, fix: string): Finding {
  return { check, status: 'fail', summary, fix };
}

/** Doctor exits 1 when anything failed; warnings alone leave it at 0. */
export function doctorExitCode(findings: readonly Finding[]): 0 | 1 {
  return findings.some((f) => f.status === 'fail') ? 1 : 0;
}
