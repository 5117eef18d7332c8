import { resolveSettings, validateSettingValue, type SettingValue, type Settings } from '../domain/settings.js';
import type { Registry } from './registry.js';

export class SettingsRepo {
  constructor(private readonly reg: Registry) {}

  /** The raw stored values, by key, for keys the user has set. */
  stored(): Map<string, unknown> {
    const rows = this.reg.db.prepare('SELECT key, value FROM settings').all() as { key: string; value: string }[];
    const out = new Map<string, unknown>();
    for (const r of rows) {
      try {
        out.set(r.key, JSON.parse(r.value));
      } catch {
        // A value no version of happier wrote; the default stands in for it.
      }
    }
    return out;
  }

  settings(): Settings {
    return resolveSettings(this.stored());
  }

  set(key: string, value: SettingValue, now: Date): void {
    validateSettingValue(key, value);
    this.reg.db
      .prepare(
        `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      )
      .run(key, JSON.stringify(value), now.toISOString());
  }

  reset(key?: string): number {
    if (key === undefined) return this.reg.db.prepare('DELETE FROM settings').run().changes;
    return this.reg.db.prepare('DELETE FROM settings WHERE key = ?').run(key).changes;
  }
}
