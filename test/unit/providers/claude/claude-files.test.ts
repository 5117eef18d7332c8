import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { claudeSessionClaims } from '../../../../src/providers/claude/claude-files.js';
import { tempDir } from '../../../helpers/temp-dir.js';

const dir = tempDir('happier-claude-files-');
afterAll(() => dir.cleanup());

describe('claudeSessionClaims', () => {
  it("reads the pids Claude records for a session from sessions/<pid>.json, skipping what it cannot read", () => {
    const id = randomUUID();
    mkdirSync(join(dir.path, 'sessions'));
    writeFileSync(join(dir.path, 'sessions', '41.json'), JSON.stringify({ pid: 41, sessionId: id.toUpperCase(), cwd: '/w', status: 'idle' }));
    writeFileSync(join(dir.path, 'sessions', '42.json'), JSON.stringify({ pid: 42, sessionId: randomUUID() }));
    writeFileSync(join(dir.path, 'sessions', '43.json'), '{"pid":43,"sessionId"');
    expect(claudeSessionClaims(dir.path, id)).toEqual([41]);
    expect(claudeSessionClaims(join(dir.path, 'nope'), id)).toEqual([]);
  });
});
