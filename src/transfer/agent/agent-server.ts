/**
 * The peer side of SSH transfers: serves the handler table over a byte pipe (stdin and
 * stdout of `happier agent --stdio`, or of the uploaded bundle).
 */
import { hostname, homedir } from 'node:os';
import type { Readable, Writable } from 'node:stream';
import { HappierError } from '../../domain/errors.js';
import { AgentEndpoint, HandlerRegistry } from './agent-endpoint.js';
import type { AgentInfo } from './agent-info.js';
import { BANNER, PROTOCOL_VERSION } from './frame-codec.js';
import { registerFsHandlers } from './handlers/fs-handlers.js';
import { registerTreeSyncHandlers } from './handlers/tree-sync-handlers.js';
import { peerEnvironment } from './peer-environment.js';
import { providersOnPath } from './providers-on-path.js';

export interface AgentServerOptions {
  readonly version: string;
  readonly flavor: AgentInfo['flavor'];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly machineId: () => string | null;
  /** Adds handlers beyond the built-in ones (the CLI adds those that need the registry). */
  readonly extend?: (reg: HandlerRegistry) => void;
}

/** The built-in handler table every agent serves, bundled or installed. */
export async function builtinHandlers(homeDir: string): Promise<HandlerRegistry> {
  const reg = new HandlerRegistry();
  registerFsHandlers(reg, homeDir);
  registerTreeSyncHandlers(reg, homeDir);
  return reg;
}

export async function serveAgent(input: Readable, output: Writable, opts: AgentServerOptions): Promise<void> {
  const homeDir = opts.env.HOME || homedir();
  const reg = await builtinHandlers(homeDir);
  opts.extend?.(reg);
  let machineId: string | null = null;
  try {
    machineId = opts.machineId();
  } catch {
    machineId = null;
  }
  const environment = peerEnvironment(opts.env, process.execPath, new Date());
  const info = (): AgentInfo => ({
    protocol: PROTOCOL_VERSION,
    happierVersion: opts.version,
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    hostname: hostname(),
    homeDir,
    machineId,
    providers: providersOnPath(opts.env),
    flavor: opts.flavor,
    environment,
    handlers: reg.names(),
  });
  reg.rpc('hello', () => info()).rpc('ping', () => ({ now: Date.now() }));

  output.write(BANNER);
  const endpoint = new AgentEndpoint(output, { side: 'server', handlers: reg });
  endpoint.attach(input);
  endpoint.sendHello(info());
  endpoint.peerHello.then(
    (h) => {
      const protocol = (h as { protocol?: unknown } | undefined)?.protocol;
      if (protocol !== PROTOCOL_VERSION) {
        process.stderr.write(`happier agent: the client speaks protocol ${String(protocol)}, this agent ${PROTOCOL_VERSION}\n`);
        endpoint.close();
      }
    },
    () => undefined,
  );
  const err = await endpoint.closed;
  // A cut connection leaves handlers cleaning up (temporary files, staging); let them finish.
  await endpoint.settled(10_000);
  if (err && !(err instanceof HappierError && err.details.reason === 'connection-lost')) {
    process.stderr.write(`happier agent: ${err.message}\n`);
  }
}
