import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * An isolated "machine" for the real provider CLIs: its own HOME with every provider root
 * and config inside it, a working directory, and the offline configuration from
 * PROVIDERS.md that points each CLI at the mock model API. Two sandboxes are two
 * machines with different HOMEs and cwds.
 */

export type ProviderAgent = 'claude' | 'codex' | 'opencode';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Where scripts/install-provider-clis.mjs puts the pinned CLIs. */
export const PROVIDER_CLI_CACHE = join(repoRoot, '.cache', 'provider-clis');

export const PROVIDER_BINS: Readonly<Record<ProviderAgent, string>> = {
  claude: join(PROVIDER_CLI_CACHE, 'claude', 'node_modules', '.bin', 'claude'),
  codex: join(PROVIDER_CLI_CACHE, 'codex', 'node_modules', '.bin', 'codex'),
  opencode: join(PROVIDER_CLI_CACHE, 'opencode', 'node_modules', '.bin', 'opencode'),
};

export function missingProviderBins(): ProviderAgent[] {
  return (Object.keys(PROVIDER_BINS) as ProviderAgent[]).filter((a) => !existsSync(PROVIDER_BINS[a]));
}

/** Any key works against the mock; Claude remembers approval by its last 20 characters. */
export const MOCK_API_KEY = 'sk-ant-mock-happier-test-key-0123456789abcdef';
export const MOCK_MODEL_NAME = 'mock-model';

const DEAD_PROXY_URL = 'http://127.0.0.1:9';
const DEAD_PROXY: Record<string, string> = {
  HTTPS_PROXY: DEAD_PROXY_URL,
  HTTP_PROXY: DEAD_PROXY_URL,
  ALL_PROXY: DEAD_PROXY_URL,
  https_proxy: DEAD_PROXY_URL,
  http_proxy: DEAD_PROXY_URL,
  all_proxy: DEAD_PROXY_URL,
  NO_PROXY: '127.0.0.1,localhost',
  no_proxy: '127.0.0.1,localhost',
};

export interface ProviderSandbox {
  readonly name: string;
  /** The sandbox HOME; every provider root lives inside it. */
  readonly home: string;
  /** The working directory the sessions belong to (a realpath, as Claude's slug needs). */
  readonly cwd: string;
  readonly claudeConfigDir: string;
  readonly codexHome: string;
  readonly xdgDataHome: string;
  readonly xdgConfigHome: string;
  readonly happierHome: string;
  readonly opencodeDb: string;
  /** Environment for the provider CLIs and for happier on this machine. */
  readonly env: Record<string, string>;
  /** Trusts another working directory (Claude and Codex both ask otherwise). */
  trust(dir: string): void;
}

export interface SandboxOptions {
  /** The mock model API's base URL, `http://127.0.0.1:PORT`. */
  mockUrl: string;
  /** The cwd relative to the sandbox HOME; default `project`. */
  cwdRelative?: string;
  /** Extra environment (e.g. HAPPIER_TMUX_SOCKET). */
  env?: Record<string, string>;
}

/** Creates the machine under `home` (created if missing). */
export function createProviderSandbox(name: string, home: string, opts: SandboxOptions): ProviderSandbox {
  mkdirSync(home, { recursive: true });
  const realHome = realpathSync(home);
  const cwd = join(realHome, opts.cwdRelative ?? 'project');
  mkdirSync(cwd, { recursive: true });
  const claudeConfigDir = join(realHome, '.claude');
  const codexHome = join(realHome, '.codex');
  const xdgDataHome = join(realHome, '.local', 'share');
  const xdgConfigHome = join(realHome, '.config');
  const xdgCacheHome = join(realHome, '.cache');
  const xdgStateHome = join(realHome, '.local', 'state');
  const happierHome = join(realHome, '.happier');
  const tmp = join(realHome, 'tmp');
  for (const d of [claudeConfigDir, codexHome, xdgDataHome, xdgConfigHome, xdgCacheHome, xdgStateHome, tmp]) {
    mkdirSync(d, { recursive: true });
  }

  const trusted = new Set<string>([cwd]);
  const writeConfigs = () => {
    writeClaudeConfig(claudeConfigDir, [...trusted]);
    writeCodexConfig(codexHome, opts.mockUrl, [...trusted]);
    writeOpencodeConfig(join(xdgConfigHome, 'opencode'), opts.mockUrl);
  };
  writeConfigs();

  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: realHome,
    USER: process.env.USER ?? 'root',
    LANG: 'C.UTF-8',
    TERM: 'xterm-256color',
    TMPDIR: tmp,
    XDG_DATA_HOME: xdgDataHome,
    XDG_CONFIG_HOME: xdgConfigHome,
    XDG_CACHE_HOME: xdgCacheHome,
    XDG_STATE_HOME: xdgStateHome,
    NO_COLOR: '1',
    // Claude Code
    CLAUDE_CONFIG_DIR: claudeConfigDir,
    ANTHROPIC_BASE_URL: opts.mockUrl,
    ANTHROPIC_API_KEY: MOCK_API_KEY,
    DISABLE_TELEMETRY: '1',
    DISABLE_ERROR_REPORTING: '1',
    DISABLE_AUTOUPDATER: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    // The TUI otherwise fetches the official plugin marketplace from downloads.claude.ai.
    CLAUDE_CODE_DISABLE_OFFICIAL_MARKETPLACE_AUTOINSTALL: '1',
    // Codex
    CODEX_HOME: codexHome,
    MOCK_API_KEY,
    // OpenCode
    OPENCODE_DISABLE_AUTOUPDATE: '1',
    OPENCODE_DISABLE_MODELS_FETCH: '1',
    OPENCODE_DISABLE_SHARE: '1',
    OPENCODE_DISABLE_LSP_DOWNLOAD: '1',
    OPENCODE_DISABLE_DEFAULT_PLUGINS: '1',
    // `opencode run` otherwise asks registry.npmjs.org about @opencode-ai/plugin and friends.
    npm_config_offline: 'true',
    // The last guard of "127.0.0.1 only": anything a CLI still sends elsewhere goes to a
    // closed local port and fails at once (e.g. the Codex TUI's announcement_tip.toml).
    ...DEAD_PROXY,
    // happier on this machine
    HAPPIER_HOME: happierHome,
    HAPPIER_CLAUDE_BIN: PROVIDER_BINS.claude,
    HAPPIER_CODEX_BIN: PROVIDER_BINS.codex,
    HAPPIER_OPENCODE_BIN: PROVIDER_BINS.opencode,
    ...opts.env,
  };

  return {
    name,
    home: realHome,
    cwd,
    claudeConfigDir,
    codexHome,
    xdgDataHome,
    xdgConfigHome,
    happierHome,
    opencodeDb: join(xdgDataHome, 'opencode', 'opencode.db'),
    env,
    trust(dir: string) {
      trusted.add(dir);
      writeConfigs();
    },
  };
}

function writeClaudeConfig(dir: string, trustedDirs: readonly string[]): void {
  // Interactive Claude stops at a dialog unless onboarding, folder trust and the API key
  // are already settled (PROVIDERS.md).
  const projects: Record<string, unknown> = {};
  for (const d of trustedDirs) projects[d] = { hasTrustDialogAccepted: true, hasCompletedProjectOnboarding: true, allowedTools: [] };
  const config = {
    hasCompletedOnboarding: true,
    numStartups: 1,
    theme: 'dark',
    autoUpdates: false,
    customApiKeyResponses: { approved: [MOCK_API_KEY.slice(-20)], rejected: [] },
    projects,
  };
  writeFileSync(join(dir, '.claude.json'), `${JSON.stringify(config, null, 2)}\n`);
}

function writeCodexConfig(dir: string, mockUrl: string, trustedDirs: readonly string[]): void {
  const projects = trustedDirs.map((d) => `\n[projects.${JSON.stringify(d)}]\ntrust_level = "trusted"\n`).join('');
  const toml = `model = "${MOCK_MODEL_NAME}"
model_provider = "mock"
check_for_update_on_startup = false

[model_providers.mock]
name = "mock"
base_url = "${mockUrl}/v1"
env_key = "MOCK_API_KEY"
wire_api = "responses"
request_max_retries = 0
stream_max_retries = 0

[analytics]
enabled = false

# Otherwise Codex syncs its curated plugins from github.com and chatgpt.com at start-up.
[features]
plugins = false

[tui]
resume_cwd = "current"
show_tooltips = false
${projects}`;
  writeFileSync(join(dir, 'config.toml'), toml);
}

function writeOpencodeConfig(dir: string, mockUrl: string): void {
  mkdirSync(dir, { recursive: true });
  const config = {
    $schema: 'https://opencode.ai/config.json',
    autoupdate: false,
    share: 'disabled',
    model: `mock/${MOCK_MODEL_NAME}`,
    small_model: `mock/${MOCK_MODEL_NAME}`,
    provider: {
      mock: {
        npm: '@ai-sdk/openai-compatible',
        name: 'Mock',
        options: { baseURL: `${mockUrl}/v1`, apiKey: MOCK_API_KEY },
        models: { [MOCK_MODEL_NAME]: { name: 'Mock model' } },
      },
    },
  };
  writeFileSync(join(dir, 'opencode.json'), `${JSON.stringify(config, null, 2)}\n`);
}

export interface CliRunResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/**
 * Runs a provider CLI (or any program) in the sandbox with stdin ignored, as the CLIs
 * need: Codex reads a non-TTY stdin to EOF. On timeout it kills the process it started,
 * and that process's group, by pid.
 */
export function runInSandbox(
  sandbox: ProviderSandbox,
  bin: string,
  args: readonly string[],
  opts: { cwd?: string; timeoutMs?: number; env?: Record<string, string>; uid?: number; gid?: number } = {},
): Promise<CliRunResult> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, {
      cwd: opts.cwd ?? sandbox.cwd,
      env: { ...sandbox.env, ...opts.env },
      ...(opts.uid !== undefined ? { uid: opts.uid, gid: opts.gid } : {}),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      if (child.pid !== undefined) killGroup(child.pid);
    }, opts.timeoutMs ?? 60_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      // Anything the CLI left behind in its own process group (e.g. a codex app-server).
      if (child.pid !== undefined) killGroup(child.pid);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - t0 });
    });
  });
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // The group is already gone.
  }
}

/** One line per result, for failure messages. */
export function describeRun(label: string, r: CliRunResult): string {
  return `${label}: exit ${r.code}${r.signal ? ` (${r.signal})` : ''} after ${r.ms} ms\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
}
