/**
 * Reads of a provider's own files that may be missing, half-written or not what they
 * claim: a provider's store is read as it is found, and what cannot be read is absent.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** A JSON file holding an object, or null when it is missing, unreadable or anything else. */
export function readJsonObject(path: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The names in a folder, or none when it is missing or unreadable. */
export function namesIn(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
