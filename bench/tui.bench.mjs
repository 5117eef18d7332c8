// The session browser with 10,000 sessions and 2,000 direct (Claude) sessions, measured
// in-process and headlessly: the real state model, renderers and neo-blessed screen write
// into a fake tty whose bytes @xterm/headless parses, so "painted" means the terminal has
// parsed the frame. Data comes from a real registry and a real scan of 2,000 transcripts.
//   first paint  startBrowser() -> the frame with the first session row written to the tty
//                (registry already open, scan cache warm, as on any run after the first);
//                also shown: until the headless terminal has parsed it, which in this one
//                process waits behind the direct scan that a real terminal would not wait for
//   key latency  a key written to the tty's input -> the repaint parsed by the terminal
//   filter       echo: key -> first frame written to the tty (the typed text); results:
//                key -> the filtered list parsed by the terminal
//   whole process  the built `happier` in a real tmux pane: spawn -> first row on tmux's screen
//                (node start-up, CLI load, registry open included; capture-pane polling)
// Yardstick, in the same run: one full-screen repaint of static text through the same
// blessed screen and terminal (the floor of any repaint in this stack).
import xterm from '@xterm/headless';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { AGENTS } from '../dist/src/domain/agent.js';
import { CliContext } from '../dist/src/cli/context.js';
import { scanDirect } from '../dist/src/cli/direct-sessions.js';
import { coreServices } from '../dist/tui/app/core-services.js';
import { startBrowser } from '../dist/tui/app/browser-app.js';
import { createBlessedScreen } from '../dist/tui/view/blessed-screen.js';
import { nodeProcessRunner } from '../dist/shell/node-process-runner.js';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { seedRegistry } from './seed-registry.mjs';
import { fmt, printTable, summarize } from './timing.mjs';

const SESSIONS = 10_000;
const DIRECT = 2_000;
const COLS = 120;
const ROWS = 40;
const dir = mkdtempSync(join(tmpdir(), 'happier-bench-tui-'));
const home = join(dir, 'happier');
const claude = join(dir, 'claude');

function seed() {
  seedRegistry(home, SESSIONS);
  const base = Date.parse('2026-01-01T00:00:00Z');
  for (let i = 0; i < DIRECT; i++) {
    const id = randomUUID();
    const cwd = `/home/dev/native/app-${i % 41}`;
    const folder = join(claude, 'projects', cwd.replace(/[^A-Za-z0-9]/g, '-'));
    mkdirSync(folder, { recursive: true });
    const at = new Date(base + i * 30_000).toISOString();
    const rec = (type, content) => JSON.stringify({ type, message: { role: type, content }, uuid: randomUUID(), timestamp: at, cwd, sessionId: id, version: '2.1.197' });
    writeFileSync(join(folder, `${id}.jsonl`), [rec('user', `native task ${i}: tidy the build`), rec('assistant', [{ type: 'text', text: 'Done.' }])].join('\n') + '\n');
  }
}

function headless(marker = null) {
  const term = new xterm.Terminal({ cols: COLS, rows: ROWS, allowProposedApi: true });
  const seen = { at: null, firstWrite: null };
  const output = Object.assign(
    new Writable({
      write(chunk, _e, cb) {
        // When the frame holding `marker` reaches the tty: for a real terminal, the moment it can show it.
        if (marker && seen.at === null && chunk.toString().includes(marker)) seen.at = performance.now();
        seen.firstWrite ??= performance.now();
        term.write(chunk, () => cb());
      },
    }),
    { isTTY: true, columns: COLS, rows: ROWS },
  );
  const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode() {} });
  const flush = () => new Promise((r) => term.write('', () => r()));
  const line = (n) => term.buffer.active.getLine(n)?.translateToString(true) ?? '';
  return { term, output, input, flush, line, seen };
}

const env = { ...process.env, HAPPIER_HOME: home, HOME: dir, CLAUDE_CONFIG_DIR: claude, CODEX_HOME: join(dir, 'codex'), XDG_DATA_HOME: join(dir, 'xdg'), NO_COLOR: '1' };
const io = { env, stdout: { write: () => true }, stderr: { write: () => true }, stdinIsTTY: false, cwd: dir, homeDir: dir, now: () => new Date() };

try {
  seed();
  const ctx = new CliContext(io);
  const store = await ctx.store();
  let t = performance.now();
  await scanDirect(ctx, AGENTS);
  const coldScan = performance.now() - t;

  const host = {
    env, homeDir: dir, cwd: dir, now: () => new Date(), store, runner: nodeProcessRunner,
    liveTmux: (sessions) => ctx.liveTmux(sessions),
    scanDirect: async () => (await scanDirect(ctx, AGENTS)).sessions,
  };

  // Warm-up run: module and JIT warm-up, as in a long-lived process.
  const paints = [];
  let keyed;
  for (let run = 0; run < 4; run++) {
    const h = headless('session 9999');
    const t0 = performance.now();
    const view = createBlessedScreen({ input: h.input, output: h.output, color: false, terminal: 'xterm-256color' });
    const app = startBrowser(view, coreServices(host), { now: () => new Date(), home: dir, previewDelayMs: 10_000 });
    for (;;) {
      await h.flush();
      if (h.line(2).includes('session 9999')) break;
      await new Promise((r) => setImmediate(r));
    }
    const parsed = performance.now() - t0;
    const firstPaint = h.seen.at - t0;
    await app.loaded;
    const allLoaded = performance.now() - t0;
    if (run > 0) paints.push({ firstPaint, parsed, allLoaded });
    if (run === 3) keyed = { h, app };
    else {
      app.quit();
      await app.done;
      h.term.dispose();
    }
  }

  // The whole process as a user starts it: `happier` in a real tmux pane, from spawn to the
  // first session row in tmux's own screen (polled with capture-pane, so a few ms coarse).
  const BIN = fileURLToPath(new URL('../bin/happier', import.meta.url));
  const sock = join(dir, 'bench-tmux.sock');
  const tmux = (...args) => execFileSync('tmux', ['-S', sock, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  const wholeProcess = [];
  // A session that outlives the runs keeps one tmux server up, so its start-up is not timed.
  tmux('new-session', '-d', '-s', 'keep', '--', 'sleep', '600');
  for (let run = 0; run < 6; run++) {
    const envArgs = ['HAPPIER_HOME', 'HOME', 'CLAUDE_CONFIG_DIR', 'CODEX_HOME', 'XDG_DATA_HOME'].flatMap((k) => ['-e', `${k}=${env[k]}`]);
    const t0 = performance.now();
    tmux('new-session', '-d', '-s', `b${run}`, '-x', String(COLS), '-y', String(ROWS), ...envArgs, '-e', 'NO_COLOR=1', '--', process.execPath, BIN);
    for (;;) {
      if (tmux('capture-pane', '-p', '-t', `b${run}`).includes('session 9999')) break;
      if (performance.now() - t0 > 20_000) throw new Error('the browser never showed its first row');
    }
    if (run > 0) wholeProcess.push(performance.now() - t0);
    tmux('kill-session', '-t', `b${run}`);
  }
  tmux('kill-server');

  const { h, app } = keyed;
  const tick = () => new Promise((r) => setImmediate(r));
  const press = async (seq, turns = 1) => {
    const t0 = performance.now();
    h.input.write(seq);
    for (let i = 0; i < turns; i++) await tick();
    await h.flush();
    return performance.now() - t0;
  };
  const nav = [];
  const keys = ['j', 'j', 'j', 'k', '\x1b[6~', 'j', '\x1b[5~', 'k'];
  for (let i = 0; i < 400; i++) nav.push(await press(keys[i % keys.length]));
  await press('G');
  const ends = [await press('g'), await press('G'), await press('g')];
  await press('2');
  const direct = [];
  for (let i = 0; i < 100; i++) direct.push(await press(i % 2 ? 'k' : 'j'));
  await press('1');
  // The typed text is echoed at once and the search runs on the next turn of the event
  // loop, so each key is timed twice: until its echo is painted, and until its results are.
  const echo = [];
  const filter = [];
  for (const query of ['refac 42', 'module 7 p3', 'repo-12']) {
    await press('/', 3);
    for (const ch of query) {
      h.seen.firstWrite = null;
      const t0 = performance.now();
      h.input.write(ch);
      await tick();
      await h.flush();
      // The echo is the first frame written after the key, before the search runs.
      echo.push(h.seen.firstWrite - t0);
      await tick();
      await tick();
      await h.flush();
      filter.push(performance.now() - t0);
    }
    await press('\x1b', 3);
  }

  // Yardstick: a full-screen repaint of static text through the same screen and terminal.
  const y = headless();
  const yv = createBlessedScreen({ input: y.input, output: y.output, color: false, terminal: 'xterm-256color' });
  yv.list.place({ top: 0, left: 0, width: COLS, height: ROWS });
  const yard = [];
  for (let i = 0; i < 200; i++) {
    const lines = Array.from({ length: ROWS }, (_, n) => [{ text: `row ${n} repaint ${i} `.repeat(6).slice(0, COLS) }]);
    const t0 = performance.now();
    yv.list.setLines(lines);
    yv.render();
    await y.flush();
    yard.push(performance.now() - t0);
  }
  yv.destroy();
  app.quit();
  await app.done;

  const fp = summarize(paints.map((p) => p.firstPaint));
  const al = summarize(paints.map((p) => p.allLoaded));
  const pp = summarize(paints.map((p) => p.parsed));
  const wp = summarize(wholeProcess);
  const n = summarize(nav);
  const d = summarize(direct);
  const f = summarize(filter);
  const fe = summarize(echo);
  const e = summarize(ends);
  const ys = summarize(yard);
  const ratio = (m) => `${(m / ys.median).toFixed(2)}x`;
  console.log(`${SESSIONS} sessions, ${DIRECT} direct sessions, ${COLS}x${ROWS}; cold scan of ${DIRECT} transcripts: ${fmt(coldScan)}`);
  printTable([
    { measure: 'full repaint of static text (yardstick)', median: fmt(ys.median), p90: fmt(ys.p90), ratio: '1.00x', target: '', met: '' },
    { measure: 'first paint (frame written to the tty)', median: fmt(fp.median), p90: fmt(fp.p90), ratio: ratio(fp.median), target: '300 ms', met: fp.median <= 300 ? 'yes' : 'NO' },
    { measure: 'first paint parsed by the terminal', median: fmt(pp.median), p90: fmt(pp.p90), ratio: ratio(pp.median), target: '', met: '' },
    { measure: 'whole process in tmux: spawn -> row shown', median: fmt(wp.median), p90: fmt(wp.p90), ratio: ratio(wp.median), target: '', met: '' },
    { measure: 'every tab loaded (incl. direct scan)', median: fmt(al.median), p90: fmt(al.p90), ratio: ratio(al.median), target: '', met: '' },
    { measure: 'key -> repaint: j/k/PgUp/PgDn', median: fmt(n.median), p90: fmt(n.p90), ratio: ratio(n.median), target: '16 ms', met: n.median <= 16 ? 'yes' : 'NO' },
    { measure: 'key -> repaint: g/G (ends)', median: fmt(e.median), p90: fmt(e.p90), ratio: ratio(e.median), target: '', met: '' },
    { measure: 'key -> repaint: Direct tab j/k', median: fmt(d.median), p90: fmt(d.p90), ratio: ratio(d.median), target: '', met: '' },
    { measure: 'filter key -> text echoed (written)', median: fmt(fe.median), p90: fmt(fe.p90), ratio: ratio(fe.median), target: '', met: '' },
    { measure: 'filter key -> results painted (10k)', median: fmt(f.median), p90: fmt(f.p90), ratio: ratio(f.median), target: '', met: '' },
  ]);
  await ctx.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
