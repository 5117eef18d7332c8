/**
 * The environment of a happier client under test: its own HOME and HAPPIER_HOME, and a
 * known_hosts and ssh config of its own (both under `dir`, written by the test).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export function clientEnv(dir: string, extra: Record<string, string> = {}): Record<string, string> {
  const home = join(dir, 'home');
  mkdirSync(home, { recursive: true });
  return {
    HOME: home,
    HAPPIER_HOME: join(home, '.happier'),
    HAPPIER_KNOWN_HOSTS: join(dir, 'known_hosts'),
    HAPPIER_SSH_CONFIG: join(dir, 'ssh_config'),
    ...extra,
  };
}
