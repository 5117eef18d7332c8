import { statSync } from 'node:fs';
import type { DirectSession } from '../../domain/session.js';
import type { DiscoverOptions, ScanCache } from '../provider.js';
import { scanTranscriptFile, type ScannedFile } from './claude-file-scan.js';
import { listTranscripts, type TranscriptFile } from './claude-files.js';
import { isScanState, sessionFromState } from './claude-scan-state.js';

interface Pending {
  readonly file: TranscriptFile;
  readonly prev: { size: number; offset: number; state: unknown } | undefined;
}

/**
 * Finds Claude's sessions under the root. An unchanged file (same size and mtime) costs
 * one stat; a grown one is read from where the last scan stopped; new files are read
 * whole but parsed only where they must be (see claude-scan-state.ts).
 */
export async function discoverClaude(root: string, cache: ScanCache, opts: DiscoverOptions = {}): Promise<DirectSession[]> {
  const files = listTranscripts(root);
  const seen = new Set<string>();
  const sessions: DirectSession[] = [];
  const pending: Pending[] = [];
  let done = 0;
  const tick = (n: number) => {
    done = Math.min(files.length, done + n);
    opts.onProgress?.(done, files.length);
  };

  for (const file of files) {
    let st: import('node:fs').Stats;
    try {
      st = statSync(file.path);
    } catch {
      continue; // deleted between the listing and now
    }
    seen.add(file.path);
    const cached = cache.get(file.path);
    // A state from an older fold (another `v`) is scanned again rather than trusted.
    if (cached && cached.size === st.size && cached.mtimeMs === st.mtimeMs && isScanState(cached.state)) {
      if (cached.session) sessions.push(cached.session);
      tick(1);
      continue;
    }
    pending.push({ file, prev: cached });
  }

  const results = scanAll(pending, tick);
  pending.forEach((p, i) => {
    const r = results[i];
    if (!r) {
      seen.delete(p.file.path);
      return;
    }
    const meta = { vendorSessionId: p.file.vendorSessionId, path: p.file.path, size: r.size, mtimeMs: r.mtimeMs };
    const session = sessionFromState(r.state, meta);
    cache.put({ path: p.file.path, size: r.size, mtimeMs: r.mtimeMs, offset: r.offset, state: r.state, session });
    if (session) sessions.push(session);
  });
  cache.prune('claude', seen);
  return sessions.sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : 0));
}

function scanAll(pending: Pending[], tick: (n: number) => void): (ScannedFile | null)[] {
  return pending.map((p) => {
    const r = scanTranscriptFile(p.file.path, p.prev);
    tick(1);
    return r;
  });
}
