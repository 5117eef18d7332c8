import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Lines shaped like a Codex 0.16x rollout: session_meta first, then context, turns and events. */
export function rolloutLines(opts: { id: string; cwd: string; start: string; prompt?: string; answer?: string; extra?: object[] }): string[] {
  const t = (s: number) => new Date(Date.parse(opts.start) + s * 1000).toISOString();
  const rec = (s: number, type: string, payload: object) => JSON.stringify({ timestamp: t(s), type, payload });
  return [
    rec(0, 'session_meta', {
      id: opts.id,
      timestamp: opts.start,
      cwd: opts.cwd,
      originator: 'codex_cli_rs',
      cli_version: '0.169.0',
      source: 'cli',
      model_provider: 'mock',
      base_instructions: { text: 'You are Codex. '.repeat(400) },
      git: null,
    }),
    rec(0, 'response_item', { type: 'message', role: 'developer', content: [{ type: 'input_text', text: '<permissions instructions>sandbox</permissions instructions>' }] }),
    rec(0, 'response_item', { type: 'message', role: 'user', content: [{ type: 'input_text', text: `# AGENTS.md instructions for ${opts.cwd}\n\n<INSTRUCTIONS>be nice</INSTRUCTIONS>` }] }),
    rec(0, 'response_item', { type: 'message', role: 'user', content: [{ type: 'input_text', text: `<environment_context>\n  <cwd>${opts.cwd}</cwd>\n</environment_context>` }] }),
    rec(1, 'turn_context', { cwd: opts.cwd, approval_policy: 'on-request', sandbox_policy: { type: 'workspace-write' }, model: 'mock-model' }),
    rec(1, 'response_item', { type: 'message', role: 'user', content: [{ type: 'input_text', text: opts.prompt ?? 'list the files please' }] }),
    rec(1, 'event_msg', { type: 'user_message', message: opts.prompt ?? 'list the files please', images: [] }),
    rec(2, 'response_item', { type: 'reasoning', summary: [], content: null, encrypted_content: 'gAAA' }),
    rec(2, 'response_item', { type: 'function_call', name: 'shell', arguments: JSON.stringify({ command: ['bash', '-lc', 'ls -la'], workdir: opts.cwd }), call_id: 'call_1' }),
    rec(3, 'response_item', { type: 'function_call_output', call_id: 'call_1', output: '{"output":"a.txt\\n"}' }),
    rec(3, 'response_item', { type: 'custom_tool_call', name: 'apply_patch', call_id: 'call_2', input: '*** Begin Patch\n*** Update File: src/a.ts\n@@\n-x\n+y\n*** End Patch' }),
    rec(4, 'response_item', { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: opts.answer ?? 'There is a.txt.' }] }),
    rec(4, 'event_msg', { type: 'agent_message', message: opts.answer ?? 'There is a.txt.' }),
    rec(5, 'event_msg', { type: 'token_count', info: null }),
    ...(opts.extra ?? []).map((e) => JSON.stringify(e)),
  ];
}

export function rolloutName(id: string, start: string): string {
  return `rollout-${start.slice(0, 19).replace(/:/g, '-')}-${id}.jsonl`;
}

/** Writes a rollout at sessions/YYYY/MM/DD/ under `root` and returns its path. */
export function writeRollout(root: string, opts: { id: string; cwd: string; start: string; prompt?: string; archived?: boolean; content?: string }): string {
  const [y, m, d] = opts.start.slice(0, 10).split('-');
  const path = opts.archived
    ? join(root, 'archived_sessions', rolloutName(opts.id, opts.start))
    : join(root, 'sessions', y!, m!, d!, rolloutName(opts.id, opts.start));
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, opts.content ?? rolloutLines(opts).join('\n') + '\n');
  return path;
}

/** A scan cache in memory, as the registry's would behave. */
export function memoryCache() {
  const entries = new Map<string, import('../../../../src/providers/provider.js').ScanCacheEntry>();
  return {
    entries,
    get: (path: string) => entries.get(path),
    put: (e: import('../../../../src/providers/provider.js').ScanCacheEntry) => void entries.set(e.path, e),
    prune: (_agent: unknown, seen: ReadonlySet<string>) => {
      for (const k of [...entries.keys()]) if (!seen.has(k)) entries.delete(k);
    },
  };
}
