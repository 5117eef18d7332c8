import type { ChalkInstance } from 'chalk';
import { existsSync } from 'node:fs';
import { resolveHappierHome } from '../domain/happier-home.js';
import type { ViewContext } from '../domain/session-view.js';
import type { MachinesRepo } from '../store/machines-repo.js';
import type { Registry } from '../store/registry.js';
import type { SessionsRepo } from '../store/sessions-repo.js';
import type { SettingsRepo } from '../store/settings-repo.js';
import type { CliIO } from './cli-io.js';
import { colorEnabled, makeChalk } from './output/color.js';

export interface Store {
  readonly registry: Registry;
  readonly sessions: SessionsRepo;
  readonly machines: MachinesRepo;
  readonly settings: SettingsRepo;
}

/**
 * Shared by every command. Heavy parts (the database driver, tmux) load only when a
 * command first asks for them, which keeps `--help` and start-up fast.
 */
export class CliContext {
  /** The JSON envelope's `kind`, set once the command is known. */
  kind = 'cli';
  json = false;
  /** Set by a command that succeeded in running but reports a failure, like `doctor`. */
  exitCode: 0 | 1 = 0;
  private storePromise: Promise<Store> | undefined;
  private chalkInstance: ChalkInstance | undefined;

  constructor(readonly io: CliIO) {}

  get home(): string {
    return resolveHappierHome(this.io.env, this.io.homeDir, existsSync);
  }

  get chalk(): ChalkInstance {
    this.chalkInstance ??= makeChalk(!this.json && colorEnabled(this.io.env, !!this.io.stdout.isTTY));
    return this.chalkInstance;
  }

  store(): Promise<Store> {
    this.storePromise ??= (async () => {
      const [{ openRegistry }, { SessionsRepo }, { MachinesRepo }, { SettingsRepo }] = await Promise.all([
        import('../store/registry.js'),
        import('../store/sessions-repo.js'),
        import('../store/machines-repo.js'),
        import('../store/settings-repo.js'),
      ]);
      const registry = openRegistry(this.home, { clock: () => this.io.now() });
      return {
        registry,
        sessions: new SessionsRepo(registry),
        machines: new MachinesRepo(registry),
        settings: new SettingsRepo(registry),
      };
    })();
    return this.storePromise;
  }

  async liveTmuxSessions(): Promise<Set<string>> {
    const [{ listPanes, liveSessionNames, tmuxServerFromEnv }, { nodeProcessRunner }] = await Promise.all([
      import('../../shell/tmux/tmux-server.js'),
      import('../../shell/node-process-runner.js'),
    ]);
    return liveSessionNames(await listPanes(nodeProcessRunner, tmuxServerFromEnv(this.io.env)));
  }

  /** Everything needed to turn stored sessions into views; asks tmux only if some session could be live. */
  async viewContext(needTmux: boolean): Promise<ViewContext> {
    const store = await this.store();
    return {
      settings: store.settings.settings(),
      selfMachineId: store.registry.machineId,
      machineNames: store.machines.names(),
      liveTmuxSessions: needTmux ? await this.liveTmuxSessions() : new Set(),
    };
  }

  out(text: string): void {
    this.io.stdout.write(text);
  }

  /** Human notes go to stderr so stdout stays parseable. */
  note(text: string): void {
    this.io.stderr.write(text.endsWith('\n') ? text : text + '\n');
  }

  async close(): Promise<void> {
    if (this.storePromise) (await this.storePromise.catch(() => undefined))?.registry.close();
  }
}
