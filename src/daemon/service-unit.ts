import { createHash } from 'node:crypto';
import { join } from 'node:path';

/** What starts the daemon again after login or reboot, decided from facts only (no I/O). */
export type ServicePlan =
  | { readonly kind: 'systemd'; readonly path: string; readonly name: string; readonly text: string }
  | { readonly kind: 'launchd'; readonly path: string; readonly label: string; readonly text: string }
  | { readonly kind: 'none'; readonly note: string };

export interface ServiceFacts {
  readonly platform: NodeJS.Platform;
  readonly homeDir: string;
  readonly xdgConfigHome: string | undefined;
  readonly happierHome: string;
  /** Whether HAPPIER_HOME is the default one; another home gets a unit of its own. */
  readonly defaultHome: boolean;
  /** The daemon's command line: node, the happier entry, `server daemon run`. */
  readonly argv: readonly string[];
  /** Non-secret variables the daemon needs (HAPPIER_HOME, PATH, HAPPIER_*_BIN). */
  readonly env: Readonly<Record<string, string>>;
}

export function servicePlan(f: ServiceFacts): ServicePlan {
  const suffix = f.defaultHome ? '' : `-${createHash('sha256').update(f.happierHome).digest('hex').slice(0, 8)}`;
  if (f.platform === 'linux') {
    const name = `happier-daemon${suffix}.service`;
    const dir = join(f.xdgConfigHome || join(f.homeDir, '.config'), 'systemd', 'user');
    return { kind: 'systemd', name, path: join(dir, name), text: systemdUnit(f) };
  }
  if (f.platform === 'darwin') {
    const label = `dev.happier.daemon${suffix}`;
    return { kind: 'launchd', label, path: join(f.homeDir, 'Library', 'LaunchAgents', `${label}.plist`), text: launchdPlist(label, f) };
  }
  return { kind: 'none', note: 'run `happier server daemon start` from a login script to keep this machine online after a reboot' };
}

/** systemd quoting: double quotes, with backslash, quote, `%` and `$` escaped. */
function sq(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/%/g, '%%').replace(/\$/g, '$$$$')}"`;
}

export function systemdUnit(f: ServiceFacts): string {
  const env = Object.entries(f.env).map(([k, v]) => `Environment=${sq(`${k}=${v}`)}\n`).join('');
  // The same log as a daemon started any other way, where `server daemon status` points.
  const log = join(f.happierHome, 'logs', 'daemon.log').replace(/%/g, '%%');
  return (
    `[Unit]\nDescription=happier daemon (presence, published sessions, relayed sends) for ${f.happierHome.replace(/%/g, '%%')}\n` +
    `After=network-online.target\nWants=network-online.target\n\n` +
    `[Service]\nType=simple\nExecStart=${f.argv.map(sq).join(' ')}\n${env}` +
    `StandardOutput=append:${log}\nStandardError=append:${log}\n` +
    // A clean stop (`happier server daemon stop`) exits 0 and stays stopped; a crash restarts.
    `Restart=on-failure\nRestartSec=5\n\n[Install]\nWantedBy=default.target\n`
  );
}

function xml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function launchdPlist(label: string, f: ServiceFacts): string {
  const args = f.argv.map((a) => `    <string>${xml(a)}</string>\n`).join('');
  const env = Object.entries(f.env).map(([k, v]) => `    <key>${xml(k)}</key><string>${xml(v)}</string>\n`).join('');
  const log = xml(join(f.happierHome, 'logs', 'daemon.log'));
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n` +
    `<plist version="1.0">\n<dict>\n  <key>Label</key><string>${xml(label)}</string>\n` +
    `  <key>ProgramArguments</key>\n  <array>\n${args}  </array>\n` +
    `  <key>EnvironmentVariables</key>\n  <dict>\n${env}  </dict>\n` +
    `  <key>RunAtLoad</key><true/>\n  <key>KeepAlive</key>\n  <dict><key>SuccessfulExit</key><false/></dict>\n` +
    `  <key>StandardOutPath</key><string>${log}</string>\n  <key>StandardErrorPath</key><string>${log}</string>\n</dict>\n</plist>\n`
  );
}

/** The variables a unit carries: where happier lives and what it runs. Never a provider's keys. */
export function serviceEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const keep = ['HAPPIER_HOME', 'PATH', 'HAPPIER_TMUX_BIN', 'HAPPIER_TMUX_SOCKET', 'HAPPIER_CLAUDE_BIN', 'HAPPIER_CODEX_BIN', 'HAPPIER_OPENCODE_BIN', 'HAPPIER_SSH_CONFIG', 'CLAUDE_CONFIG_DIR', 'CODEX_HOME', 'XDG_DATA_HOME'];
  const out: Record<string, string> = {};
  for (const k of keep) if (env[k]) out[k] = env[k]!;
  return out;
}
