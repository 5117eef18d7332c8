import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HappierError } from '../../domain/errors.js';
import type { Registry } from '../../store/registry.js';
import { KEY_BYTES } from '../e2e-envelope.js';

/** This machine's link to a sync server, kept in the registry. */
export interface ServerConnection {
  readonly url: string;
  readonly machineToken: string;
  readonly accountId: string;
  readonly connectedAt: string;
}

export const ACCOUNT_KEY_FILE = 'account.key';

export function readConnection(reg: Registry): ServerConnection | undefined {
  const row = reg.db.prepare('SELECT url, machine_token, account_id, connected_at FROM server_connection WHERE id = 1').get() as
    | { url: string; machine_token: string; account_id: string; connected_at: string }
    | undefined;
  return row && { url: row.url, machineToken: row.machine_token, accountId: row.account_id, connectedAt: row.connected_at };
}

export function saveConnection(reg: Registry, c: ServerConnection): void {
  reg.write(() => {
    reg.db
      .prepare(
        `INSERT INTO server_connection (id, url, machine_token, account_id, connected_at) VALUES (1, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET url = excluded.url, machine_token = excluded.machine_token,
           account_id = excluded.account_id, connected_at = excluded.connected_at`,
      )
      .run(c.url, c.machineToken, c.accountId, c.connectedAt);
  });
}

export function clearConnection(reg: Registry): void {
  reg.db.prepare('DELETE FROM server_connection').run();
}

export function newAccountKey(): Buffer {
  return randomBytes(KEY_BYTES);
}

/** The account key never goes to the server; it lives only here, readable by this user alone. */
export function writeAccountKey(home: string, key: Uint8Array): void {
  mkdirSync(home, { recursive: true, mode: 0o700 });
  chmodSync(home, 0o700);
  const path = join(home, ACCOUNT_KEY_FILE);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, Buffer.from(key).toString('base64') + '\n', { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

export function readAccountKey(home: string): Buffer | undefined {
  const path = join(home, ACCOUNT_KEY_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== KEY_BYTES) {
    throw new HappierError('PROTOCOL', `the account key ${path} is damaged`, {
      hint: `restore ${path} from a backup, or run \`happier server disconnect\` and join again with a link code`,
    });
  }
  return key;
}

export function removeAccountKey(home: string): void {
  rmSync(join(home, ACCOUNT_KEY_FILE), { force: true });
}
