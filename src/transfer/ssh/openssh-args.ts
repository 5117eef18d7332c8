/**
 * The argv of every `ssh` happier runs. One master per connection logs in; every command
 * after that is a mux client of it and costs no login. Pure.
 */
import { escapePercent } from './openssh-config.js';

/**
 * How long an idle master outlives its last client. happier ends its masters itself; this
 * only bounds how long one lingers after happier was killed before it could.
 */
export const CONTROL_PERSIST_S = 60;

/** `ssh -G`: what the user's config (or none at all) makes of the destination. */
export function resolveArgs(userConfig: string | null, destination: readonly string[]): string[] {
  return ['-G', '-F', userConfig ?? 'none', ...destination];
}

export interface MasterArgs {
  readonly overlayConfig: string;
  readonly controlPath: string;
  readonly identityFile: string | null;
  readonly destination: readonly string[];
}

/**
 * -v: the host key fingerprint and "Permanently added" lines come only at debug level.
 * ControlPersist makes the foreground ssh exit 0 once the master listens, which is the
 * ready signal; the master keeps stderr, so its end is the end of the connection.
 */
export function masterArgs(a: MasterArgs): string[] {
  return [
    '-v',
    '-F', a.overlayConfig,
    '-M', '-N', '-T',
    '-S', escapePercent(a.controlPath),
    '-o', `ControlPersist=${CONTROL_PERSIST_S}`,
    // The user's LocalForward lines belong to their own sessions, not to happier's.
    '-o', 'ClearAllForwardings=yes',
    ...(a.identityFile ? ['-i', escapePercent(a.identityFile)] : []),
    ...a.destination,
  ];
}

/**
 * A command over the master. `-F none`: the master already holds the config. A mux client
 * that cannot reach the master falls back to a login of its own; ProxyCommand=false makes
 * that fallback fail instead, so a dead master never turns into a silent second login.
 */
export function muxArgs(controlPath: string, alias: string, command: string): string[] {
  return [...muxBase(controlPath), '-o', 'ProxyCommand=false', '-T', '--', alias, command];
}

export function controlArgs(controlPath: string, alias: string, op: 'check' | 'exit'): string[] {
  return [...muxBase(controlPath), '-O', op, '--', alias];
}

function muxBase(controlPath: string): string[] {
  return ['-F', 'none', '-S', escapePercent(controlPath), '-o', 'ControlMaster=no', '-o', 'BatchMode=yes'];
}
