export interface Machine {
  readonly id: string;
  readonly name: string;
  /** `user@host`, `host`, or a Host alias from ~/.ssh/config; null for this machine. */
  readonly sshTarget: string | null;
  readonly identityFile: string | null;
  readonly isSelf: boolean;
  readonly createdAt: string;
}

const MACHINE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

export function isValidMachineName(name: string): boolean {
  return MACHINE_NAME.test(name);
}
