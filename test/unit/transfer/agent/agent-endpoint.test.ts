import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { HappierError } from '../../../../src/domain/errors.js';
import { AgentEndpoint, HandlerRegistry, RpcReply } from '../../../../src/transfer/agent/agent-endpoint.js';

function pair(handlers: HandlerRegistry, window?: number) {
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  const server = new AgentEndpoint(toClient, { side: 'server', handlers, ...(window ? { window } : {}) });
  const client = new AgentEndpoint(toServer, { side: 'client', ...(window ? { window } : {}) });
  server.attach(toServer);
  client.attach(toClient);
  let wire = 0;
  toServer.on('data', (d: Buffer) => (wire += d.length));
  return { server, client, wire: () => wire };
}

describe('the agent endpoint', () => {
  it('answers requests from the handler table, with bytes, and carries errors with their codes', async () => {
    const reg = new HandlerRegistry()
      .rpc('add', ({ a, b }: { a: number; b: number }) => a + b)
      .rpc('echo', (_p, ctx) => new RpcReply({ n: ctx.body?.length }, ctx.body))
      .rpc('fail', () => {
        throw new HappierError('UNSAFE_PATH', 'nope', { hint: 'do not', details: { path: '../x' } });
      });
    const { client } = pair(reg);
    expect(await client.call('add', { a: 2, b: 3 })).toBe(5);
    const echoed = await client.callRaw('echo', {}, Buffer.from('hello'));
    expect(echoed.result).toEqual({ n: 5 });
    expect(echoed.body?.toString()).toBe('hello');
    await expect(client.call('fail')).rejects.toMatchObject({ code: 'UNSAFE_PATH', hint: 'do not', details: { path: '../x', remote: true } });
    await expect(client.call('missing')).rejects.toMatchObject({ code: 'PROTOCOL' });
  });

  it('keeps a slow stream from holding more than its window, while other streams flow', async () => {
    const window = 64 * 1024;
    let openGate!: () => void;
    const gate = new Promise<void>((r) => (openGate = r));
    const reg = new HandlerRegistry()
      .stream('sink', async (s) => {
        // Reads nothing until the gate opens: the sender must stop at the window.
        await s.receive();
        await gate;
        let n = 0;
        for (let m = await s.receive(); m; m = await s.receive()) n += m.body?.length ?? 0;
        return n;
      })
      .stream('count', async (s) => {
        let n = 0;
        for (let m = await s.receive(); m; m = await s.receive()) n++;
        return n;
      });
    const { client, wire } = pair(reg, window);
    const slow = client.open('sink');
    await slow.send({ start: true });
    let sent = 0;
    const pushing = (async () => {
      for (let i = 0; i < 64; i++) {
        await slow.send(undefined, Buffer.alloc(16 * 1024));
        sent++;
      }
      slow.end();
    })();
    await new Promise((r) => setTimeout(r, 50));
    // The window (plus one message in flight) bounds what left this side.
    expect(sent * 16 * 1024).toBeLessThanOrEqual(window + 16 * 1024 * 2);
    const fast = client.open('count');
    for (let i = 0; i < 100; i++) await fast.send({ i });
    fast.end();
    expect(await fast.result).toBe(100);
    expect(wire()).toBeLessThan(window + 100 * 64 + 64 * 1024);
    openGate();
    await pushing;
    expect(sent).toBe(64);
    expect(await slow.result).toBe(64 * 16 * 1024);
  });

  it('ends a stream with the handler’s result, and resets it with the handler’s error', async () => {
    const reg = new HandlerRegistry()
      .stream('sum', async (s) => {
        let total = 0;
        for await (const m of s) total += (m.header as { n: number }).n;
        return { total };
      })
      .stream('boom', async () => {
        throw new HappierError('TRANSFER_FAILED', 'disk full', { hint: 'free space' });
      });
    const { client } = pair(reg);
    const sum = client.open('sum');
    for (const n of [1, 2, 3]) await sum.send({ n });
    sum.end();
    expect(await sum.result).toEqual({ total: 6 });
    const boom = client.open('boom');
    await expect(boom.receive()).rejects.toMatchObject({ code: 'TRANSFER_FAILED', message: 'disk full' });
  });

  it('fails everything in flight when the pipe goes away', async () => {
    const reg = new HandlerRegistry().rpc('never', () => new Promise(() => undefined));
    const toServer = new PassThrough();
    const toClient = new PassThrough();
    const server = new AgentEndpoint(toClient, { side: 'server', handlers: reg });
    const client = new AgentEndpoint(toServer, { side: 'client' });
    server.attach(toServer);
    client.attach(toClient);
    const pending = client.call('never');
    const stream = client.open('anything');
    await new Promise((r) => setTimeout(r, 10));
    toClient.end();
    await expect(pending).rejects.toMatchObject({ code: 'TRANSFER_FAILED' });
    await expect(stream.receive()).rejects.toBeInstanceOf(HappierError);
    expect(await client.closed).toMatchObject({ code: 'TRANSFER_FAILED' });
  });
});
