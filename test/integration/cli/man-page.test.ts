import type { Command } from 'commander';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CliContext } from '../../../src/cli/context.js';
import { buildProgram } from '../../../src/cli/program.js';
import { ERROR_CODES } from '../../../src/domain/errors.js';
import { BROWSER_KEYS } from '../../../tui/state/status-hints.js';

const MAN = new URL('../../../man/happier.1', import.meta.url).pathname;
const io = { env: {}, stdout: { write: () => true }, stderr: { write: () => true }, stdinIsTTY: false, cwd: '/', homeDir: '/', now: () => new Date() };

function leafCommands(cmd: Command, prefix: string[] = []): { path: string; cmd: Command }[] {
  return cmd.commands
    .filter((c) => !(c as unknown as { _hidden?: boolean })._hidden)
    .flatMap((c) => (c.commands.length ? leafCommands(c, [...prefix, c.name()]) : [{ path: [...prefix, c.name()].join(' '), cmd: c }]));
}

describe('man page', () => {
  const roff = readFileSync(MAN, 'utf8');
  const rendered = spawnSync('man', ['-l', '-Tutf8', MAN], { encoding: 'utf8', env: { ...process.env, MANWIDTH: '80' } });

  it('renders with man -l without a warning', () => {
    expect(rendered.status).toBe(0);
    expect(rendered.stderr).toBe('');
  });

  it('documents every command and option in the command tree', () => {
    const text = rendered.stdout.replace(/.\u0008/g, '').replace(/\u2010/g, '-');
    const leaves = leafCommands(buildProgram(new CliContext(io)));
    expect(leaves.length).toBeGreaterThan(5);
    for (const { path, cmd } of leaves) {
      expect(text, path).toContain(`happier ${path}`);
      for (const o of cmd.options.filter((x) => !x.hidden)) expect(text, `${path} ${o.long}`).toContain(o.long!);
    }
  });

  it('lists the browser keys, each with what it does, in a section of their own', () => {
    const text = rendered.stdout.replace(/.\u0008/g, '').replace(/\u2010/g, '-');
    const section = text.slice(text.indexOf('BROWSER KEYS'), text.indexOf('\nPEERS'));
    expect(section.length).toBeGreaterThan(100);
    // Every key the browser binds is in BROWSER_KEYS (test/unit/tui/state/browser-keys.test.ts).
    for (const k of BROWSER_KEYS) expect(section.replace(/\s+/g, ' '), k.label).toContain(`${k.label}: ${k.does}`);
    for (const shown of ['Ctrl-C', 'PgUp', 'Esc', 'Enter', 'S-Tab', 'Home']) expect(section).toContain(shown);
  });

  it('lists every stable error code and the environment variables', () => {
    for (const code of ERROR_CODES) expect(roff, `${code} needs a line in src/domain/error-descriptions.ts`).toContain(code);
    for (const v of ['HAPPIER_HOME', 'CLAUDE_CONFIG_DIR', 'CODEX_HOME', 'XDG_DATA_HOME', 'HAPPIER_CLAUDE_BIN', 'HAPPIER_TMUX_BIN', 'NO_COLOR', 'HAPPIER_DEBUG']) {
      expect(roff).toContain(v);
    }
  });
});
