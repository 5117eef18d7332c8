import { HappierError } from '../domain/errors.js';
import type { SendRequest, SendResult, SentTurn } from '../domain/message-send.js';
import { paneReady, type PaneSample } from '../domain/pane-ready.js';
import { findSentTurn, finishedReply, isMidTurn, type TurnLike } from '../domain/sent-turns.js';
import type { Session } from '../domain/session.js';
import type { Provider } from '../providers/provider.js';
import type { SendRow, SendsRepo } from '../store/sends-repo.js';
import { captureScreen } from '../../shell/tmux/tmux-capture.js';
import { pasteAndSubmit } from '../../shell/tmux/tmux-paste.js';
import { tmuxSessionName } from '../../shell/tmux/tmux-argv.js';
import type { LifecycleDeps } from './lifecycle-deps.js';
import { notOwner } from './resume-checks.js';
import { resumeSession } from './resume-session.js';
import { isRunning, otherOwner, recordedServer } from './session-facts.js';

/** How long a send waits for things; tests shorten them through the environment. */
export interface SendTiming {
  /** For a pane to show the provider's prompt after a resume. */
  readonly readyMs: number;
  /** For the provider to write the sent text into its transcript as a user turn. */
  readonly confirmMs: number;
  /** Between transcript and screen looks. */
  readonly pollMs: number;
  /** Between the paste and Enter, so the TUI has read all of the paste. */
  readonly settleMs: number;
  /** A screen unchanged this long counts as ready when no marker shows. */
  readonly stableMs: number;
}

const DEFAULT_SEND_TIMING: SendTiming = { readyMs: 45_000, confirmMs: 30_000, pollMs: 250, settleMs: 400, stableMs: 2_000 };

/** HAPPIER_SEND_READY_MS and HAPPIER_SEND_CONFIRM_MS override the defaults. */
export function sendTimingFromEnv(env: Readonly<Record<string, string | undefined>>): SendTiming {
  const ms = (name: string, fallback: number) => {
    const n = Number(env[name]);
    return env[name] && Number.isFinite(n) && n >= 0 ? n : fallback;
  };
  return {
    ...DEFAULT_SEND_TIMING,
    readyMs: ms('HAPPIER_SEND_READY_MS', DEFAULT_SEND_TIMING.readyMs),
    confirmMs: ms('HAPPIER_SEND_CONFIRM_MS', DEFAULT_SEND_TIMING.confirmMs),
  };
}

export interface SendDeps {
  readonly lifecycle: LifecycleDeps;
  readonly sends: SendsRepo;
  /** This machine's name, for the result. */
  readonly machineName: string;
  readonly timing: SendTiming;
}

/**
 * Delivers the user's next message to a session this machine owns, as a real user turn.
 * Running: pasted into its pane. Inactive: a strict resume first, detached, then pasted;
 * a resume that fails is the error, never a fresh conversation. A send id that was taken
 * before is answered from the record and never typed in again.
 */
export async function sendMessage(deps: SendDeps, req: SendRequest): Promise<SendResult> {
  const L = deps.lifecycle;
  const session = L.sessions.resolve(req.session);
  const prior = deps.sends.get(req.sendId);
  if (prior) return duplicate(deps, session, prior, req);
  if (!req.text.trim()) throw new HappierError('USAGE', 'the message is empty', { hint: 'give the text as arguments, or `-` to read it from stdin' });
  refuseSend(L, session);

  const provider = await L.loadProvider(session.agent);
  const running = await isRunning(L, session);
  if (running && !session.vendorSessionId && req.wait) {
    throw new HappierError('NOT_RESUMABLE', `session ${short(session)} has no provider session id yet, so its reply cannot be read`, {
      hint: `send without --wait, or attach with \`happier attach ${short(session)}\``,
      details: { reason: 'missing-id' },
    });
  }
  if (!deps.sends.claim(req.sendId, session.id)) return duplicate(deps, session, deps.sends.get(req.sendId)!, req);

  let current = session;
  let queued = false;
  try {
    if (running) {
      const mid = isMidTurn(await recentTurns(L, provider, current));
      if (mid && !req.queue) {
        throw new HappierError('BUSY', `session ${short(session)} is in the middle of a turn`, {
          hint: 'send again when it is idle, or leave out --no-queue to let the provider queue the message',
        });
      }
      queued = mid;
    } else {
      current = (await resumeSession(L, session.id)).session;
    }
    await waitForPrompt(deps, provider, current);
  } catch (err) {
    deps.sends.release(req.sendId);
    throw err;
  }

  const since = L.clock.now().getTime();
  const server = current.terminal?.kind === 'tmux' ? recordedServer(L, current.terminal) : L.tmux;
  try {
    await pasteAndSubmit(L.runner, server, tmuxSessionName(current.id), req.text, `happier-send-${req.sendId}`, () =>
      L.clock.sleep(deps.timing.settleMs),
    );
  } catch (err) {
    deps.sends.release(req.sendId);
    throw err;
  }
  const base: SendResult = {
    sendId: req.sendId,
    sessionId: current.id,
    vendorSessionId: current.vendorSessionId ?? '',
    delivery: running ? 'pasted' : 'resumed',
    queued,
    machineName: deps.machineName,
    reply: null,
  };
  // From here the text is in the provider: the id stays taken whatever happens next.
  deps.sends.delivered(req.sendId, base);
  L.sessions.update(current.id, (s) => ({ ...s, lastActivityAt: new Date(since).toISOString() }));

  if (!current.vendorSessionId || (queued && !req.wait)) return base;
  const turn = await waitForTurn(deps, provider, current, req.text, since, req.wait ? req.timeoutMs : deps.timing.confirmMs);
  if (turn < 0) {
    if (req.wait) throw sendTimeout(current, req, 'the provider did not take the message as a turn');
    throw new HappierError('PROVIDER_FAILED', `the message went into ${short(current)}'s pane, but ${current.agent} did not take it as a turn`, {
      hint: `look with \`happier attach ${short(current)}\`; it may be waiting on a dialog`,
      details: { sendId: req.sendId },
    });
  }
  if (!req.wait) return base;
  const reply = await waitForReply(deps, provider, current, req.text, since, req.timeoutMs);
  if (!reply) throw sendTimeout(current, req, 'no reply landed');
  const done = { ...base, reply };
  deps.sends.delivered(req.sendId, done);
  return done;
}

function refuseSend(L: LifecycleDeps, s: Session): void {
  if (s.archived) {
    throw new HappierError('ARCHIVED', `session ${short(s)} is archived, so it takes no messages`, {
      hint: `bring it back with \`happier session unarchive ${short(s)}\` first`,
    });
  }
  if (s.ownerMachineId !== L.selfMachineId) {
    throw notOwner(s, otherOwner(L, s), 'send');
  }
}

/** A send id seen before: the first delivery's result, and under --wait the reply to that turn. */
async function duplicate(deps: SendDeps, session: Session, prior: SendRow, req: SendRequest): Promise<SendResult> {
  const first = prior.result;
  const result: SendResult = {
    sendId: req.sendId,
    sessionId: prior.sessionId,
    vendorSessionId: first?.vendorSessionId ?? session.vendorSessionId ?? '',
    delivery: 'duplicate',
    queued: first?.queued ?? false,
    machineName: deps.machineName,
    reply: first?.reply ?? null,
  };
  if (!req.wait || result.reply || !session.vendorSessionId) return result;
  const provider = await deps.lifecycle.loadProvider(session.agent);
  const reply = await waitForReply(deps, provider, session, req.text, Date.parse(prior.createdAt), req.timeoutMs);
  if (!reply) throw sendTimeout(session, req, 'no reply landed');
  return { ...result, reply };
}

const TAIL = 40;

async function recentTurns(L: LifecycleDeps, provider: Provider, s: Session): Promise<TurnLike[]> {
  if (!s.vendorSessionId) return [];
  try {
    return [...(await provider.readTranscript(L.providerContext, s.vendorSessionId, { lastMessages: TAIL })).messages];
  } catch (err) {
    // No transcript yet: a session that never got a first message.
    if (err instanceof HappierError && err.code === 'NOT_FOUND') return [];
    throw err;
  }
}

async function waitForPrompt(deps: SendDeps, provider: Provider, s: Session): Promise<void> {
  const L = deps.lifecycle;
  const server = s.terminal?.kind === 'tmux' ? recordedServer(L, s.terminal) : L.tmux;
  const name = tmuxSessionName(s.id);
  const samples: PaneSample[] = [];
  const until = L.clock.now().getTime() + deps.timing.readyMs;
  for (;;) {
    const screen = await captureScreen(L.runner, server, name);
    if (screen === null) {
      throw new HappierError('PROVIDER_FAILED', `${s.agent} in ${name} ended before it took the message`, {
        hint: `\`happier resume ${short(s)}\` shows the provider's own words`,
      });
    }
    const atMs = L.clock.now().getTime();
    samples.push({ atMs, screen });
    if (paneReady(samples, provider.promptMarkers, deps.timing.stableMs)) return;
    if (atMs >= until) {
      throw new HappierError('PROVIDER_FAILED', `${s.agent} in ${name} did not show its prompt within ${Math.round(deps.timing.readyMs / 1000)} s`, {
        hint: `look with \`happier attach ${short(s)}\`; it may be waiting on a dialog or a login`,
      });
    }
    await L.clock.sleep(deps.timing.pollMs);
  }
}

/** Reads the transcript until `look` finds what it wants or `timeoutMs` passes; the last look's answer either way. */
async function pollTranscript<T>(
  deps: SendDeps,
  provider: Provider,
  s: Session,
  timeoutMs: number,
  look: (turns: TurnLike[]) => T,
  found: (v: T) => boolean,
): Promise<T> {
  const L = deps.lifecycle;
  const until = L.clock.now().getTime() + timeoutMs;
  for (;;) {
    const v = look(await recentTurns(L, provider, s));
    if (found(v) || L.clock.now().getTime() >= until) return v;
    await L.clock.sleep(deps.timing.pollMs);
  }
}

function waitForTurn(deps: SendDeps, provider: Provider, s: Session, text: string, since: number, timeoutMs: number): Promise<number> {
  return pollTranscript(deps, provider, s, timeoutMs, (turns) => findSentTurn(turns, text, since), (i) => i >= 0);
}

async function waitForReply(deps: SendDeps, provider: Provider, s: Session, text: string, since: number, timeoutMs: number): Promise<SentTurn | null> {
  const reply = await pollTranscript(deps, provider, s, timeoutMs, (turns) => finishedReply(turns, findSentTurn(turns, text, since)), (r) => r !== null);
  return reply ? { role: 'assistant', text: reply.text, at: reply.at } : null;
}

function sendTimeout(s: Session, req: SendRequest, why: string): HappierError {
  return new HappierError('SEND_TIMEOUT', `the message reached ${short(s)}, but ${why} within ${Math.round(req.timeoutMs / 1000)} s`, {
    hint: `read the reply later with \`happier session show ${short(s)} --messages 2\`; sending again with --send-id ${req.sendId} --wait waits without sending twice`,
    details: { sendId: req.sendId },
  });
}

function short(s: Session): string {
  return s.id.slice(0, 8);
}
