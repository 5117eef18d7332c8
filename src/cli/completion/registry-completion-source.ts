import { SETTING_KEYS, settingSpec } from '../../domain/settings.js';
import type { Registry } from '../../store/registry.js';
import type { CompletionSource } from './complete-words.js';

const LIMIT = 500;

/** Candidates straight from the registry, with the narrowest queries that answer them. */
export function registryCompletionSource(open: () => Registry | undefined): CompletionSource {
  let reg: Registry | undefined | null = null;
  const db = () => {
    if (reg === null) reg = open();
    return reg?.db;
  };
  return {
    async sessionIds(prefix) {
      const rows = db()
        ?.prepare('SELECT id FROM sessions WHERE substr(id, 1, ?) = ? ORDER BY archived, updated_at DESC LIMIT ?')
        .all(prefix.length, prefix.toLowerCase(), LIMIT) as { id: string }[] | undefined;
      return (rows ?? []).map((r) => r.id);
    },
    // The synced sessions' vendor ids, and the provider sessions on disk as the last scan
    // (`direct list`, the browser) cached them: a Tab never waits for a scan of its own.
    async vendorIds(prefix) {
      const rows = db()
        ?.prepare(
          `SELECT v FROM (
             SELECT vendor_session_id AS v FROM sessions WHERE vendor_session_id IS NOT NULL
             UNION SELECT json_extract(session, '$.vendorSessionId') FROM scan_cache WHERE session IS NOT NULL
           ) WHERE v IS NOT NULL AND substr(v, 1, ?) = ? LIMIT ?`,
        )
        .all(prefix.length, prefix, LIMIT) as { v: string }[] | undefined;
      return (rows ?? []).map((r) => r.v);
    },
    async machineNames() {
      const rows = db()?.prepare('SELECT name FROM machines WHERE is_self = 0 ORDER BY name').all() as { name: string }[] | undefined;
      return (rows ?? []).map((r) => r.name);
    },
    settingKeys: () => SETTING_KEYS.map((s) => s.key),
    settingValues(key) {
      try {
        const spec = settingSpec(key);
        return spec.kind === 'boolean' ? ['true', 'false'] : [...(spec.values ?? [])];
      } catch {
        return [];
      }
    },
  };
}
