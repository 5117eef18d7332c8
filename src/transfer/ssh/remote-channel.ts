/**
 * A command running on a peer, as a byte pipe: writes go to its stdin, 'data' is its
 * stdout, `.stderr` its stderr, and one 'close' once it is over. ssh2's ClientChannel is
 * one; so is an `ssh` process (ProcessChannel). An 'exit' event carries the exit status.
 */
import type { Duplex, Readable } from 'node:stream';

export interface RemoteChannel extends Duplex {
  readonly stderr: Readable;
}

export interface ExecResult {
  readonly code: number | null;
  readonly stdout: Buffer;
  readonly stderr: string;
}

const STDERR_KEPT = 65_536;

/** Drains a channel to its end; `stdin` is written, then the remote stdin is closed. */
export function runToEnd(ch: RemoteChannel, stdin?: Buffer | string): Promise<ExecResult> {
  return new Promise<ExecResult>((resolve) => {
    const out: Buffer[] = [];
    let err = '';
    ch.on('data', (d: Buffer) => out.push(d));
    ch.stderr.setEncoding('utf8').on('data', (d: string) => {
      if (err.length < STDERR_KEPT) err += d;
    });
    let code: number | null = null;
    ch.on('exit', (c: number | null) => (code = c));
    // A peer that stops reading its stdin must not crash us with EPIPE.
    ch.on('error', () => undefined);
    ch.on('close', () => resolve({ code, stdout: Buffer.concat(out), stderr: err }));
    ch.end(stdin ?? undefined);
  });
}
