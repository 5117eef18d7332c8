import { ERROR_CODES, HappierError, type ErrorCode } from '../domain/errors.js';
import type { Machine } from '../domain/machine.js';
import type { SendRequest, SendResult } from '../domain/message-send.js';
import type { ProcessRunner, RunResult } from '../domain/process-runner.js';
import { reachOf } from '../lifecycle/remote-session.js';
import { sshHappierArgv } from '../../shell/ssh-line.js';
import { sshRunFailure } from '../transfer/ssh/ssh-run-failure.js';

/** What a send over ssh needs of the CLI: the environment (HAPPIER_SSH_CONFIG, …) and a way to run ssh. */
export interface SshSendContext {
  readonly io: { readonly env: Readonly<Record<string, string | undefined>> };
}

/** Beyond --wait's own timeout, how long the owner may take to log in, resume and answer. */
const SLACK_MS = 120_000;

/**
 * Runs the send on the owning machine: `happier send --json --send-id …  <session> -` over
 * the system ssh, the text on stdin (never on argv, where `ps` on either end would show
 * it). The send id goes through unchanged, so a retry is deduplicated by the owner.
 */
export async function sendOverSsh(ctx: SshSendContext, machine: Machine, req: SendRequest, runner?: ProcessRunner): Promise<SendResult> {
  const reach = reachOf(machine, ctx.io.env);
  if (!reach) {
    throw new HappierError('MACHINE_UNKNOWN', `happier does not know how to reach ${machine.name} over ssh`, {
      hint: `add it with \`happier machine add ${machine.name} <ssh-target>\``,
      details: { machine: machine.name },
    });
  }
  const [bin, ...args] = sshHappierArgv(reach, remoteSendArgs(req), { tty: false });
  const run = runner ?? (await import('../../shell/node-process-runner.js')).nodeProcessRunner;
  const res = await run.run(bin!, args, { env: ctx.io.env, input: req.text, timeoutMs: (req.wait ? req.timeoutMs : 0) + SLACK_MS });
  return sendResultOf(res, machine);
}

/** The owner's `happier send` argv for a request. Pure. */
export function remoteSendArgs(req: SendRequest): string[] {
  return [
    'send', '--json', '--send-id', req.sendId,
    ...(req.wait ? ['--wait', '--timeout', String(req.timeoutMs / 1000)] : []),
    ...(req.queue ? [] : ['--no-queue']),
    '--', req.session, '-',
  ];
}

/**
 * The owner's JSON envelope as this side's result, or its error rethrown under the same
 * code. No envelope and exit 255 is ssh failing to connect: nothing reached the owner. Pure.
 */
export function sendResultOf(res: RunResult, machine: Pick<Machine, 'name' | 'environment' | 'sshTarget'>): SendResult {
  const envelope = parseEnvelope(res.stdout);
  if (envelope?.ok === true) return envelope.data as SendResult;
  if (envelope?.ok === false && envelope.error) {
    const e = envelope.error;
    const code: ErrorCode = (ERROR_CODES as readonly string[]).includes(e.code) ? (e.code as ErrorCode) : 'PROTOCOL';
    throw new HappierError(code, String(e.message), { ...(e.hint ? { hint: String(e.hint) } : {}), details: { ...(e.details ?? {}), machine: machine.name } });
  }
  const why = lastLine(res.stderr);
  if (res.code === 255) {
    const cause = machine.sshTarget ? sshRunFailure(res.stderr, machine.name, machine.sshTarget) : null;
    if (cause) throw new HappierError(cause.code, `${cause.message}; nothing was sent`, { ...(cause.hint ? { hint: cause.hint } : {}), details: cause.details });
    const seen = machine.environment?.probedAt ? `last seen ${machine.environment.probedAt.slice(0, 16).replace('T', ' ')} UTC` : 'never seen';
    throw new HappierError('MACHINE_OFFLINE', `${machine.name} cannot be reached over ssh (${seen}); nothing was sent`, {
      hint: `check that ${machine.name} is on and its SSH server runs (\`happier machine ping ${machine.name}\`)${why ? `; ssh said: ${why}` : ''}`,
      details: { machine: machine.name, lastSeenAt: machine.environment?.probedAt ?? null },
    });
  }
  throw new HappierError('PROTOCOL', `happier on ${machine.name} gave no answer to the send (exit ${res.code ?? res.signal})${why ? `: ${why}` : ''}`, {
    hint: `check that happier on ${machine.name} knows \`send\` (\`happier machine ping ${machine.name}\`); retry with the same --send-id, it will not deliver twice`,
    details: { machine: machine.name, exitCode: res.code },
  });
}

interface Envelope {
  readonly ok: boolean;
  readonly data?: unknown;
  readonly error?: { code: string; message: unknown; hint?: unknown; details?: Record<string, unknown> };
}

function parseEnvelope(stdout: string): Envelope | null {
  // A chatty login profile may print before happier does; the envelope is the last line.
  const line = stdout.trim().split('\n').pop() ?? '';
  try {
    const v = JSON.parse(line) as Envelope;
    return v && typeof v === 'object' && typeof v.ok === 'boolean' ? v : null;
  } catch {
    return null;
  }
}

function lastLine(s: string): string {
  return s.trim().split('\n').pop()?.trim() ?? '';
}
