import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ProcessChannel } from '../../../../src/transfer/ssh/process-channel.js';
import { runToEnd } from '../../../../src/transfer/ssh/remote-channel.js';

const channel = (script: string) => new ProcessChannel(spawn('sh', ['-c', script], { stdio: ['pipe', 'pipe', 'pipe'] }));

describe('a process as a remote channel', () => {
  it('carries stdin to the process and its stdout back, with stderr apart and the exit status', async () => {
    const r = await runToEnd(channel('cat; echo oops >&2; exit 3'), 'hello\n');
    expect(r).toEqual({ code: 3, stdout: Buffer.from('hello\n'), stderr: 'oops\n' });
  });

  it('moves more than a pipe holds, both ways, with backpressure', async () => {
    const big = Buffer.alloc(8 << 20, 7);
    const r = await runToEnd(channel('cat'), big);
    expect(r.stdout.equals(big)).toBe(true);
  });

  it('emits one close, and destroy() kills the process at once', async () => {
    const ch = channel('sleep 30');
    let closes = 0;
    const closed = new Promise<void>((resolve) =>
      ch.on('close', () => {
        closes++;
        resolve();
      }),
    );
    const started = Date.now();
    ch.destroy();
    await closed;
    await new Promise((r) => setTimeout(r, 50));
    expect(closes).toBe(1);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
