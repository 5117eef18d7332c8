/**
 * Plain message objects that may hold Buffers (as tree-sync's are) to and from a frame's
 * JSON header plus one binary body: each Buffer becomes `{"$b":[offset,length]}` in the
 * header and its bytes go into the body. Keys named `$b` are therefore reserved.
 */
export function encodeMessage(msg: unknown): { header: unknown; body: Buffer | undefined } {
  const parts: Buffer[] = [];
  let offset = 0;
  const walk = (v: unknown): unknown => {
    if (v instanceof Uint8Array) {
      const b = Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
      parts.push(b);
      const ref = { $b: [offset, b.length] };
      offset += b.length;
      return ref;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = walk(x);
      return out;
    }
    if (typeof v === 'bigint') return Number(v);
    return v;
  };
  const header = walk(msg);
  return { header, body: parts.length === 0 ? undefined : parts.length === 1 ? parts[0] : Buffer.concat(parts, offset) };
}

export function decodeMessage(header: unknown, body: Buffer | undefined): unknown {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      const ref = (v as { $b?: unknown }).$b;
      if (Array.isArray(ref) && ref.length === 2 && Object.keys(v).length === 1) {
        const [off, len] = ref as [number, number];
        if (!body || !Number.isInteger(off) || !Number.isInteger(len) || off < 0 || len < 0 || off + len > body.length) {
          throw new Error('message refers to bytes outside its body');
        }
        return body.subarray(off, off + len);
      }
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = walk(x);
      return out;
    }
    return v;
  };
  return walk(header);
}
