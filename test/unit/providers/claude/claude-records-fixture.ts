import { randomUUID } from 'node:crypto';

/**
 * Builders for Claude Code transcript lines in the shape Claude 2.x writes them (field
 * order included: `type` comes before `message` in user records and after it in
 * assistant records). Used to hand-make bad files around realistic good lines.
 */
let clock = Date.parse('2026-11-01T10:00:00.000Z');
const nextTime = () => new Date((clock += 1000)).toISOString();

export function userLine(sessionId: string, cwd: string, content: unknown, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    parentUuid: null,
    isSidechain: false,
    userType: 'external',
    cwd,
    sessionId,
    version: '2.1.197',
    gitBranch: '',
    type: 'user',
    message: { role: 'user', content },
    uuid: randomUUID(),
    timestamp: nextTime(),
    ...extra,
  });
}

export function assistantLine(sessionId: string, cwd: string, content: unknown[], messageId = `msg_${randomUUID()}`): string {
  return JSON.stringify({
    parentUuid: randomUUID(),
    isSidechain: false,
    userType: 'external',
    cwd,
    sessionId,
    version: '2.1.197',
    gitBranch: '',
    message: { id: messageId, type: 'message', role: 'assistant', model: 'mock-model', content },
    requestId: `req_${randomUUID()}`,
    type: 'assistant',
    uuid: randomUUID(),
    timestamp: nextTime(),
  });
}

export const text = (t: string) => ({ type: 'text', text: t });
export const toolUse = (name: string, input: Record<string, unknown>) => ({ type: 'tool_use', id: `toolu_${randomUUID()}`, name, input });
export const toolResult = (content: string) => [{ tool_use_id: `toolu_${randomUUID()}`, type: 'tool_result', content }];

export function attachmentLine(sessionId: string, cwd: string, bytes: number): string {
  return JSON.stringify({ type: 'attachment', cwd, sessionId, attachment: { type: 'file', content: 'a'.repeat(bytes) }, timestamp: nextTime() });
}

export const customTitleLine = (sessionId: string, title: string) => JSON.stringify({ type: 'custom-title', customTitle: title, sessionId });
export const aiTitleLine = (sessionId: string, title: string) => JSON.stringify({ type: 'ai-title', aiTitle: title, sessionId });
export const summaryLine = (title: string) => JSON.stringify({ type: 'summary', summary: title, leafUuid: randomUUID() });

export const lines = (...ls: string[]) => ls.map((l) => l + '\n').join('');
