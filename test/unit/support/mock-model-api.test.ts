import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MOCK_TITLE, startMockModelApi, type MockModelApi } from '../../support/mock-model-api.js';

let mock: MockModelApi;
beforeAll(async () => {
  mock = await startMockModelApi();
});
afterAll(async () => {
  await mock.close();
});

interface SseFrame {
  event: string | null;
  data: string;
}

function parseSse(text: string): SseFrame[] {
  return text
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const lines = block.split('\n');
      const event = lines.find((l) => l.startsWith('event: '))?.slice(7) ?? null;
      const data = lines
        .filter((l) => l.startsWith('data: '))
        .map((l) => l.slice(6))
        .join('\n');
      return { event, data };
    });
}

async function post(path: string, body: unknown): Promise<Response> {
  return fetch(`${mock.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

describe('mock model API', () => {
  it('answers the probes Claude makes before a turn', async () => {
    expect((await fetch(`${mock.url}/`, { method: 'HEAD' })).status).toBe(200);
    expect((await fetch(`${mock.url}/api/anything?x=1`)).status).toBe(200);
    const models = (await (await fetch(`${mock.url}/v1/models`)).json()) as { data: { id: string }[] };
    expect(models.data.map((m) => m.id)).toEqual(['mock-model']);
  });

  it('streams an Anthropic message in the order the Messages API defines', async () => {
    const mark = mock.mark();
    const res = await post('/v1/messages?beta=true', {
      model: 'claude-x',
      stream: true,
      messages: [{ role: 'user', content: 'the secret word is OKAPI' }],
    });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const frames = parseSse(await res.text());
    const types = frames.map((f) => f.event);
    expect(types[0]).toBe('message_start');
    expect(types.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
    for (const f of frames) expect((JSON.parse(f.data) as { type: string }).type).toBe(f.event);
    const text = frames
      .filter((f) => f.event === 'content_block_delta')
      .map((f) => (JSON.parse(f.data) as { delta: { text: string } }).delta.text)
      .join('');
    expect(text).toMatch(/^Mock reply number \d+\.$/);
    const delta = JSON.parse(frames.find((f) => f.event === 'message_delta')!.data) as { delta: { stop_reason: string } };
    expect(delta.delta.stop_reason).toBe('end_turn');
    expect(mock.modelRequestsContaining('OKAPI', mark).map((r) => r.kind)).toEqual(['anthropic-messages']);
  });

  it('answers a non-streamed Anthropic message as one JSON object', async () => {
    const res = await post('/v1/messages', { model: 'claude-x', messages: [{ role: 'user', content: 'hi' }] });
    const body = (await res.json()) as { type: string; content: { type: string; text: string }[]; stop_reason: string };
    expect(body.type).toBe('message');
    expect(body.content[0]?.text).toMatch(/^Mock reply number/);
    expect(body.stop_reason).toBe('end_turn');
  });

  it('answers a structured-output request (the Claude session title) with JSON that fits its schema', async () => {
    const res = await post('/v1/messages', {
      model: 'claude-x',
      messages: [{ role: 'user', content: 'Write the title in the language the user wrote in' }],
      output_config: { format: { type: 'json_schema', schema: { type: 'object', properties: { title: { type: 'string' } }, required: ['title'] } } },
    });
    const body = (await res.json()) as { content: { text: string }[] };
    expect(JSON.parse(body.content[0]!.text)).toEqual({ title: MOCK_TITLE });
  });

  it('answers Codex title requests (Responses API text.format) with JSON too', async () => {
    const res = await post('/v1/responses', {
      model: 'mock-model',
      stream: false,
      input: [{ role: 'user', content: 'Generate a concise, single-line task title of at most 36 characters' }],
      text: { format: { type: 'json_schema', name: 'codex_output_schema', schema: { type: 'object', properties: { title: { type: 'string' } } } } },
    });
    const body = (await res.json()) as { output: { content: { text: string }[] }[] };
    expect(JSON.parse(body.output[0]!.content[0]!.text)).toEqual({ title: MOCK_TITLE });
  });

  it('counts tokens without logging a model request', async () => {
    const mark = mock.mark();
    const res = await post('/v1/messages/count_tokens', { messages: [{ role: 'user', content: 'ZEBRA' }] });
    expect(await res.json()).toEqual({ input_tokens: 12 });
    expect(mock.modelRequestsContaining('ZEBRA', mark)).toEqual([]);
  });

  it('streams an OpenAI response that ends with response.completed and its usage', async () => {
    const res = await post('/v1/responses', { model: 'mock-model', stream: true, input: [{ role: 'user', content: 'LLAMA' }] });
    const frames = parseSse(await res.text());
    const types = frames.map((f) => f.event);
    expect(types[0]).toBe('response.created');
    expect(types).toContain('response.output_item.added');
    expect(types).toContain('response.output_text.delta');
    expect(types.slice(-2)).toEqual(['response.output_item.done', 'response.completed']);
    const done = JSON.parse(frames.at(-2)!.data) as { item: { type: string; role: string; content: { text: string }[] } };
    expect(done.item).toMatchObject({ type: 'message', role: 'assistant' });
    const completed = JSON.parse(frames.at(-1)!.data) as { response: { status: string; usage: { total_tokens: number } } };
    expect(completed.response.status).toBe('completed');
    expect(completed.response.usage.total_tokens).toBeGreaterThan(0);
    const deltas = frames
      .filter((f) => f.event === 'response.output_text.delta')
      .map((f) => (JSON.parse(f.data) as { delta: string }).delta)
      .join('');
    expect(deltas).toBe(done.item.content[0]?.text);
  });

  it('answers a non-streamed OpenAI response as one JSON object', async () => {
    const res = await post('/v1/responses', { model: 'mock-model', stream: false, input: 'hi' });
    const body = (await res.json()) as { object: string; status: string; output: { content: { text: string }[] }[] };
    expect(body).toMatchObject({ object: 'response', status: 'completed' });
    expect(body.output[0]?.content[0]?.text).toMatch(/^Mock reply number/);
  });

  it('streams chat completion chunks ending in [DONE], with usage when asked', async () => {
    const res = await post('/v1/chat/completions', {
      model: 'mock-model',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'hello' }],
    });
    const frames = parseSse(await res.text());
    expect(frames.at(-1)!.data).toBe('[DONE]');
    const chunks = frames.slice(0, -1).map((f) => JSON.parse(f.data) as { object: string; choices: { delta: { content?: string }; finish_reason: string | null }[]; usage?: unknown });
    expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
    expect(chunks.flatMap((c) => c.choices).map((c) => c.finish_reason).filter(Boolean)).toEqual(['stop']);
    expect(chunks.at(-1)!.usage).toBeDefined();
    const text = chunks.flatMap((c) => c.choices.map((ch) => ch.delta.content ?? '')).join('');
    expect(text).toMatch(/^Mock reply number \d+\.$/);
  });

  it('answers a non-streamed chat completion, and a title request with the mock title', async () => {
    const res = await post('/v1/chat/completions', {
      model: 'mock-model',
      messages: [
        { role: 'system', content: 'You are a title generator. You output ONLY a thread title.' },
        { role: 'user', content: 'Generate a title for this conversation: fix the parser' },
      ],
    });
    const body = (await res.json()) as { object: string; choices: { message: { content: string } }[] };
    expect(body.object).toBe('chat.completion');
    expect(body.choices[0]?.message.content).toBe(MOCK_TITLE);
  });

  it('records parsed bodies and waits for a request that carries a word', async () => {
    const mark = mock.mark();
    const waiting = mock.waitForModelRequest('NARWHAL', mark, 5_000);
    await post('/v1/chat/completions', { model: 'm', stream: true, messages: [{ role: 'user', content: 'nothing here' }] });
    await post('/v1/responses', { model: 'm', input: [{ role: 'user', content: 'the word is NARWHAL' }] });
    const hit = await waiting;
    expect(hit.kind).toBe('openai-responses');
    expect(hit.body).toEqual({ model: 'm', input: [{ role: 'user', content: 'the word is NARWHAL' }] });
    expect(mock.requestsSince(mark).map((r) => r.path)).toEqual(['/v1/chat/completions', '/v1/responses']);
    await expect(mock.waitForModelRequest('NOT-SENT', mock.mark(), 50)).rejects.toThrow(/no model request containing "NOT-SENT"/);
  });
});
