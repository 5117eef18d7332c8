import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The project's own model API for the real-CLI tests: Anthropic Messages, OpenAI
 * Responses and OpenAI Chat Completions, each answering with a short valid stream, on
 * 127.0.0.1 only. Every request is recorded so a test can check what a CLI sent, e.g.
 * that a resumed conversation carried the first turn's secret word.
 */

export type MockApiKind = 'anthropic-messages' | 'openai-responses' | 'openai-chat' | 'other';

export interface RecordedRequest {
  /** 0-based position in the log; `mark()` returns the next one. */
  readonly seq: number;
  readonly at: string;
  readonly method: string;
  readonly path: string;
  readonly kind: MockApiKind;
  /** Parsed JSON body, or the raw text when it is not JSON, or null when empty. */
  readonly body: unknown;
  /** The raw body text, for searching. */
  readonly text: string;
  readonly reply: string | null;
}

export interface MockModelApi {
  /** `http://127.0.0.1:PORT` without a trailing slash. */
  readonly url: string;
  readonly port: number;
  readonly requests: readonly RecordedRequest[];
  /** The seq the next request will get: pass it to `requestsSince` to see only later traffic. */
  mark(): number;
  requestsSince(mark: number): RecordedRequest[];
  /** Model requests (not HEAD/GET probes) since `mark` whose body contains `needle`. */
  modelRequestsContaining(needle: string, sinceMark?: number): RecordedRequest[];
  /** Waits until a model request containing `needle` arrives after `mark`. */
  waitForModelRequest(needle: string, sinceMark: number, timeoutMs: number): Promise<RecordedRequest>;
  /** A compact, human-readable log for failure messages. */
  describe(sinceMark?: number): string;
  close(): Promise<void>;
}

export interface MockModelApiOptions {
  /** The answer text; by default `Mock reply number N.`, or MOCK_TITLE to a title request. */
  reply?: (req: { kind: MockApiKind; body: unknown; seq: number }) => string;
}

export const MOCK_MODEL = 'mock-model';

/** What the mock answers to a CLI's own title-generation request (OpenCode makes one per session). */
export const MOCK_TITLE = 'Mock session title';
const TITLE_REQUEST = /You are a title generator|Generate a title for this conversation|Write the title in the language|single-line task title/i;

function defaultReply({ seq, body }: { seq: number; body: unknown }): string {
  const text = TITLE_REQUEST.test(JSON.stringify(body)) ? MOCK_TITLE : `Mock reply number ${seq}.`;
  const schema = structuredOutputSchema(body);
  return schema ? JSON.stringify(valueFor(schema, text)) : text;
}

interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
}

type FormatField = { type?: unknown; schema?: unknown; json_schema?: { schema?: unknown } };

/**
 * The CLIs ask for some answers as JSON, e.g. `{title}` for the session title they show,
 * and drop an answer that does not parse: Claude in `output_config.format`, Codex in the
 * Responses API's `text.format`, chat clients in `response_format`.
 */
function structuredOutputSchema(body: unknown): JsonSchema | null {
  const b = body as { output_config?: { format?: FormatField }; text?: { format?: FormatField }; response_format?: FormatField } | null;
  for (const format of [b?.output_config?.format, b?.text?.format, b?.response_format]) {
    if (format?.type !== 'json_schema') continue;
    const schema = format.schema ?? format.json_schema?.schema;
    if (typeof schema === 'object' && schema !== null) return schema as JsonSchema;
  }
  return null;
}

function valueFor(schema: JsonSchema, text: string, key = ''): unknown {
  switch (schema.type) {
    case 'object':
      return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([k, v]) => [k, valueFor(v, text, k)]));
    case 'array':
      return [];
    case 'boolean':
      return false;
    case 'number':
    case 'integer':
      return 0;
    default:
      return key === 'title' ? MOCK_TITLE : text;
  }
}

export async function startMockModelApi(opts: MockModelApiOptions = {}): Promise<MockModelApi> {
  const requests: RecordedRequest[] = [];
  const reply = opts.reply ?? defaultReply;
  const waiters = new Set<() => void>();

  const server: Server = createServer((req, res) => {
    readBody(req)
      .then((text) => {
        const path = req.url ?? '/';
        const kind = kindOf(req.method ?? 'GET', path);
        const body = parseBody(text);
        const seq = requests.length;
        const answer = kind === 'other' ? null : reply({ kind, body, seq });
        requests.push({ seq, at: new Date().toISOString(), method: req.method ?? 'GET', path, kind, body, text, reply: answer });
        for (const wake of waiters) wake();
        respond(req, res, kind, path, body, answer ?? '');
      })
      .catch((err: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(err));
      });
  });
  // CLIs keep connections alive between turns; a test's close() must not wait for them.
  server.keepAliveTimeout = 1000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  const isModel = (r: RecordedRequest) => r.kind !== 'other';
  const api: MockModelApi = {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    mark: () => requests.length,
    requestsSince: (mark) => requests.slice(mark),
    modelRequestsContaining: (needle, sinceMark = 0) =>
      requests.slice(sinceMark).filter((r) => isModel(r) && r.text.includes(needle)),
    waitForModelRequest: (needle, sinceMark, timeoutMs) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const hit = api.modelRequestsContaining(needle, sinceMark)[0];
          if (!hit) return false;
          cleanup();
          resolve(hit);
          return true;
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no model request containing ${JSON.stringify(needle)} within ${timeoutMs} ms\n${api.describe(sinceMark)}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(wake);
        };
        const wake = () => void check();
        if (!check()) waiters.add(wake);
      }),
    describe: (sinceMark = 0) => describeRequests(requests.slice(sinceMark)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return api;
}

function kindOf(method: string, path: string): MockApiKind {
  if (method !== 'POST') return 'other';
  const p = path.split('?')[0] ?? '';
  if (p.endsWith('/messages/count_tokens')) return 'other';
  if (p.endsWith('/v1/messages')) return 'anthropic-messages';
  if (p.endsWith('/responses')) return 'openai-responses';
  if (p.endsWith('/chat/completions')) return 'openai-chat';
  return 'other';
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseBody(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function wantsStream(body: unknown): boolean {
  return typeof body === 'object' && body !== null && (body as { stream?: unknown }).stream === true;
}

function modelOf(body: unknown): string {
  const m = typeof body === 'object' && body !== null ? (body as { model?: unknown }).model : undefined;
  return typeof m === 'string' ? m : MOCK_MODEL;
}

function respond(req: IncomingMessage, res: ServerResponse, kind: MockApiKind, path: string, body: unknown, answer: string): void {
  switch (kind) {
    case 'anthropic-messages':
      return wantsStream(body) ? sse(res, anthropicEvents(body, answer)) : json(res, anthropicMessage(body, answer));
    case 'openai-responses':
      // The Responses API streams unless told otherwise; Codex always streams.
      return (body as { stream?: unknown } | null)?.stream === false ? json(res, responsesObject(body, answer)) : sse(res, responsesEvents(body, answer));
    case 'openai-chat':
      return wantsStream(body) ? sse(res, chatChunks(body, answer), true) : json(res, chatCompletion(body, answer));
    case 'other':
      return other(req, res, path);
  }
}

function other(req: IncomingMessage, res: ServerResponse, path: string): void {
  const p = path.split('?')[0] ?? '';
  if (req.method === 'POST' && p.endsWith('/messages/count_tokens')) return json(res, { input_tokens: 12 });
  if (req.method === 'HEAD') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end();
    return;
  }
  if (req.method === 'GET' && p.endsWith('/models')) {
    return json(res, { object: 'list', data: [{ id: MOCK_MODEL, object: 'model', created: 0, owned_by: 'mock' }], models: [] });
  }
  if (req.method === 'GET') return json(res, {});
  json(res, { error: { type: 'not_found_error', message: `mock model API: no route for ${req.method} ${p}` } }, 404);
}

function json(res: ServerResponse, value: unknown, status = 200): void {
  const data = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) });
  res.end(data);
}

type SseEvent = { event?: string; data: unknown };

function sse(res: ServerResponse, events: SseEvent[], doneMarker = false): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  for (const e of events) {
    res.write(`${e.event ? `event: ${e.event}\n` : ''}data: ${JSON.stringify(e.data)}\n\n`);
  }
  if (doneMarker) res.write('data: [DONE]\n\n');
  res.end();
}

/** Splits the answer into a few deltas so the CLIs take their real streaming paths. */
function pieces(answer: string): string[] {
  const words = answer.split(/(?<= )/);
  return words.length > 0 ? words : [answer];
}

let counter = 0;
const nextId = (prefix: string) => `${prefix}${Date.now().toString(36)}${(counter++).toString(36).padStart(4, '0')}`;

// Anthropic Messages: message_start, content_block_start/delta/stop, message_delta
// (stop_reason and output usage), message_stop.
function anthropicEvents(body: unknown, answer: string): SseEvent[] {
  const id = nextId('msg_mock');
  const usage = { input_tokens: 12, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
  const ev = (type: string, rest: Record<string, unknown>): SseEvent => ({ event: type, data: { type, ...rest } });
  return [
    ev('message_start', {
      message: { id, type: 'message', role: 'assistant', model: modelOf(body), content: [], stop_reason: null, stop_sequence: null, usage },
    }),
    ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
    ev('ping', {}),
    ...pieces(answer).map((text) => ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text } })),
    ev('content_block_stop', { index: 0 }),
    ev('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: pieces(answer).length } }),
    ev('message_stop', {}),
  ];
}

function anthropicMessage(body: unknown, answer: string): unknown {
  return {
    id: nextId('msg_mock'),
    type: 'message',
    role: 'assistant',
    model: modelOf(body),
    content: [{ type: 'text', text: answer }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: 12, output_tokens: pieces(answer).length, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
  };
}

// OpenAI Responses, as Codex reads it: response.created, output_item.added, the text
// deltas, output_item.done with the full message, and response.completed with usage
// (Codex treats a stream without response.completed as failed and retries).
function responsesEvents(body: unknown, answer: string): SseEvent[] {
  const response = responsesObject(body, answer) as { id: string; output: unknown[] };
  const itemId = (response.output[0] as { id: string }).id;
  const ev = (type: string, rest: Record<string, unknown>): SseEvent => ({ event: type, data: { type, ...rest } });
  const inProgress = { ...response, status: 'in_progress', output: [], usage: null };
  let sequence = 0;
  const seqd = (e: SseEvent): SseEvent => ({ ...e, data: { ...(e.data as object), sequence_number: sequence++ } });
  return [
    ev('response.created', { response: inProgress }),
    ev('response.in_progress', { response: inProgress }),
    ev('response.output_item.added', {
      output_index: 0,
      item: { id: itemId, type: 'message', status: 'in_progress', role: 'assistant', content: [] },
    }),
    ev('response.content_part.added', { item_id: itemId, output_index: 0, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } }),
    ...pieces(answer).map((delta) => ev('response.output_text.delta', { item_id: itemId, output_index: 0, content_index: 0, delta })),
    ev('response.output_text.done', { item_id: itemId, output_index: 0, content_index: 0, text: answer }),
    ev('response.content_part.done', { item_id: itemId, output_index: 0, content_index: 0, part: { type: 'output_text', text: answer, annotations: [] } }),
    ev('response.output_item.done', { output_index: 0, item: response.output[0] }),
    ev('response.completed', { response }),
  ].map(seqd);
}

function responsesObject(body: unknown, answer: string): unknown {
  return {
    id: nextId('resp_mock'),
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    status: 'completed',
    model: modelOf(body),
    output: [
      {
        id: nextId('msg_mock'),
        type: 'message',
        status: 'completed',
        role: 'assistant',
        content: [{ type: 'output_text', text: answer, annotations: [] }],
      },
    ],
    usage: {
      input_tokens: 12,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: pieces(answer).length,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 12 + pieces(answer).length,
    },
  };
}

// OpenAI Chat Completions chunks: a role delta, content deltas, a finish_reason chunk,
// a usage chunk when asked for (stream_options.include_usage), then `data: [DONE]`.
function chatChunks(body: unknown, answer: string): SseEvent[] {
  const id = nextId('chatcmpl-mock');
  const created = Math.floor(Date.now() / 1000);
  const model = modelOf(body);
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}): SseEvent => ({
    data: { id, object: 'chat.completion.chunk', created, model, choices, ...extra },
  });
  const usage = { prompt_tokens: 12, completion_tokens: pieces(answer).length, total_tokens: 12 + pieces(answer).length };
  const includeUsage = (body as { stream_options?: { include_usage?: unknown } } | null)?.stream_options?.include_usage === true;
  return [
    chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]),
    ...pieces(answer).map((content) => chunk([{ index: 0, delta: { content }, finish_reason: null }])),
    chunk([{ index: 0, delta: {}, finish_reason: 'stop' }]),
    ...(includeUsage ? [chunk([], { usage })] : []),
  ];
}

function chatCompletion(body: unknown, answer: string): unknown {
  return {
    id: nextId('chatcmpl-mock'),
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: modelOf(body),
    choices: [{ index: 0, message: { role: 'assistant', content: answer }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 12, completion_tokens: pieces(answer).length, total_tokens: 12 + pieces(answer).length },
  };
}

function describeRequests(list: readonly RecordedRequest[]): string {
  if (list.length === 0) return 'mock model API: no requests';
  return list
    .map((r) => {
      const snippet = r.text.length > 600 ? `${r.text.slice(0, 300)} … ${r.text.slice(-300)}` : r.text;
      return `#${r.seq} ${r.at} ${r.method} ${r.path} [${r.kind}]${r.reply ? ` -> ${JSON.stringify(r.reply)}` : ''}${snippet ? `\n    ${snippet}` : ''}`;
    })
    .join('\n');
}
