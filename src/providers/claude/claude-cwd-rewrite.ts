/**
 * Rewriting a moved session's paths from the old cwd to the new one, record by record.
 * It is JSON-aware: lines are parsed and only string values (and object keys) that are
 * the old cwd or lie under it change, so a path that merely appears inside prose is left
 * alone and nothing is corrupted by a textual replace. Strings that hold JSON themselves
 * (tool results often do) are rewritten inside, and re-encoded only if something changed.
 * Windows paths (`C:\Users\me\proj`, stored JSON-escaped as `C:\\Users\\…`) compare
 * case-insensitively and with either separator, as Windows itself does.
 */

interface PathStyle {
  readonly root: string;
  readonly windows: boolean;
}

function trimTrailingSeparators(p: string): string {
  return p.length > 1 ? p.replace(/[\\/]+$/, '') || p.slice(0, 1) : p;
}

function styleOf(p: string): PathStyle {
  return { root: trimTrailingSeparators(p), windows: /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\') };
}

export interface CwdRewrite {
  readonly from: string;
  readonly to: string;
}

function isRootOnly(p: string): boolean {
  return p === '/' || p === '' || /^[A-Za-z]:[\\/]?$/.test(p);
}

/** The rewritten path when `value` is `from` or lies under it, else null. */
export function rewritePath(value: string, r: CwdRewrite): string | null {
  const from = styleOf(r.from);
  const to = styleOf(r.to);
  // Everything lies under the filesystem root; rewriting "under /" would rewrite every path.
  if (isRootOnly(from.root)) return null;
  let rest: string | null = null;
  if (from.windows) {
    const v = value.replace(/\//g, '\\');
    const f = from.root.replace(/\//g, '\\');
    if (v.toLowerCase() === f.toLowerCase()) rest = '';
    else if (v.toLowerCase().startsWith(f.toLowerCase() + '\\')) rest = v.slice(f.length + 1);
  } else if (value === from.root) {
    rest = '';
  } else if (value.startsWith(from.root + '/')) {
    rest = value.slice(from.root.length + 1);
  }
  if (rest === null) return null;
  if (rest === '') return to.root;
  const sep = to.windows ? '\\' : '/';
  const parts = rest.split(from.windows ? '\\' : '/');
  return to.root + (to.root.endsWith(sep) ? '' : sep) + parts.join(sep);
}

function looksLikeJson(s: string): boolean {
  const c = s.trimStart()[0];
  return (c === '{' || c === '[') && s.length >= 2;
}

/** Rewrites inside a parsed JSON value; returns the same object when nothing changed. */
export function rewriteValue(value: unknown, r: CwdRewrite, depth = 0): unknown {
  if (typeof value === 'string') {
    const p = rewritePath(value, r);
    if (p !== null) return p;
    if (depth < 4 && looksLikeJson(value)) {
      try {
        const inner: unknown = JSON.parse(value);
        const next = rewriteValue(inner, r, depth + 1);
        if (next !== inner) return JSON.stringify(next);
      } catch {
        // Not JSON after all: a string like any other.
      }
    }
    return value;
  }
  if (Array.isArray(value)) {
    let changed = false;
    const out = value.map((v) => {
      const n = rewriteValue(v, r, depth);
      if (n !== v) changed = true;
      return n;
    });
    return changed ? out : value;
  }
  if (value !== null && typeof value === 'object') {
    let changed = false;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const nk = rewritePath(k, r) ?? k;
      const nv = rewriteValue(v, r, depth);
      if (nk !== k || nv !== v) changed = true;
      out[nk] = nv;
    }
    return changed ? out : value;
  }
  return value;
}

/**
 * Rewrites one JSONL text. Lines that do not parse, or in which nothing changes, are
 * kept byte for byte, so a round trip to another cwd and back gives the same file.
 */
export function rewriteJsonl(text: string, r: CwdRewrite): string {
  if (r.from === r.to) return text;
  const plain = plainRewrite(r);
  return text
    .split('\n')
    .map((line) => (plain && rewriteLinePlain(line, plain)) ?? rewriteLine(line, r))
    .join('\n');
}

function rewriteLine(line: string, r: CwdRewrite): string {
  if (line.trim() === '') return line;
  let rec: unknown;
  try {
    rec = JSON.parse(line);
  } catch {
    return line;
  }
  const next = rewriteValue(rec, r);
  return next === rec ? line : JSON.stringify(next);
}

/** A POSIX rewrite whose paths JSON writes as they are, with no escapes. */
function plainRewrite(r: CwdRewrite): CwdRewrite | null {
  const from = styleOf(r.from);
  const to = styleOf(r.to);
  if (from.windows || to.windows || isRootOnly(from.root)) return null;
  const plain = (p: string) => JSON.stringify(p) === `"${p}"`;
  return plain(from.root) && plain(to.root) ? { from: from.root, to: to.root } : null;
}

/**
 * The same rewrite without building the record again: every record of a transcript holds
 * the cwd, and parsing, walking and re-encoding each one took seconds on a long session.
 * A path value starts right after an unescaped quote, so only there does the old cwd
 * change; what this cannot decide alone (a path inside a JSON-escaped string, escaped
 * slashes or characters, a bare trailing slash) gives null, for the parsing rewrite.
 */
function rewriteLinePlain(line: string, r: CwdRewrite): string | null {
  if (line.includes('\\/') || (/[^\x20-\x7e]/.test(r.from) && line.includes('\\u'))) return null;
  let at = line.indexOf(r.from);
  if (at < 0) return line;
  let out = '';
  let last = 0;
  for (; at >= 0; at = line.indexOf(r.from, at + r.from.length)) {
    if (line[at - 1] !== '"') continue;
    let slashes = 0;
    while (line[at - 2 - slashes] === '\\') slashes++;
    if (slashes % 2 === 1) return null;
    const end = at + r.from.length;
    const next = line[end];
    if (next === '/' && (line[end + 1] === '"' || line[end + 1] === '/')) return null;
    if (next !== '"' && next !== '/') continue;
    out += line.slice(last, at) + r.to;
    last = end;
  }
  if (last === 0) return line;
  try {
    JSON.parse(line);
  } catch {
    return line;
  }
  return out + line.slice(last);
}
