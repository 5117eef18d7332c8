import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { HAPPIER_BIN, runHappier, type CliRun } from './run-happier.js';

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly proc: ChildProcess;
  readonly stderr: () => string;
  /** Sends the signal and resolves with the exit code once the process is gone. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `happier server start` from the built binary on 127.0.0.1 and waits for its address. */
export function startServer(dataDir: string, env: Record<string, string> = {}, port = 0): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [HAPPIER_BIN, 'server', 'start', '--host', '127.0.0.1', '--port', String(port), '--data', dataDir, '--json'], {
      env: { PATH: process.env.PATH, HAPPIER_HOME: join(dataDir, 'home'), ...env } as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
    proc.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
    proc.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const line = out.split('\n')[0];
      if (!out.includes('\n') || !line) return;
      const body = JSON.parse(line) as { data: { url: string; port: number } };
      resolve({
        url: body.data.url,
        port: body.data.port,
        proc,
        stderr: () => err,
        stop: (signal = 'SIGTERM') => {
          proc.kill(signal);
          return exited;
        },
      });
    });
    proc.on('exit', (code) => reject(new Error(`server exited with ${code} before listening: ${err}`)));
  });
}

export interface Client {
  readonly home: string;
  readonly env: Record<string, string>;
  run(...args: string[]): Promise<CliRun>;
  json(...args: string[]): Promise<CliRun & { body: any }>;
}

/** A machine of its own: a separate HAPPIER_HOME, driven through the built binary. */
export function makeClient(root: string, name: string, extraEnv: Record<string, string> = {}): Client {
  const home = join(root, name);
  mkdirSync(home, { recursive: true });
  // Tests that want the daemon ask for it (HAPPIER_DAEMON: 'on'); others keep presence by hand.
  const env = { HAPPIER_HOME: join(home, '.happier'), HOME: home, NO_COLOR: '1', HAPPIER_DAEMON: 'off', ...extraEnv };
  const run = (...args: string[]) => runHappier(args, env);
  return {
    home: env.HAPPIER_HOME,
    env,
    run,
    json: async (...args: string[]) => {
      const r = await run(...args, '--json');
      let body: unknown;
      try {
        body = JSON.parse(r.stdout);
      } catch {
        throw new Error(`not JSON (exit ${r.code}): ${r.stdout}\n${r.stderr}`);
      }
      return { ...r, body };
    },
  };
}
