/**
 * The one handoff coordinator, for the CLI and the TUI alike:
 * preflight → prepare target → quiesce → move state → workspace → register and resume on
 * the target → commit on the source → finalize on the target. The journal records each
 * step after it happened; a failure before the commit undoes the target and gives the
 * session back to the source.
 */
import { AGENTS, type Agent } from '../domain/agent.js';
import { HappierError, isHappierError } from '../domain/errors.js';
import { HANDOFF_PHASES, type HandoffPhase } from '../domain/handoff-journal.js';
import { resolveHandoffOptions, type HandoffFlags, type HandoffOptions } from '../domain/handoff-options.js';
import { preflightHandoff, type TargetProbe } from '../domain/handoff-preflight.js';
import { defaultTargetPath, type TargetPathChoice } from '../domain/handoff-target-path.js';
import type { Machine } from '../domain/machine.js';
import type { Session } from '../domain/session.js';
import { unsafeWorkspaceReason } from '../domain/workspace-safety.js';
import type { StateBundle } from '../providers/provider.js';
import type { JournalRow } from '../store/handoff-journal-repo.js';
import type { Peer } from '../transfer/peer-connector.js';
import { encodeBundle } from './bundle-wire.js';
import type { HandoffDeps } from './handoff-deps.js';
import { thisProcess } from './process-liveness.js';
import { abortOnTarget, commitOnSource, finalizeOnTarget, record, restartSource } from './handoff-steps.js';
import { sourceTrust } from './handoff-trust.js';
import type { PrepareResult, RegisterResult } from './target-handlers.js';

export interface HandoffRequest {
  /** A synced session selector, or a provider's own id for a direct session. */
  readonly selector: string;
  readonly to: string;
  readonly flags: HandoffFlags;
}

export type PhaseStatus = 'start' | 'done' | 'skipped' | 'failed';

export interface HandoffEvent {
  readonly phase: HandoffPhase;
  readonly label: string;
  readonly status: PhaseStatus;
  readonly detail?: string;
}

export interface HandoffPlan {
  readonly sessionId: string | null;
  readonly agent: Agent;
  readonly vendorSessionId: string;
  readonly direct: 'keep' | 'convert' | null;
  readonly source: { readonly machineId: string; readonly name: string; readonly cwd: string };
  readonly target: { readonly machineId: string; readonly name: string; readonly path: string; readonly pathChoice: TargetPathChoice; readonly placement: string };
  readonly workspace: {
    readonly enabled: boolean;
    readonly reason: string;
    readonly conflict: HandoffOptions['conflict'];
    readonly ignored: HandoffOptions['ignored'];
    readonly include: readonly string[];
    /** What the workspace sync would send, counted for a dry run; null otherwise. */
    readonly files: number | null;
    readonly bytes: number | null;
  };
  readonly stateFiles: readonly { readonly path: string; readonly bytes: number }[];
  readonly notes: readonly string[];
}

export interface HandoffResult {
  readonly handoffId: string;
  readonly dryRun: boolean;
  readonly plan: HandoffPlan;
  readonly ownerEpoch: number | null;
  readonly tmuxSession: string | null;
  readonly workspaceFiles: number | null;
  readonly workspaceBytes: number | null;
  readonly timingsMs: Readonly<Partial<Record<HandoffPhase, number>>>;
  /** Things that went wrong after the commit (finalize will be retried by the next run). */
  readonly warnings: readonly string[];
}

type Subject =
  | { kind: 'synced'; session: Session; agent: Agent; vendorSessionId: string; cwd: string }
  | { kind: 'direct'; agent: Agent; vendorSessionId: string; cwd: string; bundle: StateBundle };

export async function runHandoff(deps: HandoffDeps, req: HandoffRequest, onEvent: (e: HandoffEvent) => void = () => undefined): Promise<HandoffResult> {
  const settings = deps.settings.settings();
  const opts = resolveHandoffOptions(settings.handoff, req.flags);
  const subject = await resolveSubject(deps, req.selector);
  if (subject.kind === 'synced' && subject.session.archived) {
    // The target resumes what it takes; an archived session would fail there, after everything moved.
    throw new HappierError('ARCHIVED', `session ${subject.session.id.slice(0, 8)} is archived`, {
      hint: `bring it back with \`happier session unarchive ${subject.session.id.slice(0, 8)}\` first`,
    });
  }
  const self = deps.machines.self();
  const target = deps.machines.byName(req.to);
  const unsafe = unsafeWorkspaceReason({
    cwd: subject.cwd,
    realCwd: deps.realpath(subject.cwd),
    homeDir: deps.homeDir,
    realHome: deps.realpath(deps.homeDir),
  });
  const owner = subject.kind === 'synced' ? subject.session.ownerMachineId : self.id;
  const preflightInput = {
    agent: subject.agent,
    ownerMachineId: owner,
    selfMachineId: self.id,
    settings,
    targetName: req.to,
    target: target && (target.isSelf || target.id === self.id) ? { ...target, isSelf: true } : target,
    workspaceRequested: opts.workspace,
    unsafeWorkspace: unsafe,
  };
  const started = new Map<HandoffPhase, number>();
  const timings: Partial<Record<HandoffPhase, number>> = {};
  const label = (p: HandoffPhase) => HANDOFF_PHASES.find((x) => x.id === p)!.label;
  const emit = (phase: HandoffPhase, status: PhaseStatus, detail?: string) => {
    if (status === 'start') started.set(phase, performance.now());
    if (status === 'done' || status === 'skipped' || status === 'failed') {
      const t0 = started.get(phase);
      if (t0 !== undefined) timings[phase] = Math.round(performance.now() - t0);
    }
    onEvent({ phase, label: label(phase), status, ...(detail ? { detail } : {}) });
  };

  emit('prepare', 'start', `connecting to ${req.to}`);
  // Refusals that need no connection come first, in preflight's own order.
  preflightHandoff({ ...preflightInput, probe: { online: true, providers: [subject.agent], happierVersion: '' } });
  const machine = target!;
  const { peer, probe } = await reach(deps, machine);
  if (peer && !peer.info.handlers.rpcs.includes('handoff.register')) {
    throw new HappierError('PEER_INCOMPATIBLE', `${machine.name} has no happier installed, so it cannot take a session`, {
      hint: `install happier ${peer.info.happierVersion} on ${machine.name} (the uploaded agent can copy files but has no registry)`,
      details: { reason: 'no-registry', flavor: peer.info.flavor },
    });
  }
  const pre = preflightHandoff({ ...preflightInput, probe });
  const p = peer!;
  if (p.info.machineId && p.info.machineId !== machine.id) {
    throw new HappierError('PEER_INCOMPATIBLE', `the machine at ${machine.sshTarget} is not ${machine.name} any more (its id changed)`, {
      hint: `remove and add it again: \`happier machine rm ${machine.name}\`, then \`happier machine add\``,
      details: { reason: 'machine-id-changed' },
    });
  }

  if (subject.kind === 'direct') {
    const writer = await deps.directInUse({ agent: subject.agent, vendorSessionId: subject.vendorSessionId, cwd: subject.cwd });
    if (writer) {
      throw new HappierError('ALREADY_ACTIVE', `${subject.agent} session ${subject.vendorSessionId} is in use${writer.pid ? ` by process ${writer.pid}` : ''}`, {
        hint: `quit that ${subject.agent} first: a session still being written would arrive incomplete`,
        details: { pid: writer.pid },
      });
    }
  }
  const workspace = pre.workspace;
  const sessionKey = subject.kind === 'synced' ? subject.session.id : subject.vendorSessionId;
  if (deps.journal.openEntries().some((r) => r.sessionId === sessionKey)) {
    throw new HappierError('CONFLICT', `another handoff of this session is in progress or was interrupted`, {
      hint: '`happier doctor` shows it; `happier handoff --recover <journal-id>` finishes or undoes an interrupted one',
    });
  }
  const handoffId = deps.newId();
  const chosen = defaultTargetPath({ sourceCwd: subject.cwd, sourceHome: deps.homeDir, targetHome: p.info.homeDir, flag: opts.targetPath });
  const sessionId = subject.kind === 'synced' ? subject.session.id : subject.vendorSessionId;
  const prepareParams = {
    handoffId,
    sessionId,
    agent: subject.agent,
    targetPath: chosen.path,
    workspace,
    conflict: opts.conflict,
    confirmed: opts.confirmed,
  };
  let look = await p.agent.endpoint.call<PrepareResult>('handoff.prepare', { ...prepareParams, dryRun: true });
  let confirmed = opts.confirmed;
  if (look.needsConfirmation) {
    if (opts.dryRun) {
      // A dry run shows the plan as it would be once confirmed.
      look = { ...look, placement: 'replace' };
    } else if (await deps.confirmReplace(look.needsConfirmation, machine.name)) {
      confirmed = true;
      look = await p.agent.endpoint.call<PrepareResult>('handoff.prepare', { ...prepareParams, confirmed, dryRun: true });
    } else {
      throw new HappierError('CONFLICT', `${look.needsConfirmation} already exists on ${machine.name}`, {
        hint: 'confirm replacing it with --yes (the old tree is kept until the new one is complete), or use --conflict sibling',
        details: { path: look.needsConfirmation },
      });
    }
  }

  const bundle = subject.kind === 'direct' ? subject.bundle : await (await deps.loadProvider(subject.agent)).exportBundle(deps.providerContext, subject.vendorSessionId);
  const notes = [...pre.notes];
  if (look.placement === 'sibling') notes.push(`${chosen.path} exists on ${machine.name}, so the session goes to the sibling ${look.targetPath}`);
  const trust = await sourceTrust(deps, subject.agent, subject.cwd, { name: machine.name, path: look.targetPath });
  if (trust.note) notes.push(trust.note);
  const plan: HandoffPlan = {
    sessionId: subject.kind === 'synced' ? subject.session.id : null,
    agent: subject.agent,
    vendorSessionId: subject.vendorSessionId,
    direct: subject.kind === 'direct' ? opts.directMode : null,
    source: { machineId: self.id, name: self.name, cwd: subject.cwd },
    target: { machineId: machine.id, name: machine.name, path: look.targetPath, pathChoice: chosen.choice, placement: look.placement ?? 'new' },
    workspace: {
      enabled: workspace,
      reason: workspace ? (req.flags.workspace === true ? '--workspace' : 'handoff.workspace setting') : unsafe && opts.workspace ? unsafe : req.flags.workspace === false ? '--no-workspace' : 'handoff.workspace setting is off',
      conflict: opts.conflict,
      ignored: opts.ignored,
      include: opts.ignored === 'include-selected' ? opts.include : [],
      ...(await workspaceCount(deps, workspace && opts.dryRun, subject.cwd, opts)),
    },
    stateFiles: bundle.files.map((f) => ({ path: f.path, bytes: f.data.length })),
    notes,
  };
  const base = { handoffId, plan, timingsMs: timings };
  if (opts.dryRun) {
    emit('prepare', 'done', 'dry run');
    return { ...base, dryRun: true, ownerEpoch: null, tmuxSession: null, workspaceFiles: null, workspaceBytes: null, warnings: [] };
  }

  const fromEpoch = subject.kind === 'synced' ? subject.session.ownerEpoch : 0;
  deps.journal.open({
    id: handoffId,
    sessionId,
    targetMachineId: machine.id,
    fromEpoch,
    plan: {
      targetName: machine.name,
      targetPath: look.targetPath,
      workspace,
      agent: subject.agent,
      vendorSessionId: subject.vendorSessionId,
      directMode: subject.kind === 'direct' ? opts.directMode : null,
      runner: thisProcess(),
    },
  });

  let wasRunning = false;
  let swapped = false;
  let row: JournalRow;
  let workspaceFiles: number | null = null;
  let workspaceBytes: number | null = null;
  let reg: RegisterResult;
  try {
    const prepared = await p.agent.endpoint.call<PrepareResult>('handoff.prepare', { ...prepareParams, confirmed, dryRun: false });
    if (prepared.needsConfirmation || prepared.targetPath !== look.targetPath) {
      throw new HappierError('CONFLICT', `${look.targetPath} on ${machine.name} changed while the handoff was being prepared`, { hint: 'run the handoff again' });
    }
    record(deps, handoffId, 'target-prepared', p);
    emit('prepare', 'done', `${machine.name}:${look.targetPath}`);

    emit('move', 'start');
    if (subject.kind === 'synced') {
      const life = await deps.lifecycle();
      const { isRunning } = await import('../lifecycle/session-facts.js');
      wasRunning = await isRunning(life, subject.session);
      if (wasRunning) {
        const { stopSession } = await import('../lifecycle/stop-session.js');
        await stopSession(life, subject.session.id);
      }
    }
    record(deps, handoffId, 'source-quiesced', p, { sourceWasRunning: wasRunning });

    // Exported again after the stop, so the last turns the provider wrote are in it.
    const finalBundle = subject.kind === 'direct' ? bundle : await (await deps.loadProvider(subject.agent)).exportBundle(deps.providerContext, subject.vendorSessionId);
    const wire = encodeBundle(finalBundle, { sourceTrusted: trust.trusted });
    await sendState(p, handoffId, wire);
    record(deps, handoffId, 'state-moved', p);

    if (workspace && prepared.workspaceStaging) {
      const { pushTree } = await import('../transfer/remote-tree-sync.js');
      const r = await pushTree(p.agent.endpoint, deps.realpath(subject.cwd) ?? subject.cwd, prepared.workspaceStaging, {
        send: { ignoreRules: true, ...(opts.ignored === 'include-selected' && opts.include.length ? { include: [...opts.include] } : {}), env: deps.env },
      });
      workspaceFiles = r.sent.filesSent;
      workspaceBytes = r.sent.literalBytes + r.sent.matchedBytes;
      record(deps, handoffId, 'workspace-synced', p);
    }
    emit('move', 'done', workspace ? `${bundle.files.length} state file(s) and the workspace` : `${bundle.files.length} state file(s)`);

    emit('resume', 'start');
    const newSession: Session | null =
      subject.kind === 'synced'
        ? { ...subject.session, ownerEpoch: fromEpoch + 1, cwd: look.targetPath, updatedAt: deps.now().toISOString() }
        : opts.directMode === 'convert'
          ? convertedSession(deps, subject, look.targetPath, settings.backends.codex.path)
          : null;
    reg = await p.agent.endpoint.call<RegisterResult>('handoff.register', {
      handoffId,
      session: newSession,
      resume: subject.kind === 'synced',
    });
    row = record(deps, handoffId, 'target-registered', p);
    emit('resume', reg.tmuxSession ? 'done' : 'skipped', reg.tmuxSession ? `tmux session ${reg.tmuxSession}` : 'a direct session is not started');

    emit('commit', 'start');
    if (subject.kind === 'synced') {
      // Someone may have resumed it here while it moved; two live copies must not both think they own it.
      const { isRunning } = await import('../lifecycle/session-facts.js');
      const now = deps.sessions.get(subject.session.id);
      if (now && (await isRunning(await deps.lifecycle(), now))) {
        throw new HappierError('CONFLICT', `session ${now.id.slice(0, 8)} was started again on ${self.name} during the handoff`, {
          hint: 'stop it here, then hand it off again',
        });
      }
    }
    await commitOnSource(deps, row, p, () => (swapped = true));
  } catch (err) {
    const failure = isHappierError(err) ? err : new HappierError('INTERNAL', (err as Error)?.message ?? String(err), { cause: err });
    const current = deps.journal.get(handoffId)!;
    if (current.step === 'committed' || swapped) {
      throw new HappierError(failure.code, failure.message, {
        hint: `ownership already moved to ${machine.name}; the next happier run finishes the handoff (or \`happier handoff --recover ${handoffId}\`)`,
        details: { ...failure.details, handoffId, rolledBack: false },
        cause: err,
      });
    }
    const phase = ([...started.keys()].pop() ?? 'prepare') as HandoffPhase;
    emit(phase, 'failed', failure.message);
    const undone = await rollBack(deps, machine, handoffId, subject.kind === 'synced' ? subject.session.id : null, wasRunning);
    throw new HappierError(failure.code, failure.message, {
      hint: undone.ok
        ? `nothing moved: the session stays on ${self.name}${undone.restartNote ? ` (${undone.restartNote})` : ''}${failure.hint ? `; ${failure.hint}` : ''}`
        : `the handoff was interrupted and is undone by the next happier run, or now with \`happier handoff --recover ${handoffId}\``,
      details: { ...failure.details, handoffId, rolledBack: undone.ok },
      cause: err,
    });
  }

  const warnings: string[] = [];
  try {
    await finalizeOnTarget(deps, deps.journal.get(handoffId)!, await deps.connect(machine));
  } catch (err) {
    warnings.push(`${machine.name} has not cleaned up yet (${(err as Error).message}); the next happier run finishes it`);
  }
  emit('commit', 'done', subject.kind === 'synced' ? `${machine.name} owns the session (epoch ${fromEpoch + 1})` : `state imported on ${machine.name}`);
  return {
    ...base,
    dryRun: false,
    ownerEpoch: subject.kind === 'synced' ? fromEpoch + 1 : null,
    tmuxSession: reg.tmuxSession,
    workspaceFiles,
    workspaceBytes,
    warnings,
  };
}

/** The files a dry run says would move: the sender's own list, with its ignore rules. */
async function workspaceCount(deps: HandoffDeps, count: boolean, cwd: string, opts: HandoffOptions): Promise<{ files: number | null; bytes: number | null }> {
  if (!count) return { files: null, bytes: null };
  const { buildFileList } = await import('../transfer/tree-sync/file-list.js');
  const list = buildFileList(deps.realpath(cwd) ?? cwd, {
    ignoreRules: true,
    ...(opts.ignored === 'include-selected' && opts.include.length ? { include: [...opts.include] } : {}),
    env: deps.env,
  });
  const files = list.entries.filter((e) => e.type === 'file');
  return { files: files.length, bytes: files.reduce((n, e) => n + e.size, 0) };
}

const STATE_CHUNK = 4 * 1024 * 1024;

/** Streams the bundle to the target, which keeps it (verified by hash) until register applies it. */
async function sendState(p: Peer, handoffId: string, wire: ReturnType<typeof encodeBundle>): Promise<void> {
  const stream = p.agent.endpoint.open('handoff.stage-state', { handoffId, header: wire.header });
  try {
    for (let at = 0; at < wire.body.length; at += STATE_CHUNK) await stream.send(null, wire.body.subarray(at, at + STATE_CHUNK));
    stream.end();
  } catch (err) {
    stream.abort(err);
    throw err;
  }
  await stream.result;
}

function convertedSession(
  deps: HandoffDeps,
  s: Extract<Subject, { kind: 'direct' }>,
  cwd: string,
  codexPath: Session['backend'],
): Session {
  const at = deps.now().toISOString();
  return {
    id: deps.newId(),
    agent: s.agent,
    backend: s.agent === 'codex' ? codexPath : 'cli',
    vendorSessionId: s.vendorSessionId,
    title: '',
    cwd,
    ownerMachineId: '',
    ownerEpoch: 0,
    archived: false,
    createdAt: at,
    updatedAt: at,
    lastActivityAt: at,
    terminal: null,
  };
}

/** Undoes the target and gives the session back; reports whether the journal could be closed. */
async function rollBack(
  deps: HandoffDeps,
  machine: Machine,
  handoffId: string,
  sessionId: string | null,
  wasRunning: boolean,
): Promise<{ ok: boolean; restartNote: string | null }> {
  let ok = true;
  try {
    await abortOnTarget(await deps.connect(machine), handoffId);
  } catch {
    ok = false;
  }
  const restartNote = wasRunning && sessionId ? await restartSource(deps, sessionId) : null;
  if (ok) deps.journal.advance(handoffId, 'rolled-back');
  else deps.journal.noteError(handoffId, 'the target could not be reached to undo');
  return { ok, restartNote };
}

const FIX_HERE = new Set(['HOST_KEY_UNKNOWN', 'HOST_KEY_CHANGED', 'HOST_UNRESOLVED', 'PEER_INCOMPATIBLE']);

async function reach(deps: HandoffDeps, machine: Machine): Promise<{ peer: Peer | null; probe: TargetProbe }> {
  const presence = await deps.presence(machine.id).catch(() => 'unknown' as const);
  try {
    const peer = await deps.connect(machine);
    return { peer, probe: { online: true, providers: peer.info.providers as Agent[], happierVersion: peer.info.happierVersion } };
  } catch (err) {
    // What the user must fix here (a key, an address) is reported as itself, not as "offline".
    if (isHappierError(err) && (FIX_HERE.has(err.code) || (err.code === 'SSH_FAILED' && err.details.reason === 'auth'))) throw err;
    const why = presence === 'offline' ? 'the sync server has not heard from it' : ((err as Error)?.message ?? String(err));
    return { peer: null, probe: { online: false, reason: why } };
  }
}

/** A synced session by its selector, else a direct one by a provider's own id. */
async function resolveSubject(deps: HandoffDeps, selector: string): Promise<Subject> {
  if (deps.sessions.candidates(selector).length > 0) {
    const session = deps.sessions.resolve(selector);
    if (!session.vendorSessionId) {
      throw new HappierError('NOT_RESUMABLE', `session ${session.id.slice(0, 8)} has no provider id yet, so there is no state to move`, {
        hint: 'resume it once here so the provider records it, then hand it off',
        details: { reason: 'missing-id' },
      });
    }
    return { kind: 'synced', session, agent: session.agent, vendorSessionId: session.vendorSessionId, cwd: session.cwd };
  }
  for (const agent of AGENTS) {
    const provider = await deps.loadProvider(agent).catch(() => null);
    if (!provider || !provider.isVendorId(selector)) continue;
    try {
      const bundle = await provider.exportBundle(deps.providerContext, selector);
      return { kind: 'direct', agent, vendorSessionId: bundle.vendorSessionId, cwd: bundle.sourceCwd, bundle };
    } catch (err) {
      if (isHappierError(err) && err.code === 'NOT_FOUND') continue;
      throw err;
    }
  }
  // Neither: the registry's own NOT_FOUND (or AMBIGUOUS) says so best.
  return deps.sessions.resolve(selector) as never;
}
