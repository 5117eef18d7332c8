import { HappierError } from '../domain/errors.js';
import type { PairingTicket } from './pairing-ticket.js';

export type ClaimPlan =
  | { readonly kind: 'local'; readonly sessionId: string; readonly argv: readonly string[] }
  | { readonly kind: 'ssh'; readonly sessionId: string; readonly target: string; readonly argv: readonly string[] };

/** A machine the claiming device knows, from its registry (`happier machine add`). */
export interface KnownMachine {
  readonly id: string;
  readonly name: string;
  readonly sshTarget: string | null;
}

const SAFE_SESSION_ID = /^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/;
const SAFE_TARGET = /^[A-Za-z0-9._@:\[\]-]{1,200}$/;

/**
 * How the claiming device gets to the session: attach here when it owns it, otherwise
 * `ssh -t <owner> happier attach <id>`. The device's own machine list wins over the
 * route in the ticket, since it reflects how *this* device reaches the owner.
 */
export function planClaim(
  ticket: PairingTicket,
  selfMachineId: string,
  known: readonly KnownMachine[],
  opts: { sshConfig?: string } = {},
): ClaimPlan {
  const id = ticket.session.id;
  // The ticket came from the issuer; its fields end up in argv, so they are checked, not trusted.
  if (!SAFE_SESSION_ID.test(id)) throw new HappierError('PROTOCOL', 'the pairing code carried an invalid session id');
  if (ticket.route.ownerMachineId === selfMachineId) {
    return { kind: 'local', sessionId: id, argv: ['happier', 'attach', id] };
  }
  const byId = known.find((m) => m.id === ticket.route.ownerMachineId && m.sshTarget);
  const byName = known.find((m) => m.name === ticket.route.ownerName && m.sshTarget);
  const target = byId?.sshTarget ?? byName?.sshTarget ?? ticket.route.sshTarget;
  if (!target || !SAFE_TARGET.test(target) || target.startsWith('-')) {
    throw new HappierError('MACHINE_UNKNOWN', `this device does not know how to reach ${ticket.route.ownerName} over SSH`, {
      hint: `add it with \`happier machine add ${ticket.route.ownerName} <ssh-target>\`, then claim a new code`,
      details: { ownerMachineId: ticket.route.ownerMachineId, ownerName: ticket.route.ownerName },
    });
  }
  // HAPPIER_SSH_CONFIG is the config happier's own SSH uses; the ssh it spawns must agree.
  const config = opts.sshConfig ? ['-F', opts.sshConfig] : [];
  return { kind: 'ssh', sessionId: id, target, argv: ['ssh', ...config, '-t', target, 'happier', 'attach', id] };
}
