/**
 * Reading single fields out of raw JSONL bytes without parsing the record. Inside a JSON
 * string every `"` is escaped, so the bytes `"key":"` can only be real structure (at some
 * depth); that makes these peeks safe for the shallow, well-known fields providers write
 * (`type`, `cwd`, `timestamp`) and lets a scan skip JSON.parse for records it only counts.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function needle(key: string): Buffer {
  return Buffer.from(`"${key}":"`, 'utf8');
}

const needles = new Map<string, Buffer>();
function needleFor(key: string): Buffer {
  let n = needles.get(key);
  if (!n) {
    n = needle(key);
    needles.set(key, n);
  }
  return n;
}

/** The end (index of the closing quote) of a JSON string whose body starts at `from`, or -1. */
function stringEnd(buf: Buffer, from: number): number {
  for (let i = buf.indexOf(QUOTE, from); i !== -1; i = buf.indexOf(QUOTE, i + 1)) {
    let slashes = 0;
    for (let j = i - 1; j >= from && buf[j] === BACKSLASH; j--) slashes++;
    if (slashes % 2 === 0) return i;
  }
  return -1;
}

function decodeString(buf: Buffer, start: number, end: number): string | undefined {
  try {
    return JSON.parse('"' + buf.toString('utf8', start, end) + '"') as string;
  } catch {
    return undefined;
  }
}

/** The first string value of `key` in `buf`, or undefined (also when it is cut off). */
export function peekString(buf: Buffer, key: string): string | undefined {
  const n = needleFor(key);
  const at = buf.indexOf(n);
  if (at === -1) return undefined;
  const start = at + n.length;
  const end = stringEnd(buf, start);
  return end === -1 ? undefined : decodeString(buf, start, end);
}

/** The last string value of `key` in `buf`, or undefined. */
export function peekLastString(buf: Buffer, key: string): string | undefined {
  const n = needleFor(key);
  const at = buf.lastIndexOf(n);
  if (at === -1) return undefined;
  const start = at + n.length;
  const end = stringEnd(buf, start);
  return end === -1 ? undefined : decodeString(buf, start, end);
}

/** Whether `buf` holds `"key":"value"` as structure. */
export function hasStringField(buf: Buffer, key: string, value: string): boolean {
  return buf.indexOf(`"${key}":${JSON.stringify(value)}`) !== -1;
}

/**
 * The beginning of the string value of `key`, even when the buffer ends inside it (a
 * window of a very long line): what a title needs from a 20 MB pasted prompt.
 */
export function peekStringStart(buf: Buffer, key: string, maxChars = 500): string | undefined {
  const n = needleFor(key);
  const at = buf.indexOf(n);
  if (at === -1) return undefined;
  const start = at + n.length;
  const end = stringEnd(buf, start);
  if (end !== -1) return decodeString(buf, start, end)?.slice(0, maxChars);
  let raw = buf.toString('utf8', start, Math.min(buf.length, start + maxChars * 6));
  // Drop an escape sequence the window cut in half, so the rest still decodes.
  raw = raw.replace(/\\u[0-9a-fA-F]{0,3}$/, '').replace(/(^|[^\\])((?:\\\\)*)\\$/, '$1$2');
  return decodeString(Buffer.from(raw), 0, Buffer.byteLength(raw))?.slice(0, maxChars);
}
