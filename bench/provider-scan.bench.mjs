// Claude discovery over a generated root of 2,000 transcripts (about 1 GB): the cold scan
// (empty cache), the warm scan (cache filled, nothing changed), and, as the yardstick in
// the same run, a naive parse of every line of every file.
// Targets: warm <= 150 ms; cold at least 10x faster than the naive parse.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { discoverClaude } from '../dist/src/providers/claude/claude-discovery.js';
import { openRegistry } from '../dist/src/store/registry.js';
import { ScanCacheRepo } from '../dist/src/store/scan-cache-repo.js';
import { fmt, printTable, summarize } from './timing.mjs';

const FILES = 2000;
const PROJECTS = 50;
const TOOL_RESULT_BYTES = 120 * 1024;
// Bump when the generated tree's shape changes; older trees are removed.
const TREE_VERSION = 'claude-scan-v3';
const CACHE_PARENT = join(tmpdir(), 'happier-bench');
const ROOT = join(CACHE_PARENT, TREE_VERSION);

/**
 * What Claude's Read tool returns: numbered source lines (`cat -n` style), here this
 * project's own TypeScript, so the records hold the quotes, tabs and backslashes real ones do.
 */
const READ_OUTPUT = (() => {
  const src = join(fileURLToPath(new URL('..', import.meta.url)), 'src');
  const lines = [];
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name.endsWith('.ts')) lines.push(...readFileSync(join(d, e.name), 'utf8').split('\n'));
    }
  };
  walk(src);
  let out = '';
  for (let i = 0; out.length < TOOL_RESULT_BYTES; i++) out += `${String(i + 1).padStart(6)}\t${lines[i % lines.length]}\n`;
  return out;
})();

let clock = Date.parse('2026-10-01T00:00:00.000Z');
const at = () => new Date((clock += 1500)).toISOString();

function rec(sid, cwd, type, message, extra = {}) {
  return JSON.stringify({ parentUuid: randomUUID(), isSidechain: false, type, message, uuid: randomUUID(), timestamp: at(), userType: 'external', cwd, sessionId: sid, version: '2.1.197', gitBranch: 'main', ...extra });
}

/**
 * One transcript the way real ones are shaped: short prompts and answers, tool calls, and
 * most of the bytes in a few long tool results (file reads, test output).
 */
function transcript(sid, cwd, n) {
  const lines = [
    JSON.stringify({ type: 'queue-operation', operation: 'enqueue', timestamp: at(), sessionId: sid, content: `task ${n}` }),
    JSON.stringify({ type: 'attachment', attachment: { type: 'skill_listing', content: 'skill: '.repeat(400) }, timestamp: at(), cwd, sessionId: sid }),
    rec(sid, cwd, 'user', { role: 'user', content: `Refactor module ${n % 97} and make the tests pass` }),
  ];
  for (let turn = 0; turn < 10; turn++) {
    const tid = `toolu_${randomUUID()}`;
    lines.push(rec(sid, cwd, 'assistant', { id: `msg_${randomUUID()}`, type: 'message', role: 'assistant', content: [{ type: 'text', text: 'Let me look at the code. '.repeat(20) }] }));
    lines.push(rec(sid, cwd, 'assistant', { id: `msg_${randomUUID()}`, type: 'message', role: 'assistant', content: [{ type: 'tool_use', id: tid, name: 'Read', input: { file_path: `${cwd}/src/file${turn}.ts` } }] }));
    const body = turn % 3 === 0 ? READ_OUTPUT : 'ok\n'.repeat(300);
    lines.push(rec(sid, cwd, 'user', { role: 'user', content: [{ tool_use_id: tid, type: 'tool_result', content: body }] }));
  }
  lines.push(JSON.stringify({ type: 'ai-title', aiTitle: `Refactor module ${n % 97}`, sessionId: sid }));
  return lines.join('\n') + '\n';
}

function generate() {
  if (existsSync(join(ROOT, '.complete'))) return;
  mkdirSync(CACHE_PARENT, { recursive: true });
  for (const old of readdirSync(CACHE_PARENT)) if (old !== TREE_VERSION) rmSync(join(CACHE_PARENT, old), { recursive: true, force: true });
  rmSync(ROOT, { recursive: true, force: true });
  const t0 = Date.now();
  let bytes = 0;
  for (let p = 0; p < PROJECTS; p++) {
    const cwd = `/home/dev/projects/repo-${p}`;
    const folder = join(ROOT, 'projects', cwd.replace(/[^A-Za-z0-9]/g, '-'));
    mkdirSync(folder, { recursive: true });
    for (let i = p; i < FILES; i += PROJECTS) {
      const sid = randomUUID();
      const text = transcript(sid, cwd, i);
      bytes += Buffer.byteLength(text);
      writeFileSync(join(folder, `${sid}.jsonl`), text);
    }
  }
  writeFileSync(join(ROOT, '.complete'), '');
  console.log(`generated ${FILES} transcripts, ${(bytes / 2 ** 20).toFixed(0)} MB, in ${((Date.now() - t0) / 1000).toFixed(1)} s (kept in ${ROOT})`);
}

function naiveParse() {
  let messages = 0;
  const projects = join(ROOT, 'projects');
  for (const d of readdirSync(projects)) {
    for (const f of readdirSync(join(projects, d))) {
      for (const line of readFileSync(join(projects, d, f), 'utf8').split('\n')) {
        if (!line) continue;
        const r = JSON.parse(line);
        if (r.type === 'user' || r.type === 'assistant') messages++;
      }
    }
  }
  return messages;
}

function readAll() {
  const projects = join(ROOT, 'projects');
  for (const d of readdirSync(projects)) for (const f of readdirSync(join(projects, d))) readFileSync(join(projects, d, f));
}

async function timed(fn) {
  const t0 = process.hrtime.bigint();
  const value = await fn();
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, value };
}

generate();
const home = mkdtempSync(join(tmpdir(), 'happier-bench-scan-home-'));
try {
  // Warm the page cache so every contender reads from memory, as on a second run. The naive
  // parse runs last so the garbage it leaves is not collected during the other timings.
  readAll();
  const coldRuns = [];
  let coldSessions = [];
  for (let i = 0; i < 3; i++) {
    const reg = openRegistry(join(home, `cold${i}`), { machineName: 'bench' });
    const r = await timed(() => discoverClaude(ROOT, new ScanCacheRepo(reg, 'claude')));
    coldRuns.push(r.ms);
    coldSessions = r.value;
    reg.close();
  }
  const warmRuns = [];
  let warmSessions = [];
  for (let i = 0; i < 7; i++) {
    // As a new process would: the registry opened and the cache read afresh each time.
    const r = await timed(() => {
      const reg = openRegistry(join(home, 'cold0'), { machineName: 'bench' });
      try {
        return discoverClaude(ROOT, new ScanCacheRepo(reg, 'claude'));
      } finally {
        reg.close();
      }
    });
    warmRuns.push(r.ms);
    warmSessions = r.value;
  }
  const naiveRuns = [];
  let naiveMessages = 0;
  for (let i = 0; i < 3; i++) {
    const r = await timed(naiveParse);
    naiveRuns.push(r.ms);
    naiveMessages = r.value;
  }
  const counted = coldSessions.reduce((a, s) => a + s.messageCount, 0);
  if (coldSessions.length !== FILES || warmSessions.length !== FILES || counted !== naiveMessages) {
    throw new Error(`scan disagrees with the naive parse: ${coldSessions.length}/${warmSessions.length} sessions, ${counted} vs ${naiveMessages} messages`);
  }
  const naive = summarize(naiveRuns).median;
  const cold = summarize(coldRuns).median;
  const warm = summarize(warmRuns).median;
  printTable([
    { scan: 'naive parse of every line (yardstick)', median: fmt(naive), ratio: '1.00x', target: '', met: '' },
    { scan: 'cold scan (empty cache)', median: fmt(cold), ratio: `${(naive / cold).toFixed(1)}x faster`, target: '>= 10x faster', met: naive / cold >= 10 ? 'yes' : 'NO' },
    { scan: 'warm scan (cache filled)', median: fmt(warm), ratio: `${(naive / warm).toFixed(0)}x faster`, target: '<= 150 ms', met: warm <= 150 ? 'yes' : 'NO' },
  ]);
  console.log(`${FILES} sessions, ${naiveMessages} messages counted alike by the scan and the naive parse`);
} finally {
  rmSync(home, { recursive: true, force: true });
}
