/**
 * The target's half of a handoff, served by the installed `happier agent --stdio` (the
 * uploaded bundle has no registry, so it cannot take a session). The source drives these
 * in order: prepare → stage-state → (tree-sync into the workspace staging) → register →
 * finalize, or abort at any point before its commit. Every handler is idempotent, so a
 * recovery may repeat one.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, realpathSync, renameSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Agent } from '../domain/agent.js';
import { HappierError } from '../domain/errors.js';
import { failpointAction, placeOnTarget } from '../domain/handoff-target-path.js';
import type { Session } from '../domain/session.js';
import { siblingCandidates } from '../domain/workspace-safety.js';
import type { LifecycleDeps } from '../lifecycle/lifecycle-deps.js';
import type { Provider, ProviderContext } from '../providers/provider.js';
import { HandoffPendingRepo, type PendingRow, type PendingUndo } from '../store/handoff-pending-repo.js';
import type { Registry } from '../store/registry.js';
import type { SessionsRepo } from '../store/sessions-repo.js';
import type { HandlerRegistry } from '../transfer/agent/agent-endpoint.js';
import { decodeBundle, type BundleHeader } from './bundle-wire.js';

export interface TargetDeps {
  readonly registry: Registry;
  readonly sessions: SessionsRepo;
  readonly happierHome: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly providerContext: ProviderContext;
  readonly loadProvider: (agent: Agent) => Promise<Provider>;
  /** The lifecycle as this machine runs it; ownership is not re-checked with a server here. */
  readonly lifecycle: () => Promise<LifecycleDeps>;
}

export interface PrepareParams {
  readonly handoffId: string;
  readonly sessionId: string;
  readonly agent: Agent;
  readonly targetPath: string;
  readonly workspace: boolean;
  readonly conflict: 'sibling' | 'replace';
  readonly confirmed: boolean;
  /** Only look: nothing is recorded or created (dry run, and the replace confirmation). */
  readonly dryRun: boolean;
}

export interface PrepareResult {
  readonly targetPath: string;
  readonly placement: PendingUndo['placement'] | null;
  /** Set when the path exists and replacing it needs the user's yes. */
  readonly needsConfirmation: string | null;
  readonly workspaceStaging: string | null;
}

export interface RegisterParams {
  readonly handoffId: string;
  /** The session as the target will own it (same id, next epoch), or null for a direct session kept direct. */
  readonly session: Session | null;
  readonly resume: boolean;
}

export interface RegisterResult {
  readonly targetPath: string;
  readonly vendorSessionId: string;
  readonly tmuxSession: string | null;
}

const handoffDir = (home: string, id: string) => join(home, 'handoff', id);

function checkId(id: unknown): string {
  if (typeof id !== 'string' || !/^[0-9a-f-]{8,64}$/i.test(id)) throw new HappierError('PROTOCOL', 'a handoff id was malformed');
  return id;
}

function exitIf(env: TargetDeps['env'], point: string): void {
  if (failpointAction(env, `agent-${point}`) === 'exit') process.exit(137);
}

/** Writes a file and flushes it, so a verified bundle survives a crash of this machine. */
function writeDurable(path: string, data: Buffer | string): void {
  writeFileSync(path, data, { mode: 0o600 });
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The highest missing folder on the way to `path`, so undo removes exactly what it made. */
function firstMissing(path: string): string | null {
  let missing: string | null = null;
  for (let p = path; !existsSync(p); p = dirname(p)) {
    missing = p;
    if (dirname(p) === p) break;
  }
  return missing;
}

export function registerHandoffHandlers(reg: HandlerRegistry, deps: () => Promise<TargetDeps>): void {
  reg
    .rpc('handoff.prepare', async (p: PrepareParams) => prepare(await deps(), p))
    // A stream, not one request: a long transcript is bigger than one frame may be.
    .stream('handoff.stage-state', async (stream, p: { handoffId: string; header: BundleHeader }) => {
      const d = await deps();
      const chunks: Buffer[] = [];
      for await (const m of stream) if (m.body) chunks.push(m.body);
      return stageState(d, p, Buffer.concat(chunks));
    })
    .rpc('handoff.register', async (p: RegisterParams) => register(await deps(), p))
    .rpc('handoff.finalize', async (p: { handoffId: string }) => finalize(await deps(), checkId(p?.handoffId)))
    .rpc('handoff.abort', async (p: { handoffId: string }) => abort(await deps(), checkId(p?.handoffId)))
    .rpc('handoff.status', async (p: { handoffId: string }) => {
      const d = await deps();
      const row = new HandoffPendingRepo(d.registry).get(checkId(p?.handoffId));
      return { state: row?.state ?? 'none' };
    });
}

async function prepare(d: TargetDeps, p: PrepareParams): Promise<PrepareResult> {
  const handoffId = checkId(p.handoffId);
  const pending = new HandoffPendingRepo(d.registry);
  const existing = pending.get(handoffId);
  if (existing && !p.dryRun) {
    return { targetPath: existing.undo.targetPath, placement: existing.undo.placement, needsConfirmation: null, workspaceStaging: existing.undo.workspaceStaging };
  }
  if (typeof p.targetPath !== 'string' || !p.targetPath.startsWith('/')) throw new HappierError('PROTOCOL', 'the target path must be absolute');
  const own = d.sessions.get(p.sessionId);
  if (own && own.ownerMachineId === d.registry.machineId && !pending.isPending(own.id)) {
    throw new HappierError('USAGE', `this machine already owns session ${p.sessionId.slice(0, 8)}`, {
      hint: 'its registry disagrees with the source; run `happier session show` on both machines',
    });
  }
  const place = placeOnTarget({
    path: p.targetPath,
    exists: existsSync,
    workspace: p.workspace,
    conflict: p.conflict,
    confirmed: p.confirmed,
    siblings: siblingCandidates(p.targetPath),
  });
  if ('needsConfirmation' in place) {
    return { targetPath: place.needsConfirmation, placement: null, needsConfirmation: place.needsConfirmation, workspaceStaging: null };
  }
  const workspaceStaging = p.workspace ? join(dirname(place.path), `.happier-handoff-${handoffId.slice(0, 8)}-${basename(place.path)}`) : null;
  if (p.dryRun) return { targetPath: place.path, placement: place.placement, needsConfirmation: null, workspaceStaging };

  const stateDir = handoffDir(d.happierHome, handoffId);
  const parent = dirname(place.path);
  const createdDir = firstMissing(place.placement === 'new' ? place.path : parent);
  pending.insert(handoffId, p.sessionId, {
    targetPath: place.path,
    placement: place.placement,
    workspace: p.workspace,
    stateDir,
    workspaceStaging,
    backupPath: place.placement === 'replace' ? join(parent, `.happier-handoff-${handoffId.slice(0, 8)}-old-${basename(place.path)}`) : null,
    createdDir,
    workspacePlaced: false,
    providerExistedBefore: null,
    importedPaths: [],
    previousSession: null,
    registeredSessionId: null,
    tmuxSession: null,
    trustGrant: null,
  });
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  // The workspace staging needs its parent; a target path made here is removed again on undo.
  mkdirSync(parent, { recursive: true });
  exitIf(d.env, 'prepare');
  return { targetPath: place.path, placement: place.placement, needsConfirmation: null, workspaceStaging };
}

function pendingOrFail(d: TargetDeps, handoffId: string): PendingRow {
  const row = new HandoffPendingRepo(d.registry).get(handoffId);
  if (!row) {
    throw new HappierError('CONFLICT', `the target has no handoff ${handoffId.slice(0, 8)} in progress`, {
      hint: 'it was undone or finished already; start the handoff again',
    });
  }
  return row;
}

function stageState(d: TargetDeps, p: { handoffId: string; header: BundleHeader }, body: Buffer): { bytes: number; sha256: string } {
  const row = pendingOrFail(d, checkId(p.handoffId));
  decodeBundle(p.header, body);
  writeDurable(join(row.undo.stateDir, 'bundle.bin'), body);
  writeDurable(join(row.undo.stateDir, 'bundle.json'), JSON.stringify(p.header));
  new HandoffPendingRepo(d.registry).update(row.handoffId, () => ({ state: 'staged' }));
  exitIf(d.env, 'stage');
  return { bytes: body.length, sha256: p.header.sha256 };
}

async function register(d: TargetDeps, p: RegisterParams): Promise<RegisterResult> {
  const handoffId = checkId(p.handoffId);
  const pending = new HandoffPendingRepo(d.registry);
  let row = pendingOrFail(d, handoffId);
  if (row.state === 'registered' && row.undo.registeredSessionId === (p.session?.id ?? null)) {
    const header = JSON.parse(readFileSync(join(row.undo.stateDir, 'bundle.json'), 'utf8')) as BundleHeader;
    return { targetPath: row.undo.targetPath, vendorSessionId: header.vendorSessionId, tmuxSession: row.undo.tmuxSession };
  }
  try {
    const header = JSON.parse(readFileSync(join(row.undo.stateDir, 'bundle.json'), 'utf8')) as BundleHeader;
    const bundle = decodeBundle(header, readFileSync(join(row.undo.stateDir, 'bundle.bin')));
    const u = row.undo;
    row = pending.update(handoffId, () => ({ state: 'registering' }));

    if (u.workspace) {
      if (!u.workspaceStaging || !existsSync(u.workspaceStaging)) {
        throw new HappierError('TRANSFER_FAILED', 'the workspace did not arrive on the target', { hint: 'retry the handoff' });
      }
      if (u.placement === 'replace' && u.backupPath && existsSync(u.targetPath)) renameSync(u.targetPath, u.backupPath);
      pending.update(handoffId, () => ({ undo: { workspacePlaced: true } }));
      renameSync(u.workspaceStaging, u.targetPath);
    } else {
      mkdirSync(u.targetPath, { recursive: true });
    }

    const provider = await d.loadProvider(bundle.agent);
    // Before the resume below, so the provider opens the moved session without its trust dialog.
    if (header.sourceTrusted === true && provider.trust) {
      provider.trust.grant(d.providerContext, realpathSync(u.targetPath), (g) => pending.update(handoffId, () => ({ undo: { trustGrant: g } })));
    }
    const existedBefore = await provider.readTranscript(d.providerContext, bundle.vendorSessionId, { lastMessages: 1 }).then(
      () => true,
      () => false,
    );
    pending.update(handoffId, () => ({ undo: { providerExistedBefore: existedBefore } }));
    const imported = await provider.importBundle(d.providerContext, bundle, { targetCwd: u.targetPath });
    pending.update(handoffId, () => ({ undo: { importedPaths: imported.writtenPaths } }));

    let tmuxSession: string | null = null;
    if (p.session) {
      const before = d.sessions.get(p.session.id) ?? null;
      pending.update(handoffId, () => ({ undo: { previousSession: before, registeredSessionId: p.session!.id } }));
      const record: Session = {
        ...p.session,
        vendorSessionId: imported.vendorSessionId,
        cwd: u.targetPath,
        ownerMachineId: d.registry.machineId,
        terminal: null,
      };
      d.registry.write(() => {
        if (d.sessions.get(record.id)) d.sessions.update(record.id, () => record);
        else d.sessions.insert(record);
      });
      if (p.resume) {
        const [{ resumeSession }, { tmuxSessionName }] = await Promise.all([
          import('../lifecycle/resume-session.js'),
          import('../../shell/tmux/tmux-argv.js'),
        ]);
        tmuxSession = tmuxSessionName(record.id);
        pending.update(handoffId, () => ({ undo: { tmuxSession } }));
        const life = await d.lifecycle();
        await resumeSession({ ...life, confirmOwnership: async () => undefined }, record.id);
      }
    }
    pending.update(handoffId, () => ({ state: 'registered' }));
    exitIf(d.env, 'register');
    return { targetPath: u.targetPath, vendorSessionId: imported.vendorSessionId, tmuxSession };
  } catch (err) {
    // Strict: whatever failed here, the target goes back to how it was and the source keeps the session.
    await abort(d, handoffId).catch(() => undefined);
    throw err;
  }
}

function finalize(d: TargetDeps, handoffId: string): { finalized: boolean } {
  const pending = new HandoffPendingRepo(d.registry);
  const row = pending.get(handoffId);
  if (!row) return { finalized: false };
  if (row.undo.backupPath) rmSync(row.undo.backupPath, { recursive: true, force: true });
  cleanStaging(row.undo);
  pending.remove(handoffId);
  exitIf(d.env, 'finalize');
  return { finalized: true };
}

function cleanStaging(u: PendingUndo): void {
  rmSync(u.stateDir, { recursive: true, force: true });
  if (u.workspaceStaging) {
    rmSync(u.workspaceStaging, { recursive: true, force: true });
    const parent = dirname(u.workspaceStaging);
    const prefix = `${basename(u.workspaceStaging)}.happier-staging-`;
    try {
      for (const name of readdirSync(parent)) if (name.startsWith(prefix)) rmSync(join(parent, name), { recursive: true, force: true });
    } catch {
      // the parent is gone too
    }
  }
}

/** Puts the target back as it was before this handoff; safe to repeat, and a no-op for an unknown id. */
async function abort(d: TargetDeps, handoffId: string): Promise<{ undone: boolean }> {
  const pending = new HandoffPendingRepo(d.registry);
  const row = pending.get(handoffId);
  if (!row) return { undone: false };
  const u = row.undo;
  if (u.tmuxSession) {
    const life = await d.lifecycle();
    const { killSession } = await import('../../shell/tmux/tmux-server.js');
    await killSession(life.runner, life.tmux, u.tmuxSession).catch(() => undefined);
  }
  if (u.registeredSessionId) {
    const previous = u.previousSession as Session | null;
    d.registry.write(() => {
      if (previous) {
        if (d.sessions.get(previous.id)) d.sessions.update(previous.id, () => previous);
        else d.sessions.insert(previous);
      } else {
        d.sessions.remove(u.registeredSessionId!);
      }
    });
  }
  if (u.providerExistedBefore === false) {
    for (const p of u.importedPaths) rmSync(p, { recursive: true, force: true });
  }
  if (u.workspacePlaced) {
    if (u.workspaceStaging && !existsSync(u.workspaceStaging) && existsSync(u.targetPath)) renameSync(u.targetPath, u.workspaceStaging);
    if (u.backupPath && existsSync(u.backupPath) && !existsSync(u.targetPath)) renameSync(u.backupPath, u.targetPath);
  }
  cleanStaging(u);
  if (u.createdDir && existsSync(u.createdDir)) {
    // Only folders happier made and left empty go; anything else someone put there stays.
    removeEmptyUp(u.createdDir, u.placement === 'new' ? u.targetPath : dirname(u.targetPath));
  }
  if (u.trustGrant) {
    // Last: if the provider's config cannot be edited now, the row stays and the next recovery retries.
    const provider = await d.loadProvider(u.trustGrant.agent);
    provider.trust?.revoke(d.providerContext, u.trustGrant);
  }
  pending.remove(handoffId);
  return { undone: true };
}

function removeEmptyUp(top: string, deepest: string): void {
  for (let p = deepest; p.length >= top.length; p = dirname(p)) {
    if (existsSync(p)) {
      try {
        rmdirSync(p);
      } catch {
        return;
      }
    }
    if (p === top || dirname(p) === p) return;
  }
}
