import { ERROR_CODES, HappierError, type ErrorCode } from '../../domain/errors.js';

export const DEFAULT_TIMEOUT_MS = 3_000;

/** Short timeouts throughout: a slow or absent server must never hold up local work for long. */
export function serverTimeoutMs(env: Readonly<Record<string, string | undefined>>): number {
  const n = Number(env.HAPPIER_SERVER_TIMEOUT_MS);
  return Number.isFinite(n) && n > 0 ? n : DEFAULT_TIMEOUT_MS;
}

/** JSON over HTTP to the sync server, with the bearer token and server errors as HappierErrors. */
export class ServerHttp {
  constructor(
    readonly baseUrl: string,
    private readonly token: string | undefined,
    private readonly timeoutMs: number,
  ) {}

  get<T>(path: string, timeoutMs?: number): Promise<T> {
    return this.request<T>('GET', path, undefined, timeoutMs);
  }

  post<T>(path: string, body: unknown, timeoutMs?: number): Promise<T> {
    return this.request<T>('POST', path, body, timeoutMs);
  }

  delete<T>(path: string, timeoutMs?: number): Promise<T> {
    return this.request<T>('DELETE', path, undefined, timeoutMs);
  }

  async request<T>(method: string, path: string, body?: unknown, timeoutMs = this.timeoutMs): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(new URL(path, this.baseUrl), {
        method,
        headers,
        body: body === undefined ? null : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      throw unavailable(this.baseUrl, err);
    }
    let parsed: unknown;
    try {
      parsed = await res.json();
    } catch (err) {
      if ((err as Error).name === 'TimeoutError' || (err as Error).name === 'AbortError') throw unavailable(this.baseUrl, err);
      throw new HappierError('PROTOCOL', `the server at ${this.baseUrl} answered ${res.status} without JSON`, {
        hint: `is this URL a happier sync server? one answers \`curl ${this.baseUrl.replace(/\/$/, '')}/health\``,
      });
    }
    if (res.ok) return parsed as T;
    throw fromServerError(this.baseUrl, res.status, parsed);
  }
}

export function unavailable(url: string, cause: unknown): HappierError {
  const timedOut = (cause as Error)?.name === 'TimeoutError' || (cause as Error)?.name === 'AbortError';
  return new HappierError(
    'SERVER_UNAVAILABLE',
    timedOut ? `the sync server at ${url} did not answer in time` : `the sync server at ${url} is not reachable`,
    { hint: 'start it with `happier server start` there, or check the URL and the network; local commands keep working without it', cause },
  );
}

function fromServerError(url: string, status: number, body: unknown): HappierError {
  const e = (body as { error?: Record<string, unknown> })?.error;
  const rawCode = typeof e?.code === 'string' ? e.code : '';
  const code: ErrorCode = (ERROR_CODES as readonly string[]).includes(rawCode) ? (rawCode as ErrorCode) : 'PROTOCOL';
  const message = typeof e?.message === 'string' ? e.message : `the server at ${url} answered ${status}`;
  const { code: _c, message: _m, hint, ...details } = e ?? {};
  const defaultHint =
    code === 'NOT_CONNECTED' ? 'connect again with `happier server connect <url> --link <code>`' : undefined;
  return new HappierError(code, message, {
    ...(typeof hint === 'string' ? { hint } : defaultHint ? { hint: defaultHint } : {}),
    details: { ...details, status },
  });
}
