import { describe, expect, it } from 'vitest';
import { entryPoints, interpretedScript, runsProvider, type ProviderExecutables } from '../../../src/domain/provider-process.js';
import { claudeExecutables } from '../../../src/providers/claude/claude-executables.js';
import { codexExecutables } from '../../../src/providers/codex/codex-executables.js';
import { opencodeExecutables } from '../../../src/providers/opencode/opencode-executables.js';

const claude: ProviderExecutables = { ...claudeExecutables, paths: [] };
const codex: ProviderExecutables = { ...codexExecutables, paths: [] };
const opencode: ProviderExecutables = { ...opencodeExecutables, paths: [] };
const NODE = '/usr/local/bin/node';
const at = (exe: string | null, cmdline: string[], cwd: string | null = '/w') => ({ exe, cwd, cmdline });

describe('interpretedScript', () => {
  it('skips interpreter options, and their values where they take one', () => {
    expect(interpretedScript(['node', '--max-old-space-size=4096', '-r', 'ts-node/register', '/x/cli.js', '--resume', 'id'])).toBe('/x/cli.js');
    expect(interpretedScript(['bun', 'run', './claude', 'x'])).toBe('./claude');
    expect(interpretedScript(['node', '--', '/x/codex.js'])).toBe('/x/codex.js');
  });

  it('has none for inline code or a REPL', () => {
    expect(interpretedScript(['node', '-e', 'x', 'claude'])).toBeNull();
    expect(interpretedScript(['node', '--eval=x', 'claude'])).toBeNull();
    expect(interpretedScript(['node'])).toBeNull();
  });
});

describe('entryPoints', () => {
  it('is the binary, plus the script an interpreter runs, resolved against its cwd', () => {
    expect(entryPoints(at('/usr/bin/claude', ['claude']))).toEqual(['/usr/bin/claude']);
    expect(entryPoints(at(NODE, ['node', 'bin/claude']))).toEqual([NODE, '/w/bin/claude']);
    expect(entryPoints(at('/usr/bin/node20', ['node', './cli.js'], '/opt/c/'))).toEqual(['/usr/bin/node20', '/opt/c/cli.js']);
  });

  it('is nothing when the executable cannot be read', () => {
    expect(entryPoints(at(null, ['claude', '--resume', 'x']))).toEqual([]);
  });
});

describe('runsProvider', () => {
  it("knows each provider's real installs", () => {
    // npm's native Claude, the installer's versioned binary, and older npm's node script
    expect(runsProvider(at('/usr/lib/node_modules/@anthropic-ai/claude-code/bin/claude.exe', ['claude']), claude)).toBe(true);
    expect(runsProvider(at('/home/u/.local/share/claude/versions/2.1.197', ['claude']), claude)).toBe(true);
    expect(runsProvider(at(NODE, ['node', '/usr/lib/node_modules/@anthropic-ai/claude-code/cli.js']), claude)).toBe(true);
    // Codex's node shim and the native binary it starts
    expect(runsProvider(at(NODE, ['node', '/usr/local/bin/codex', 'resume', 'x']), codex)).toBe(true);
    expect(runsProvider(at('/usr/lib/node_modules/@openai/codex-linux-x64/vendor/x86_64-unknown-linux-musl/bin/codex', ['codex']), codex)).toBe(true);
    expect(runsProvider(at('/usr/lib/node_modules/opencode-ai/bin/opencode.exe', ['opencode']), opencode)).toBe(true);
    expect(runsProvider(at('/nix/store/abc-claude-code/bin/.claude-wrapped', ['claude']), claude)).toBe(true);
    expect(runsProvider(at('/usr/bin/claude (deleted)', ['claude']), claude)).toBe(true);
  });

  it('never by argv[0] or other words on the command line', () => {
    expect(runsProvider(at('/usr/bin/sleep', ['claude', '100']), claude)).toBe(false);
    expect(runsProvider(at('/usr/bin/tail', ['tail', '-f', '/h/.claude/projects/x/claude.jsonl']), claude)).toBe(false);
    expect(runsProvider(at(NODE, ['node', '/opt/happier/bin/happier', 'direct', 'takeover', 'claude']), claude)).toBe(false);
    expect(runsProvider(at('/usr/lib/node_modules/@openai/codex-linux-x64/vendor/x/bin/codex-code-mode-host', ['codex']), codex)).toBe(false);
    expect(runsProvider(at('/usr/bin/claude', ['claude']), codex)).toBe(false);
  });

  it('knows the binary happier is configured to run, by path', () => {
    const configured = { ...claude, paths: ['/opt/tools/fake-claude.mjs'] };
    expect(runsProvider(at(NODE, ['node', '/opt/tools/fake-claude.mjs', '--resume', 'x']), configured)).toBe(true);
    expect(runsProvider(at(NODE, ['node', '/opt/tools/fake-claude.mjs']), claude)).toBe(false);
  });
});
