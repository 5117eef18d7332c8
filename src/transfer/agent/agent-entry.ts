/**
 * The single-file agent uploaded to peers that have no happier installed. It must run
 * on a bare Node 20 with nothing but this file: no native modules, no registry.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { resolveHappierHome } from '../../domain/happier-home.js';
import { serveAgent } from './agent-server.js';

declare const __HAPPIER_VERSION__: string;

/** Without the registry, the bundle keeps its own id beside itself so a peer stays the same machine. */
function bundledMachineId(): string {
  const home = resolveHappierHome(process.env, process.env.HOME || homedir(), existsSync);
  const file = join(home, 'agent', 'machine-id');
  try {
    const id = readFileSync(file, 'utf8').trim();
    if (id) return id;
  } catch {
    // first run
  }
  const id = randomUUID();
  mkdirSync(join(home, 'agent'), { recursive: true, mode: 0o700 });
  writeFileSync(file, id + '\n', { mode: 0o600, flag: 'wx' });
  return id;
}

if (process.argv.includes('--stdio')) {
  await serveAgent(process.stdin, process.stdout, {
    version: __HAPPIER_VERSION__,
    flavor: 'bundled',
    env: process.env,
    machineId: bundledMachineId,
  });
  process.exit(0);
} else {
  process.stderr.write('usage: node happier-agent.mjs --stdio  (the peer side of happier over SSH)\n');
  process.exit(2);
}
