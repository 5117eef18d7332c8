/**
 * What a pairing code unlocks on the claiming device: which session, where it runs and
 * how to reach it, and who issued the code. It travels sealed under the code's key.
 */
export interface PairingTicket {
  readonly v: 1;
  readonly session: { readonly id: string; readonly title: string; readonly agent: string };
  readonly route: {
    readonly ownerMachineId: string;
    readonly ownerName: string;
    /** How to reach the owner over SSH, when the issuer knows it. */
    readonly sshTarget: string | null;
  };
  readonly source: { readonly machineId: string; readonly name: string; readonly issuedAt: string };
}

/** What the issuer keeps for `pair list`, sealed with the account key (the server sees neither). */
export interface PairingNote {
  readonly sessionId: string;
  readonly title: string;
  readonly lookup: string;
}

export function isPairingTicket(v: unknown): v is PairingTicket {
  const t = v as PairingTicket;
  return (
    typeof t === 'object' && t !== null && t.v === 1 &&
    typeof t.session?.id === 'string' && typeof t.route?.ownerMachineId === 'string' &&
    typeof t.route?.ownerName === 'string' && typeof t.source?.machineId === 'string'
  );
}
