import type { Agent } from '../domain/agent.js';
import type { DirectSession } from '../domain/session.js';
import type { ScanCache, ScanCacheEntry } from '../domain/scan-cache.js';
import type { Registry } from './registry.js';

interface ScanCacheRow {
  path: string;
  size: number;
  mtime_ms: number;
  offset: number;
  state: string;
  session: string | null;
}

/**
 * One provider's scan cache in the registry. A warm scan of thousands of files must take
 * milliseconds, so the whole table for the provider is read once, and writes are kept in
 * memory and written in one transaction by `flush()` (which `prune()` also does).
 */
export class ScanCacheRepo implements ScanCache {
  private rows: Map<string, ScanCacheEntry> | undefined;
  private readonly pending = new Map<string, ScanCacheEntry>();

  constructor(
    private readonly reg: Registry,
    private readonly agent: Agent,
  ) {}

  private load(): Map<string, ScanCacheEntry> {
    if (this.rows) return this.rows;
    const rows = this.reg.db
      .prepare('SELECT path, size, mtime_ms, offset, state, session FROM scan_cache WHERE agent = ?')
      .all(this.agent) as ScanCacheRow[];
    this.rows = new Map();
    for (const r of rows) {
      try {
        this.rows.set(r.path, {
          path: r.path,
          size: r.size,
          mtimeMs: r.mtime_ms,
          offset: r.offset,
          state: JSON.parse(r.state) as unknown,
          session: r.session ? (JSON.parse(r.session) as DirectSession) : null,
        });
      } catch {
        // An unreadable row is only a cache miss: the file is scanned again.
      }
    }
    return this.rows;
  }

  get(path: string): ScanCacheEntry | undefined {
    return this.pending.get(path) ?? this.load().get(path);
  }

  put(entry: ScanCacheEntry): void {
    this.pending.set(entry.path, entry);
  }

  prune(agent: Agent, seen: ReadonlySet<string>): void {
    const stale = agent === this.agent ? [...this.load().keys()].filter((p) => !seen.has(p)) : [];
    for (const p of [...this.pending.keys()]) if (!seen.has(p)) this.pending.delete(p);
    this.flush(stale);
  }

  /** Writes pending entries (and drops `stale` paths) in one transaction. */
  flush(stale: readonly string[] = []): void {
    if (this.pending.size === 0 && stale.length === 0) return;
    const upsert = this.reg.db.prepare(
      `INSERT INTO scan_cache (agent, path, size, mtime_ms, offset, state, session)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(agent, path) DO UPDATE SET size = excluded.size, mtime_ms = excluded.mtime_ms,
         offset = excluded.offset, state = excluded.state, session = excluded.session`,
    );
    const del = this.reg.db.prepare('DELETE FROM scan_cache WHERE agent = ? AND path = ?');
    const rows = this.load();
    this.reg.write(() => {
      for (const e of this.pending.values()) {
        upsert.run(
          this.agent,
          e.path,
          e.size,
          e.mtimeMs,
          e.offset,
          JSON.stringify(e.state ?? null),
          e.session ? JSON.stringify(e.session) : null,
        );
        rows.set(e.path, e);
      }
      for (const p of stale) {
        del.run(this.agent, p);
        rows.delete(p);
      }
    });
    this.pending.clear();
  }
}

/** A cache that remembers nothing between runs, for callers without a registry. */
export function memoryScanCache(): ScanCache {
  const m = new Map<string, ScanCacheEntry>();
  return {
    get: (p) => m.get(p),
    put: (e) => void m.set(e.path, e),
    prune: (_agent, seen) => {
      for (const p of [...m.keys()]) if (!seen.has(p)) m.delete(p);
    },
  };
}
