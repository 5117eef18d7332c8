import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HappierError } from '../../domain/errors.js';
import { providerInstallHint } from '../../domain/provider-install.js';
import type { RunResult } from '../../domain/process-runner.js';
import type { ImportResult, ProviderContext, StateBundle } from '../provider.js';
import { withOpencodeDb } from './opencode-db-access.js';
import { opencodeMessageIds } from './opencode-db-sessions.js';
import { opencodeBinary, opencodeDbPath } from './opencode-home.js';
import { assertOpencodeSessionId } from './opencode-session-id.js';

/** The one file in an OpenCode bundle: `opencode export` output, as OpenCode wrote it. */
export const OPENCODE_EXPORT_FILE = 'opencode/export.json';
const CLI_TIMEOUT_MS = 120_000;

interface OpencodeExport {
  readonly info: { readonly id: string; readonly directory?: unknown };
  readonly messages: readonly { readonly info?: { readonly id?: unknown } }[];
}

/** Runs `opencode export <id>`; OpenCode owns the format, happier only checks it is that session. */
export async function exportOpencodeBundle(ctx: ProviderContext, vendorSessionId: string): Promise<StateBundle> {
  const id = assertOpencodeSessionId(vendorSessionId);
  const result = await runOpencode(ctx, ['export', id], ctx.homeDir, 'export');
  const parsed = parseExport(result.stdout, id);
  if (!parsed) {
    throw new HappierError('PROVIDER_FAILED', `opencode export ${id} did not print that session as JSON`, {
      hint: 'check that the session exists: opencode session list',
      details: { stderr: firstLine(result.stderr) },
    });
  }
  const json = JSON.stringify(parsed.value);
  return {
    agent: 'opencode',
    vendorSessionId: id,
    sourceCwd: typeof parsed.value.info.directory === 'string' ? parsed.value.info.directory : '',
    files: [{ path: OPENCODE_EXPORT_FILE, mode: 0o600, data: Buffer.from(json, 'utf8') }],
    meta: { messageIds: messageIdsOf(parsed.value) },
  };
}

/**
 * Runs `opencode import` in the target cwd, which rewrites the project and directory for
 * it. The target may already hold an earlier copy of the same conversation (a session
 * handed back and forth): OpenCode then adds only the new messages. A copy with messages
 * this export lacks is another conversation under the same id, and is a CONFLICT.
 */
export async function importOpencodeBundle(ctx: ProviderContext, bundle: StateBundle, opts: { targetCwd: string }): Promise<ImportResult> {
  const id = assertOpencodeSessionId(bundle.vendorSessionId);
  const file = bundle.files.find((f) => f.path === OPENCODE_EXPORT_FILE);
  const parsed = bundle.agent === 'opencode' && file ? parseExport(file.data.toString('utf8'), id) : null;
  if (!parsed) {
    throw new HappierError('PROTOCOL', `the OpenCode bundle for ${id} holds no export of that session`, {
      hint: 'the source happier may be incompatible; update both machines',
    });
  }
  // OpenCode takes the project and directory from where it runs, so that place must exist.
  if (!isDirectory(opts.targetCwd)) {
    throw new HappierError('PATH_MISSING', `the target folder ${opts.targetCwd} does not exist`, {
      hint: 'hand off with --workspace to bring the folder along, or create it on the target first',
    });
  }
  const dbPath = opencodeDbPath(ctx.env, ctx.homeDir);
  const existing = await withOpencodeDb(dbPath, (db, schema) =>
    db.prepare(`SELECT 1 FROM session WHERE id = ?`).get(id) ? (opencodeMessageIds(db, schema, id) ?? []) : null,
  );
  if (existing.kind === 'ok' && existing.value) {
    const incoming = new Set(messageIdsOf(parsed.value));
    const foreign = existing.value.filter((m) => !incoming.has(m));
    if (foreign.length > 0) {
      throw new HappierError('CONFLICT', `OpenCode on this machine already has session ${id} with messages the incoming copy lacks`, {
        hint: 'that copy is newer or another conversation; keep it, or delete it in OpenCode to import',
        details: { vendorSessionId: id, extraMessages: foreign.length },
      });
    }
  }

  const stage = mkdtempSync(join(tmpdir(), 'happier-opencode-'));
  try {
    const path = join(stage, `${id}.json`);
    writeFileSync(path, file!.data, { mode: 0o600 });
    await runOpencode(ctx, ['import', path], opts.targetCwd, 'import');
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }

  const landed = await withOpencodeDb(dbPath, (db) => db.prepare(`SELECT 1 FROM session WHERE id = ?`).get(id) !== undefined);
  if (landed.kind === 'ok' && !landed.value) {
    throw new HappierError('PROVIDER_FAILED', `opencode import finished but session ${id} is not in ${dbPath}`, {
      hint: 'check that HAPPIER_OPENCODE_BIN and OPENCODE_DB point at the same OpenCode',
    });
  }
  return { vendorSessionId: id, writtenPaths: [] };
}

async function runOpencode(ctx: ProviderContext, args: string[], cwd: string, what: string): Promise<RunResult> {
  const bin = opencodeBinary(ctx.env);
  const result = await ctx.runner.run(bin, args, { cwd, env: ctx.env, timeoutMs: CLI_TIMEOUT_MS });
  if (result.code === 0) return result;
  const why = firstLine(result.stderr) || (result.signal ? `killed by ${result.signal}` : `exit code ${result.code}`);
  throw new HappierError('PROVIDER_FAILED', `opencode ${what} failed: ${why}`, {
    hint: result.code === 127 ? `${providerInstallHint('opencode')} (tried ${bin})` : `run \`${bin} ${args.join(' ')}\` to see the full error`,
    details: { code: result.code, stderr: result.stderr.slice(-4000) },
  });
}

/** The export object when `text` is that session's export; OpenCode may print a banner line before the JSON. */
function parseExport(text: string, id: string): { value: OpencodeExport } | null {
  for (let start = text.startsWith('{') ? 0 : text.indexOf('\n{'); start !== -1; start = text.indexOf('\n{', start + 1)) {
    let value: unknown;
    try {
      value = JSON.parse(text.slice(start));
    } catch {
      continue;
    }
    const v = value as Partial<OpencodeExport> | null;
    if (!v || typeof v !== 'object' || !v.info || v.info.id !== id || !Array.isArray(v.messages)) return null;
    return { value: v as OpencodeExport };
  }
  return null;
}

function messageIdsOf(exp: OpencodeExport): string[] {
  return exp.messages.map((m) => m.info?.id).filter((m): m is string => typeof m === 'string');
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function firstLine(text: string): string {
  return text.split('\n').map((l) => l.trim()).find((l) => l !== '') ?? '';
}
