import { createHash } from 'node:crypto';
import { HappierError } from '../domain/errors.js';
import type { StateBundle } from '../providers/provider.js';

/** A state bundle as it crosses the wire: JSON facts with a sha256 per file, the bytes in one body. */
export interface BundleHeader {
  readonly agent: StateBundle['agent'];
  readonly vendorSessionId: string;
  readonly sourceCwd: string;
  readonly meta: Readonly<Record<string, unknown>>;
  readonly files: readonly { readonly path: string; readonly mode: number; readonly size: number; readonly sha256: string }[];
  /**
   * Whether the provider trusted the session's folder on the source; the target trusts its
   * path the same way only then. Missing (an older source) means no.
   */
  readonly sourceTrusted?: boolean;
  /** Over the whole body, so a truncated or reordered body fails as a whole. */
  readonly sha256: string;
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/**
 * A bundle is mostly one transcript: then the body is that file, and its hash is the file's.
 * Hashing 50 MB once instead of twice on each side is a tenth of a handoff's move phase.
 */
const soleFile = (files: readonly { readonly size: number }[], body: Buffer) => files.length === 1 && files[0]!.size === body.length;

export function encodeBundle(b: StateBundle, facts: { readonly sourceTrusted: boolean } = { sourceTrusted: false }): { header: BundleHeader; body: Buffer } {
  const body = b.files.length === 1 ? b.files[0]!.data : Buffer.concat(b.files.map((f) => f.data));
  const files = b.files.map((f) => ({ path: f.path, mode: f.mode, size: f.data.length, sha256: sha(f.data) }));
  return {
    header: {
      agent: b.agent,
      vendorSessionId: b.vendorSessionId,
      sourceCwd: b.sourceCwd,
      meta: b.meta,
      files,
      sha256: soleFile(files, body) ? files[0]!.sha256 : sha(body),
      sourceTrusted: facts.sourceTrusted,
    },
    body,
  };
}

/** The bundle back, or TRANSFER_FAILED when any byte differs from what the source hashed. */
export function decodeBundle(header: BundleHeader, body: Buffer): StateBundle {
  const bad = (why: string) =>
    new HappierError('TRANSFER_FAILED', `the session state arrived damaged: ${why}`, {
      hint: 'nothing was applied; retry the handoff',
      details: { reason: 'hash-mismatch' },
    });
  if (!header || !Array.isArray(header.files)) throw bad('no file list');
  const bodySha = sha(body);
  if (bodySha !== header.sha256) throw bad('the bundle hash differs');
  const sole = soleFile(header.files, body);
  let at = 0;
  const files = header.files.map((f) => {
    const data = body.subarray(at, at + f.size);
    at += f.size;
    if (data.length !== f.size || (sole ? bodySha : sha(data)) !== f.sha256) throw bad(`${f.path} differs`);
    return { path: f.path, mode: f.mode, data };
  });
  if (at !== body.length) throw bad('extra bytes');
  return { agent: header.agent, vendorSessionId: header.vendorSessionId, sourceCwd: header.sourceCwd, meta: header.meta, files };
}
