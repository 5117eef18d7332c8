// Captures real provider session files for the adapters' unit tests: each pinned CLI
// (scripts/install-provider-clis.mjs) runs two non-interactive turns against the mock
// model API in a sandbox HOME, and the files it wrote are copied into
// test/fixtures/real/<agent>/. Only the sandbox's absolute path is scrubbed: it becomes
// /home/dev (and its Claude slug `-home-dev`), so the fixtures read like a real machine.
//
//   node scripts/install-provider-clis.mjs && node scripts/capture-provider-fixtures.mjs [claude|codex|opencode|claude-tui|… ...]
//
// Re-capturing a folder changes its session ids (sessions.json has them); tests read them from there.
import { build } from 'esbuild';
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(root, 'test', 'fixtures', 'real');
export const PLACEHOLDER_HOME = '/home/dev';
const SECRET = 'TANGERINE-4417';
const FIRST = `Remember the secret word ${SECRET}. Reply briefly.`;
const SECOND = 'What was the secret word? Reply briefly.';
const TUI_DIR = 'tui project';

// The sandbox and mock are TypeScript (shared with the tests); bundle them next to the
// repo root's depth so their import.meta.url-relative paths still resolve.
async function loadSupport() {
  const outfile = join(root, '.cache', 'capture', 'support.mjs');
  await build({
    stdin: {
      contents: [
        "export * from './test/support/mock-model-api.ts';",
        "export * from './test/support/provider-sandbox.ts';",
        "export * from './test/support/tmux-pane.ts';",
      ].join(' '),
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile,
    logLevel: 'warning',
  });
  return import(`${outfile}?t=${Date.now()}`);
}

/** Claude's project slug (PROVIDERS.md); the paths here are short, so no hash suffix. */
const slugOf = (p) => p.replace(/[^A-Za-z0-9]/g, '-');

// OpenCode also records the cwd relative to its project's worktree (`/` outside git),
// which is the path without its leading slash.
const SCRUBS = (home) => [
  [home, PLACEHOLDER_HOME],
  [slugOf(home), slugOf(PLACEHOLDER_HOME)],
  [home.slice(1), PLACEHOLDER_HOME.slice(1)],
];

function scrubText(text, home) {
  return SCRUBS(home).reduce((t, [from, to]) => t.split(from).join(to), text);
}

function copyScrubbed(src, dest, home) {
  mkdirSync(dirname(dest), { recursive: true });
  writeFileSync(dest, scrubText(readFileSync(src, 'utf8'), home));
}

/** A compact copy of a live SQLite database with the sandbox path replaced in every text column. */
function copyDbScrubbed(src, dest, home) {
  mkdirSync(dirname(dest), { recursive: true });
  rmSync(dest, { force: true });
  const live = new Database(src, { readonly: true, fileMustExist: true });
  live.exec(`VACUUM INTO '${dest.replace(/'/g, "''")}'`);
  live.close();
  const db = new Database(dest);
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all();
  for (const { name } of tables) {
    const cols = db.prepare(`SELECT name, type FROM pragma_table_info(?)`).all(name);
    for (const col of cols) {
      const q = (s) => `"${s.replace(/"/g, '""')}"`;
      for (const [from, to] of SCRUBS(home)) {
        db.prepare(`UPDATE ${q(name)} SET ${q(col.name)} = replace(${q(col.name)}, ?, ?) WHERE typeof(${q(col.name)}) = 'text'`).run(from, to);
      }
    }
  }
  db.exec('VACUUM');
  db.close();
}

function filesUnder(dir) {
  const out = [];
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.push(p);
    }
  };
  walk(dir);
  return out;
}

function must(label, r, describeRun) {
  if (r.code !== 0) throw new Error(describeRun(label, r));
  return r;
}

async function captureClaude(s, sandbox) {
  const sid = randomUUID();
  const bin = s.PROVIDER_BINS.claude;
  must('claude turn 1', await s.runInSandbox(sandbox, bin, ['-p', '--session-id', sid, FIRST]), s.describeRun);
  must('claude turn 2', await s.runInSandbox(sandbox, bin, ['-p', '--resume', sid, SECOND]), s.describeRun);
  copyClaudeProjects(sandbox, join(OUT, 'claude'));
  return { vendorSessionId: sid, files: `projects/${slugOf(join(PLACEHOLDER_HOME, 'project'))}/${sid}.jsonl` };
}

async function captureClaudeTui(s, sandbox, mock) {
  const sid = randomUUID();
  await tuiTwoTurns(s, sandbox, mock, 'claude', [s.PROVIDER_BINS.claude, '--session-id', sid], '? for shortcuts');
  copyClaudeProjects(sandbox, join(OUT, 'claude-tui'));
  return { vendorSessionId: sid, files: `projects/${slugOf(join(PLACEHOLDER_HOME, TUI_DIR))}/${sid}.jsonl` };
}

function copyClaudeProjects(sandbox, dest) {
  const projects = join(sandbox.claudeConfigDir, 'projects');
  for (const f of filesUnder(projects)) copyScrubbed(f, join(dest, 'projects', scrubText(relative(projects, f), sandbox.home)), sandbox.home);
}

async function captureCodex(s, sandbox) {
  const bin = s.PROVIDER_BINS.codex;
  const first = must('codex turn 1', await s.runInSandbox(sandbox, bin, ['exec', '--skip-git-repo-check', FIRST]), s.describeRun);
  const sid = /session id: ([0-9a-f-]{36})/.exec(first.stderr)?.[1];
  if (!sid) throw new Error(`codex printed no session id\n${first.stderr}`);
  must('codex turn 2', await s.runInSandbox(sandbox, bin, ['exec', '--skip-git-repo-check', 'resume', sid, SECOND]), s.describeRun);
  return { vendorSessionId: sid, files: copyCodexHome(sandbox, join(OUT, 'codex')) };
}

async function captureCodexTui(s, sandbox, mock) {
  // --no-daemon: otherwise the TUI leaves a background app-server running.
  await tuiTwoTurns(s, sandbox, mock, 'codex', [s.PROVIDER_BINS.codex, '--no-daemon'], '? for shortcuts');
  const rollout = filesUnder(join(sandbox.codexHome, 'sessions'))[0];
  if (!rollout) throw new Error('the codex TUI wrote no rollout');
  return { vendorSessionId: rollout.slice(-42, -6), files: copyCodexHome(sandbox, join(OUT, 'codex-tui')) };
}

function copyCodexHome(sandbox, dest) {
  const sessions = join(sandbox.codexHome, 'sessions');
  const rollouts = filesUnder(sessions);
  for (const f of rollouts) copyScrubbed(f, join(dest, 'sessions', relative(sessions, f)), sandbox.home);
  copyDbScrubbed(join(sandbox.codexHome, 'state_5.sqlite'), join(dest, 'state_5.sqlite'), sandbox.home);
  // The TUI keeps the thread names it asked the model for in session_index.jsonl.
  const extra = ['session_index.jsonl', 'history.jsonl'].filter((f) => existsSync(join(sandbox.codexHome, f)));
  for (const f of extra) copyScrubbed(join(sandbox.codexHome, f), join(dest, f), sandbox.home);
  return [...rollouts.map((f) => `sessions/${relative(sessions, f)}`), 'state_5.sqlite', ...extra].join(', ');
}

async function captureOpencode(s, sandbox) {
  const bin = s.PROVIDER_BINS.opencode;
  const first = must('opencode turn 1', await s.runInSandbox(sandbox, bin, ['run', '--format', 'json', FIRST]), s.describeRun);
  const sid = /"sessionID"\s*:\s*"(ses_[A-Za-z0-9]+)"/.exec(first.stdout)?.[1];
  if (!sid) throw new Error(`opencode printed no session id\n${first.stdout}`);
  must('opencode turn 2', await s.runInSandbox(sandbox, bin, ['run', '--session', sid, SECOND]), s.describeRun);
  return { vendorSessionId: sid, files: await copyOpencode(s, sandbox, sid, join(OUT, 'opencode')) };
}

async function captureOpencodeTui(s, sandbox, mock) {
  const cwd = await tuiTwoTurns(s, sandbox, mock, 'opencode', [s.PROVIDER_BINS.opencode], 'ctrl+p commands');
  const db = new Database(sandbox.opencodeDb, { readonly: true });
  const sid = db.prepare('SELECT id FROM session WHERE directory = ?').get(cwd)?.id;
  db.close();
  if (!sid) throw new Error('the opencode TUI wrote no session');
  return { vendorSessionId: sid, files: await copyOpencode(s, sandbox, sid, join(OUT, 'opencode-tui')) };
}

async function copyOpencode(s, sandbox, sid, dest) {
  const exported = must('opencode export', await s.runInSandbox(sandbox, s.PROVIDER_BINS.opencode, ['export', sid]), s.describeRun);
  mkdirSync(dest, { recursive: true });
  writeFileSync(join(dest, `export-${sid}.json`), scrubText(exported.stdout, sandbox.home));
  copyDbScrubbed(sandbox.opencodeDb, join(dest, 'opencode.db'), sandbox.home);
  return `export-${sid}.json (stdout of \`opencode export\`), opencode.db (at \`$XDG_DATA_HOME/opencode/opencode.db\`)`;
}

/**
 * Two turns typed into the interactive TUI in `$HOME/<TUI_DIR>` (a path with a space), in
 * a tmux server of our own; then the TUI is asked to quit with Ctrl-C, as happier stop does.
 */
async function tuiTwoTurns(s, sandbox, mock, agent, argv, readyText) {
  const cwd = join(sandbox.home, TUI_DIR);
  mkdirSync(cwd, { recursive: true });
  sandbox.trust(cwd);
  const tmux = s.testTmux(join(sandbox.home, 'tmux.sock'));
  const name = `capture-${agent}`;
  try {
    tmux.start(name, argv, { cwd, env: sandbox.env });
    await tmux.waitForText(name, readyText, 60_000);
    for (const turn of [FIRST, SECOND]) {
      const mark = mock.mark();
      await tmux.typeLine(name, turn);
      await s.waitUntil(
        `${agent} to show its answer`,
        () => mock.requestsSince(mark).some((r) => r.reply?.startsWith('Mock reply') && tmux.capture(name).includes(r.reply)),
        60_000,
      );
    }
    // Let the CLI finish writing (Claude's ai-title, OpenCode's title) before it is asked to quit.
    await s.sleep(1500);
    for (let i = 0; i < 3 && tmux.hasSession(name); i++) {
      tmux.sendKeys(name, ['C-c']);
      await s.sleep(700);
    }
    await s.waitUntil(`${agent} to quit`, () => !tmux.hasSession(name), 15_000);
  } catch (err) {
    throw new Error(`${err.message}\n--- pane\n${tmux.capture(name)}\n--- mock\n${mock.describe()}`);
  } finally {
    tmux.killServer();
  }
  return cwd;
}

const CAPTURES = {
  claude: captureClaude,
  codex: captureCodex,
  opencode: captureOpencode,
  'claude-tui': captureClaudeTui,
  'codex-tui': captureCodexTui,
  'opencode-tui': captureOpencodeTui,
};

async function main() {
  const s = await loadSupport();
  const missing = s.missingProviderBins();
  if (missing.length > 0) throw new Error(`provider CLIs missing (${missing.join(', ')}): run node scripts/install-provider-clis.mjs`);
  const agents = process.argv.slice(2).length > 0 ? process.argv.slice(2) : Object.keys(CAPTURES);
  const mock = await s.startMockModelApi();
  const facts = [];
  try {
    for (const agent of agents) {
      const home = mkdtempSync(join(tmpdir(), `happier-capture-${agent}-`));
      try {
        rmSync(join(OUT, agent), { recursive: true, force: true });
        const sandbox = s.createProviderSandbox(agent, home, { mockUrl: mock.url });
        const fact = await CAPTURES[agent](s, sandbox, mock);
        facts.push({ agent, ...fact });
        console.log(`${agent}: ${fact.vendorSessionId} -> test/fixtures/real/${agent}/`);
      } finally {
        rmSync(home, { recursive: true, force: true });
      }
    }
  } finally {
    await mock.close();
  }
  writeReadme(facts);
  const total = filesUnder(OUT).reduce((n, f) => n + statSync(f).size, 0);
  console.log(`fixtures: ${(total / 1024).toFixed(0)} KiB in test/fixtures/real/`);
}

function writeReadme(newFacts) {
  const readmePath = join(OUT, 'README.md');
  const factsPath = join(OUT, 'sessions.json');
  let facts = {};
  try {
    facts = JSON.parse(readFileSync(factsPath, 'utf8'));
  } catch {
    facts = {};
  }
  for (const f of newFacts) facts[f.agent] = { vendorSessionId: f.vendorSessionId, files: f.files, capturedAt: new Date().toISOString() };
  writeFileSync(factsPath, `${JSON.stringify(facts, null, 2)}\n`);
  const rows = Object.entries(facts)
    .map(([agent, f]) => `| ${agent} | \`${f.vendorSessionId}\` | ${f.files} |`)
    .join('\n');
  writeFileSync(
    readmePath,
    `# Real provider files

Written by \`node scripts/capture-provider-fixtures.mjs\` from the pinned CLIs
(Claude Code 2.1.197, Codex 0.169.0, OpenCode 1.18.33) talking to the mock model API
(test/support/mock-model-api.ts). Do not edit them by hand: re-run the script.

Each CLI ran in a sandbox whose HOME held every provider root (\`.claude\`, \`.codex\`,
\`.local/share/opencode\`, \`.config/opencode\`), with the session's cwd at \`$HOME/project\`.
One session per folder, each with the same two turns:

1. \`${FIRST}\`
2. \`${SECOND}\`

- **\`<agent>/\`**: non-interactive, cwd \`${PLACEHOLDER_HOME}/project\`; the second turn is a resume
  (\`claude -p --session-id\` then \`claude -p --resume\`; \`codex exec\` then \`codex exec resume\`;
  \`opencode run\` then \`opencode run --session\`).
- **\`<agent>-tui/\`**: the interactive TUI in tmux, cwd \`${PLACEHOLDER_HOME}/${TUI_DIR}\` (with a space),
  both turns typed, then quit with Ctrl-C (\`claude --session-id\`, \`codex --no-daemon\`, \`opencode\`).
  The TUIs ask the model for a title: Claude writes it as an \`ai-title\` line, Codex as
  \`threads.name\` in state_5.sqlite and a \`thread_name\` in session_index.jsonl.

The only scrubbing: the sandbox's absolute path is replaced by the placeholder
**\`${PLACEHOLDER_HOME}\`** everywhere (so the cwd reads \`${PLACEHOLDER_HOME}/project\`), the same path
without its leading slash (OpenCode's \`path\` field) by \`${PLACEHOLDER_HOME.slice(1)}\`, and its Claude
slug by \`${slugOf(PLACEHOLDER_HOME)}\` (so the project folder is \`${slugOf(PLACEHOLDER_HOME + '/project')}\`). Both SQLite files were
copied with \`VACUUM INTO\` and the same replacement in every text column.

The mock answers \`Mock reply number N.\` to a turn and \`Mock session title\` to a CLI's
own title request (OpenCode always makes one, the Claude and Codex TUIs too).

| folder | vendor session id | files (relative to the provider root) |
|---|---|---|
${rows}

The ids are also in \`sessions.json\`.
`,
  );
}

await main();
