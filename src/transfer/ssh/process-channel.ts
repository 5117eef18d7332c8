/**
 * A local process (an `ssh` mux client) seen as a RemoteChannel: its stdin and stdout are
 * the remote command's, with backpressure both ways. 'close' comes once, when the process
 * and its pipes are gone, or at once on destroy(), which kills it.
 */
import type { ChildProcess } from 'node:child_process';
import { Duplex, type Readable } from 'node:stream';
import type { RemoteChannel } from './remote-channel.js';

export class ProcessChannel extends Duplex implements RemoteChannel {
  readonly stderr: Readable;

  constructor(private readonly child: ChildProcess) {
    // Not auto-destroyed when both sides end: 'close' waits for the process itself.
    super({ autoDestroy: false, allowHalfOpen: true });
    this.stderr = child.stderr!;
    const stdout = child.stdout!;
    stdout.on('data', (d: Buffer) => {
      if (!this.push(d)) stdout.pause();
    });
    stdout.on('end', () => this.push(null));
    child.stdin!.on('error', () => undefined);
    child.on('exit', (code, signal) => this.emit('exit', code, signal));
    child.on('error', (err) => this.destroy(err));
    child.on('close', () => this.destroy());
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  override _read(): void {
    this.child.stdout!.resume();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    const stdin = this.child.stdin!;
    if (stdin.destroyed) return done();
    if (stdin.write(chunk)) return done();
    const go = () => {
      stdin.off('drain', go);
      stdin.off('close', go);
      done();
    };
    stdin.on('drain', go);
    stdin.on('close', go);
  }

  override _final(done: (err?: Error | null) => void): void {
    this.child.stdin!.end(() => done());
  }

  override _destroy(err: Error | null, done: (err?: Error | null) => void): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    done(err);
  }
}
