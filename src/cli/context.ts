import type { ChalkInstance } from 'chalk';
import { existsSync, realpathSync } from 'node:fs';
import { resolveHappierHome } from '../domain/happier-home.js';
import type { ViewContext } from '../domain/session-view.js';
import type { ConversationCandidate, Session } from '../domain/session.js';
import type { LiveTmux } from '../domain/tmux-liveness.js';
import type { TmuxServer } from '../../shell/tmux/tmux-server.js';
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

  /** happier's own tmux server: HAPPIER_TMUX_SOCKET or tmux's default for this user, resolved. */
  async tmuxServer(): Promise<TmuxServer> {
    const [{ tmuxServerFromEnv }, { resolveSocketPath, tmuxSocketPath }] = await Promise.all([
      import('../../shell/tmux/tmux-server.js'),
      import('../../shell/tmux/tmux-socket.js'),
    ]);
    const server = tmuxServerFromEnv(this.io.env);
    const socket = tmuxSocketPath(server.socket, this.io.env, process.getuid?.() ?? 0);
    return { bin: server.bin, socket: resolveSocketPath(socket, realpathSync) };
  }

  /** Asks the tmux servers that `sessions` were recorded on, each once. */
  async liveTmux(sessions: readonly Session[]): Promise<LiveTmux> {
    const [store, { needsLiveness }, { NO_LIVE_TMUX, socketsToAsk }] = await Promise.all([
      this.store(),
      import('../domain/session-view.js'),
      import('../domain/tmux-liveness.js'),
    ]);
    const self = store.registry.machineId;
    if (!needsLiveness(sessions, self)) return NO_LIVE_TMUX;
    const [{ askTmuxServers }, { nodeProcessRunner }, server] = await Promise.all([
      import('../../shell/tmux/tmux-liveness.js'),
      import('../../shell/node-process-runner.js'),
      this.tmuxServer(),
    ]);
    return askTmuxServers(nodeProcessRunner, server.bin, socketsToAsk(sessions, self, server.socket!), server.socket!);
  }

  /**
   * Everything needed to turn stored sessions into views; asks tmux only if some session
   * could be live. A long list passes just the sessions that can change an answer: those
   * with a terminal record, and as `conversations` those whose conversation was never seen.
   */
  async viewContext(sessions: readonly Session[], conversations: readonly ConversationCandidate[] = sessions): Promise<ViewContext> {
    const store = await this.store();
    const [liveTmux, withoutConversation] = await Promise.all([this.liveTmux(sessions), this.withoutConversation(conversations)]);
    return {
      settings: store.settings.settings(),
      selfMachineId: store.registry.machineId,
      machineNames: store.machines.names(),
      liveTmux,
      reachableMachines: store.machines.sshReachableIds(),
      withoutConversation,
    };
  }

  /** This machine's sessions whose provider has no conversation on disk yet, looked for once per provider. */
  async withoutConversation(sessions: readonly ConversationCandidate[]): Promise<ReadonlySet<string>> {
    const [store, { sessionsWithoutConversation }, { ConversationsSeenRepo }, { conversationCheck }, { nodeProcessRunner }] = await Promise.all([
      this.store(),
      import('../lifecycle/conversation-presence.js'),
      import('../store/conversations-seen-repo.js'),
      import('../providers/conversation-checks.js'),
      import('../../shell/node-process-runner.js'),
    ]);
    return sessionsWithoutConversation(sessions, {
      selfMachineId: store.registry.machineId,
      seen: new ConversationsSeenRepo(store.registry, () => this.io.now()),
      providerContext: { env: this.io.env, homeDir: this.io.homeDir, runner: nodeProcessRunner },
      conversationCheck,
    });
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
