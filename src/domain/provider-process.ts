/**
 * Whether a process is a provider CLI, judged by what it executes: /proc/<pid>/exe, and
 * for a script run by an interpreter (npm-installed CLIs run as `node <script>`) the
 * script. argv[0] and the rest of the command line are never evidence: any process can
 * name itself `claude` or mention a session id.
 */
/** What a provider's installs look like; each provider states its own. */
export interface KnownExecutables {
  /** File names of the provider's executable or entry script in its usual installs. */
  readonly names: readonly string[];
  /** Whole paths that are the provider although their file name says nothing (`cli.js`, a version number). */
  readonly entryPatterns: readonly RegExp[];
}

export interface ProviderExecutables extends KnownExecutables {
  /** The executable happier is configured to run for it (HAPPIER_<AGENT>_BIN), as given and resolved. */
  readonly paths: readonly string[];
}

export interface ExecutedProcess {
  /** The resolved executable, or null where it cannot be read (another user's process, a kernel thread). */
  readonly exe: string | null;
  readonly cwd: string | null;
  readonly cmdline: readonly string[];
}

const INTERPRETER = /^(node|nodejs|bun|deno)(-?\d[\d.]*)?$/;
/** Interpreter options that take the next argument as their value. */
const TAKES_VALUE = new Set(['-r', '--require', '--import', '--loader', '--experimental-loader', '-C', '--conditions', '--title']);
/** Interpreter options whose value is code: no script then. */
const INLINE_CODE = new Set(['-e', '--eval', '-p', '--print']);

function basename(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/** Nix wraps a program as `.<name>-wrapped` beside a shell wrapper of the plain name. */
function unwrapped(name: string): string {
  const m = /^\.(.+)-wrapped$/.exec(name);
  return m ? m[1]! : name;
}

function absolute(path: string, cwd: string | null): string | null {
  if (path.startsWith('/')) return path;
  return cwd ? `${cwd.replace(/\/$/, '')}/${path.replace(/^\.\//, '')}` : null;
}

/** The script an interpreter runs, or null when it runs inline code or a REPL. */
export function interpretedScript(cmdline: readonly string[]): string | null {
  let i = 1;
  // `bun run x`, `deno run x`: the subcommand comes before the script.
  if (cmdline[i] === 'run') i += 1;
  for (; i < cmdline.length; i += 1) {
    const arg = cmdline[i]!;
    if (INLINE_CODE.has(arg.split('=')[0]!)) return null;
    if (arg === '--') return cmdline[i + 1] ?? null;
    if (!arg.startsWith('-')) return arg;
    if (TAKES_VALUE.has(arg)) i += 1;
  }
  return null;
}

/** The files the process executes: the binary, and for an interpreter its script. */
export function entryPoints(proc: ExecutedProcess): string[] {
  if (!proc.exe) return [];
  const exe = proc.exe.replace(/ \(deleted\)$/, '');
  if (!INTERPRETER.test(basename(exe))) return [exe];
  const script = interpretedScript(proc.cmdline);
  const path = script === null ? null : absolute(script, proc.cwd);
  return path ? [exe, path] : [exe];
}

export function runsProvider(proc: ExecutedProcess, provider: ProviderExecutables): boolean {
  return entryPoints(proc).some(
    (path) =>
      provider.paths.includes(path) ||
      provider.names.includes(unwrapped(basename(path))) ||
      provider.entryPatterns.some((re) => re.test(path)),
  );
}
