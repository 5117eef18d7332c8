import { hasStringField } from '../jsonl/field-peek.js';
import { parseRecord } from '../jsonl/jsonl-file.js';

const NL = 0x0a;
const CR = 0x0d;
const REWRITTEN_TYPES = ['session_meta', 'turn_context'];

/**
 * A rollout with the cwd of its `session_meta` and of every `turn_context` set to `cwd`,
 * for a session moving to another machine or folder. In those records, paths inside the
 * old cwd (workspace roots, sandbox entries such as `<cwd>/.git`) move with it. Records
 * are edited as JSON, so any path (spaces, quotes, backslashes, unicode) round-trips;
 * every other line, and any line that does not parse, is kept byte for byte.
 */
export function rewriteRolloutCwd(content: Buffer, cwd: string): Buffer {
  const out: Buffer[] = [];
  const seen: { metaCwd: string | null } = { metaCwd: null };
  let start = 0;
  while (start < content.length) {
    const nl = content.indexOf(NL, start);
    const end = nl === -1 ? content.length : nl;
    out.push(rewriteLine(content.subarray(start, end), cwd, seen));
    if (nl !== -1) out.push(content.subarray(nl, nl + 1));
    start = end + 1;
  }
  return Buffer.concat(out);
}

function rewriteLine(line: Buffer, cwd: string, seen: { metaCwd: string | null }): Buffer {
  // Inside a JSON string quotes are escaped, so this only matches real structure.
  if (!REWRITTEN_TYPES.some((t) => hasStringField(line, 'type', t))) return line;
  const cr = line.length > 0 && line[line.length - 1] === CR;
  const body = cr ? line.subarray(0, -1) : line;
  const rec = parseRecord(body);
  if (!rec || typeof rec.type !== 'string' || !REWRITTEN_TYPES.includes(rec.type)) return line;
  const payload = rec.payload as Record<string, unknown> | undefined;
  if (!payload || typeof payload !== 'object' || typeof payload.cwd !== 'string') return line;
  const old = payload.cwd;
  if (rec.type === 'session_meta') seen.metaCwd ??= old;
  if (old === cwd) return line;
  const moved = movePaths(payload, [old, seen.metaCwd].filter((p): p is string => movable(p) && p !== cwd), cwd) as Record<string, unknown>;
  moved.cwd = cwd;
  rec.payload = moved;
  const rewritten = Buffer.from(JSON.stringify(rec), 'utf8');
  return cr ? Buffer.concat([rewritten, Buffer.from('\r')]) : rewritten;
}

/** A filesystem root is never treated as a prefix: every absolute path would "move". */
function movable(path: string | null): boolean {
  return !!path && !/^([A-Za-z]:)?[\\/]*$/.test(path);
}

function movePaths(value: unknown, olds: readonly string[], cwd: string): unknown {
  if (typeof value === 'string') {
    for (const old of olds) {
      if (value === old) return cwd;
      if (value.startsWith(old) && (value[old.length] === '/' || value[old.length] === '\\')) return cwd + value.slice(old.length);
    }
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => movePaths(v, olds, cwd));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = movePaths(v, olds, cwd);
    return out;
  }
  return value;
}

/** The id and cwd that the rollout's `session_meta` line records (null where it does not). */
export function rolloutSessionMeta(content: Buffer): { id: string | null; cwd: string | null } {
  const nl = content.indexOf(NL);
  const rec = parseRecord(content.subarray(0, nl === -1 ? content.length : nl));
  if (!rec || rec.type !== 'session_meta') return { id: null, cwd: null };
  const p = (rec.payload ?? {}) as Record<string, unknown>;
  return { id: typeof p.id === 'string' ? p.id : null, cwd: typeof p.cwd === 'string' ? p.cwd : null };
}
