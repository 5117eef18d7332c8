/**
 * Rules for paths that arrive from a peer during a transfer. A peer is never trusted: a
 * path it sends must name something strictly inside the destination, spelled one way only,
 * so that the receiver can check every parent directory on disk before writing.
 *
 * Pure: no file system access here. The receiver adds the on-disk half (lstat of every
 * parent, never writing through a symlink).
 */

/** Limits a receiver enforces on what a peer may ask of it. */
export interface TransferLimits {
  /** Most entries (files, dirs, symlinks) in one tree. */
  readonly maxEntries: number;
  /** Longest relative path, in UTF-8 bytes. */
  readonly maxPathBytes: number;
  /** Longest single path segment, in UTF-8 bytes (NAME_MAX on common file systems). */
  readonly maxSegmentBytes: number;
  /** Most bytes of file content the tree may hold, summed over its files. */
  readonly maxTotalBytes: number;
  /** Largest single protocol message the receiver accepts, in bytes. */
  readonly maxMessageBytes: number;
  /** Longest symlink target, in UTF-8 bytes. */
  readonly maxLinkTargetBytes: number;
}

export const DEFAULT_TRANSFER_LIMITS: TransferLimits = {
  maxEntries: 2_000_000,
  maxPathBytes: 4096,
  maxSegmentBytes: 255,
  maxTotalBytes: 256 * 1024 ** 3,
  maxMessageBytes: 16 * 1024 * 1024,
  maxLinkTargetBytes: 4096,
};

export type PeerPathVerdict =
  | { readonly ok: true; readonly segments: readonly string[] }
  | { readonly ok: false; readonly reason: string };

/**
 * Checks a relative path sent by a peer. Accepted paths use `/` only, have no empty, `.`
 * or `..` segments, and are not absolute in POSIX or Windows spelling. Backslashes are
 * refused outright: on Windows they are separators, so `a\..\..\x` would escape there.
 */
export function checkPeerPath(path: unknown, limits: TransferLimits = DEFAULT_TRANSFER_LIMITS): PeerPathVerdict {
  if (typeof path !== 'string') return { ok: false, reason: 'not a string' };
  if (path.length === 0) return { ok: false, reason: 'empty path' };
  if (path.includes('\0')) return { ok: false, reason: 'contains a NUL byte' };
  if (Buffer.byteLength(path, 'utf8') > limits.maxPathBytes) return { ok: false, reason: 'path too long' };
  if (path.includes('\\')) return { ok: false, reason: 'contains a backslash' };
  if (path.startsWith('/')) return { ok: false, reason: 'absolute path' };
  if (/^[A-Za-z]:/.test(path)) return { ok: false, reason: 'absolute path (drive letter)' };
  const segments = path.split('/');
  for (const seg of segments) {
    if (seg === '') return { ok: false, reason: 'empty segment (leading, trailing or doubled slash)' };
    if (seg === '.' || seg === '..') return { ok: false, reason: `contains a "${seg}" segment` };
    if (Buffer.byteLength(seg, 'utf8') > limits.maxSegmentBytes) return { ok: false, reason: 'path segment too long' };
  }
  return { ok: true, segments };
}

/**
 * Checks a symlink target sent by a peer. The target is kept exactly as sent, even when it
 * points outside the tree, because the receiver never follows links it creates; it only
 * has to be storable.
 */
export function checkLinkTarget(target: unknown, limits: TransferLimits = DEFAULT_TRANSFER_LIMITS): PeerPathVerdict {
  if (typeof target !== 'string') return { ok: false, reason: 'link target is not a string' };
  if (target.length === 0) return { ok: false, reason: 'empty link target' };
  if (target.includes('\0')) return { ok: false, reason: 'link target contains a NUL byte' };
  if (Buffer.byteLength(target, 'utf8') > limits.maxLinkTargetBytes) return { ok: false, reason: 'link target too long' };
  return { ok: true, segments: [] };
}

/** The parent directory of an accepted relative path, or '' for the tree root. */
export function parentOf(relPath: string): string {
  const i = relPath.lastIndexOf('/');
  return i < 0 ? '' : relPath.slice(0, i);
}

/**
 * Mode bits a receiver applies: permission bits only. setuid, setgid and sticky bits from
 * a peer are dropped, so a transfer can never plant a setuid binary.
 */
export function safeMode(mode: number): number {
  return mode & 0o777;
}
