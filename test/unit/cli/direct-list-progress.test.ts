import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliIO } from '../../../src/cli/cli-io.js';
import { execute } from '../../../src/cli/main.js';
import { tempDir } from '../../helpers/temp-dir.js';

const dir = tempDir('happier-direct-progress-');
afterAll(() => dir.cleanup());
const claude = join(dir.path, 'claude');
for (let i = 0; i < 3; i++) {
  const id = randomUUID();
  mkdirSync(join(claude, 'projects', '-w'), { recursive: true });
  writeFileSync(
    join(claude, 'projects', '-w', `${id}.jsonl`),
    JSON.stringify({ type: 'user', message: { role: 'user', content: `task ${i}` }, cwd: '/w', sessionId: id, timestamp: '2026-11-01T00:00:00.000Z' }) + '\n',
  );
}

function io(stderrIsTTY: boolean): CliIO & { err: string; outText: string } {
  const self = {
    err: '',
    outText: '',
    env: { HAPPIER_HOME: join(dir.path, 'home'), CLAUDE_CONFIG_DIR: claude, CODEX_HOME: join(dir.path, 'codex'), XDG_DATA_HOME: join(dir.path, 'xdg'), NO_COLOR: '1' },
    stdout: { write: (t: string) => (self.outText += t), isTTY: false },
    stderr: { write: (t: string) => (self.err += t), isTTY: stderrIsTTY },
    stdinIsTTY: false,
    cwd: dir.path,
    homeDir: dir.path,
    now: () => new Date('2026-11-02T00:00:00.000Z'),
  };
  return self;
}

describe('direct list progress', () => {
  it('shows scan progress on a terminal, and clears it', async () => {
    const t = io(true);
    expect(await execute(['direct', 'list', '--agent', 'claude'], t)).toBe(0);
    expect(t.err).toContain('scanning claude sessions 3/3');
    expect(t.err.endsWith('\r\x1b[K')).toBe(true);
    expect(t.outText.split('\n')).toHaveLength(5);
  });

  it('stays quiet when stderr is not a terminal, or with --json', async () => {
    const piped = io(false);
    expect(await execute(['direct', 'list', '--agent', 'claude'], piped)).toBe(0);
    expect(piped.err).toBe('');
    const json = io(true);
    expect(await execute(['direct', 'list', '--json'], json)).toBe(0);
    expect(json.err).toBe('');
    expect(JSON.parse(json.outText).data.directSessions).toHaveLength(3);
  });
});
