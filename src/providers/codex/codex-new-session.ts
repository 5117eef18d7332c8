import { readdirSync, realpathSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { peekString } from '../jsonl/field-peek.js';
import { readJsonlHead } from '../jsonl/jsonl-file.js';
import type { ProviderContext } from '../provider.js';
import { rolloutIdOf } from './codex-files.js';
import { codexRoot } from './codex-home.js';
import { payloadOf } from './codex-records.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Rollout timestamps and file times are compared with this much slack for clock granularity. */
const SLACK_MS = 1000;

/**
 * The id of the newest rollout Codex started in `cwd` at or after `since`, or null.
 * `happier new` polls this to learn the id Codex minted. Only the date folders around
 * `since` are listed (Codex names them in local time, hence a day either side).
 */
export async function findNewSession(ctx: ProviderContext, opts: { cwd: string; since: Date }): Promise<string | null> {
  const root = codexRoot(ctx.env, ctx.homeDir);
  const dirs = new Set([resolve(opts.cwd)]);
  try {
    dirs.add(realpathSync(opts.cwd));
  } catch {
    // A cwd that is gone is still compared by its plain path.
  }
  const since = opts.since.getTime() - SLACK_MS;
  let best: { id: string; created: number } | null = null;
  for (const folder of dateFolders(root, opts.since.getTime(), Date.now())) {
    for (const name of readdirQuiet(folder)) {
      const fileId = rolloutIdOf(name);
      if (!fileId) continue;
      const path = join(folder, name);
      const meta = newMeta(path, since);
      if (!meta || !dirs.has(meta.cwd) || meta.created < since) continue;
      if (!best || meta.created > best.created) best = { id: meta.id ?? fileId, created: meta.created };
    }
  }
  return best?.id.toLowerCase() ?? null;
}

function newMeta(path: string, since: number): { id: string | null; cwd: string; created: number } | null {
  try {
    if (statSync(path).mtimeMs < since) return null;
    const first = readJsonlHead(path, 1).entries[0];
    if (!first) return null;
    let id: unknown, cwd: unknown, ts: unknown;
    if (first.kind === 'record') {
      if (first.value.type !== 'session_meta') return null;
      ({ id, cwd, timestamp: ts } = payloadOf(first.value));
      ts ??= first.value.timestamp;
    } else {
      id = peekString(first.head, 'id');
      cwd = peekString(first.head, 'cwd');
      ts = peekString(first.head, 'timestamp');
    }
    const created = typeof ts === 'string' ? Date.parse(ts) : NaN;
    if (typeof cwd !== 'string' || Number.isNaN(created)) return null;
    return { id: typeof id === 'string' ? id : null, cwd, created };
  } catch {
    return null; // vanished or unreadable while Codex was creating it; the next poll sees it
  }
}

function dateFolders(root: string, fromMs: number, toMs: number): string[] {
  const out = new Set<string>();
  const start = Math.max(fromMs, toMs - 8 * DAY_MS) - DAY_MS;
  for (let t = start; t <= toMs + DAY_MS; t += DAY_MS / 2) {
    const d = new Date(t);
    for (const [y, m, day] of [
      [d.getFullYear(), d.getMonth() + 1, d.getDate()],
      [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()],
    ] as const) {
      out.add(join(root, 'sessions', String(y), String(m).padStart(2, '0'), String(day).padStart(2, '0')));
    }
  }
  return [...out];
}

function readdirQuiet(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
