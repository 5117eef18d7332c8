/** Where a connection goes, as the ssh config resolved it. */
export interface SshHost {
  /** The host part of what the user typed (an alias or an address). */
  readonly alias: string;
  readonly hostName: string;
  readonly port: number;
  readonly user: string;
  readonly identityFiles: readonly string[];
  /** ProxyJump hops, outermost first, as written (`user@host:port` or aliases). */
  readonly proxyJump: readonly string[];
  /** The name known_hosts is searched under instead of the host's, when the config sets one. */
  readonly hostKeyAlias?: string | null;
}

/** `alias (host:port)`, or `host:port` when the alias is the address. */
export function hostLabel(h: Pick<SshHost, 'alias' | 'hostName' | 'port'>): string {
  return h.alias === h.hostName ? `${h.hostName}:${h.port}` : `${h.alias} (${h.hostName}:${h.port})`;
}
