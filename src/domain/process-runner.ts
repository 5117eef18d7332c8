/** The one way side-effecting code runs another program, so tests can pass a fake or the real thing. */
export interface RunResult {
  readonly code: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly timeoutMs?: number;
  readonly input?: string;
}

export interface ProcessRunner {
  run(bin: string, args: readonly string[], opts?: RunOptions): Promise<RunResult>;
}
