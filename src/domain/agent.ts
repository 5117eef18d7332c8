export const AGENTS = ['claude', 'codex', 'opencode'] as const;
export type Agent = (typeof AGENTS)[number];

/** The ways happier can drive Codex; only some of them can reopen a conversation. */
export const CODEX_PATHS = ['app-server', 'acp', 'mcp'] as const;
export type CodexPath = (typeof CODEX_PATHS)[number];

/** Claude and OpenCode have one way in: their own CLI. */
export type Backend = CodexPath | 'cli';

export function isAgent(value: string): value is Agent {
  return (AGENTS as readonly string[]).includes(value);
}

/** Backends whose provider has no vendor resume. */
export function backendSupportsResume(agent: Agent, backend: Backend): boolean {
  return !(agent === 'codex' && backend === 'mcp');
}
