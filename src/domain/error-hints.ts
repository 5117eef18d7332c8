import type { ErrorCode, HappierError } from './errors.js';

/**
 * The next step for each code, when the place that failed has no better one of its own.
 * Typed by every code, so a new code cannot land without its hint; each names something
 * to run, a flag or a file, and no two codes share one.
 */
export const ERROR_HINTS: Readonly<Record<ErrorCode, string>> = {
  NOT_FOUND: '`happier session list --all` shows every session by id; `happier machine list` the machines',
  AMBIGUOUS: 'type more of the id, enough to match one of the candidates (`happier session list` shows them)',
  ARCHIVED: 'bring it back first with `happier session unarchive <id>`',
  ALREADY_ACTIVE: 'it is running already: reconnect to it with `happier attach <id>`',
  NOT_RESUMABLE: '`happier session show <id>` says why it cannot resume; `happier new` starts a fresh one',
  NOTHING_TO_RESUME: 'it never got a first message: `happier new` starts a session to give one (attach to it while it runs)',
  PATH_MISSING: "restore the session's folder on this machine; `happier session show <id>` shows its path",
  MACHINE_OFFLINE: 'check that the machine is on and its SSH server runs: `happier machine ping <name>`',
  HOST_UNRESOLVED: "the machine's name does not resolve: check its HostName in ~/.ssh/config, DNS, or /etc/hosts",
  MACHINE_UNKNOWN: 'add it with `happier machine add <name> <ssh-target>`; `happier machine list` shows the known ones',
  UNSUPPORTED_PROVIDER: 'use a provider that can do this: `happier new --agent claude`, or see `happier doctor`',
  UNSAFE_PATH: 'pick a project folder, not / or your home: --target-path <dir>, or --no-workspace',
  CONFLICT: 'the message names what is already there: remove or rename it; a handoff takes --conflict sibling or --yes',
  PROVIDER_FAILED: "its words are quoted above; run the provider once yourself (e.g. `claude`) to see the rest",
  PROVIDER_MISSING: 'install the provider CLI with `npm i -g <package>`, or set HAPPIER_<AGENT>_BIN to its path',
  PROVIDER_LOGIN: 'run the provider once by hand (`claude`) to finish its set-up and log in, then try again',
  PAIRING_EXPIRED: 'codes live two minutes: make a new one with `happier pair issue <id>` on the issuing device',
  PAIRING_REVOKED: 'the issuer cancelled it; ask them for a new one (`happier pair issue <id>`)',
  PAIRING_CLAIMED: 'codes are single-use; `happier pair issue <id>` makes another',
  USAGE: 'add --help to the command to see its arguments and options',
  REGISTRY_CORRUPT: 'restore registry.db in HAPPIER_HOME (~/.happier) from a backup, or move it aside; `happier doctor` checks it',
  REGISTRY_UNREADABLE: 'check the owner and mode of HAPPIER_HOME (~/.happier) and its registry.db: `ls -l ~/.happier`',
  REGISTRY_TOO_NEW: 'run the newer happier that wrote it (`happier --version` shows this one), or set HAPPIER_HOME elsewhere',
  NOT_ATTACHABLE: '`happier session show <id>` names the machine and the tmux session it runs in',
  NOT_OWNER: 'run it on the machine that owns the session; `happier session show <id>` names it',
  HOST_KEY_UNKNOWN: "check the fingerprint with the machine's owner, then `happier machine trust <name>`",
  HOST_KEY_CHANGED: 'someone may be intercepting: confirm the new key, `ssh-keygen -R <host>`, then `happier machine trust <name>`',
  SSH_FAILED: 'run `ssh -v <ssh-target> true` to see where the login stops',
  PEER_INCOMPATIBLE: 'install the same happier on both machines; `happier machine ping <name>` shows what the peer runs',
  PROTOCOL: 'update happier on both ends to the same version; HAPPIER_DEBUG=1 shows the exchange',
  TRANSFER_FAILED: 'nothing half-written was kept: run the same command again, or `happier doctor` to check the machines',
  SERVER_UNAVAILABLE: 'start it with `happier server start`, or check its URL with `happier server status`',
  NOT_CONNECTED: 'connect with `happier server connect <url>` (with --link <code> to join an account)',
  RATE_LIMITED: 'wait the seconds in retryAfterSec (see --json), then try again',
  BACKEND_DISABLED: 'turn it on with `happier settings set backends.<agent>.enabled true`',
  TMUX_FAILED: "tmux's own words are quoted; `happier doctor` checks that tmux works",
  PROVIDER_CONFIG: 'fix or move aside the file the message names (e.g. ~/.claude.json); happier left it untouched',
  BUSY: 'wait for the reply and send again, or leave out --no-queue so the message waits its turn',
  SEND_TIMEOUT: 'it was delivered: read the reply with `happier session show <id> --messages 5`, or raise --timeout',
  INTERNAL: 'set HAPPIER_DEBUG=1 to see the stack trace, and please report it',
};

/** The error's own hint, else its code's. */
export function hintFor(err: Pick<HappierError, 'code' | 'hint'>): string {
  return err.hint ?? ERROR_HINTS[err.code];
}
