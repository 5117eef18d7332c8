import { afterAll, beforeAll } from 'vitest';
import type { CliRun } from '../helpers/run-happier.js';
import { tempDir } from '../helpers/temp-dir.js';
import { startMockModelApi, type MockModelApi } from './mock-model-api.js';
import { missingProviderBins, type ProviderAgent } from './provider-sandbox.js';

export interface RealCliWorld {
  /** Set once the file's beforeAll has run. */
  readonly mock: MockModelApi;
  /** A temp folder for the file's sandboxes and sockets, removed after it. */
  readonly path: string;
}

/**
 * What every real-CLI test file starts with: the pinned CLIs must be installed (a missing
 * one fails, never skips), one mock model API, one temp folder. Call at the file's top.
 */
export function realCliWorld(prefix: string): RealCliWorld {
  const dir = tempDir(prefix);
  let mock: MockModelApi | undefined;
  beforeAll(async () => {
    const missing = missingProviderBins();
    if (missing.length > 0) {
      throw new Error(`provider CLIs not installed (${missing.join(', ')}): run \`node scripts/install-provider-clis.mjs\` first`);
    }
    mock = await startMockModelApi();
  });
  afterAll(async () => {
    await mock?.close();
    dir.cleanup();
  });
  return {
    get mock(): MockModelApi {
      if (!mock) throw new Error('the mock model API starts in beforeAll');
      return mock;
    },
    path: dir.path,
  };
}

/** Text each TUI shows once it takes input. */
export const TUI_READY: Readonly<Record<ProviderAgent, string>> = {
  claude: '? for shortcuts',
  codex: '? for shortcuts',
  opencode: 'ctrl+p commands',
};

export function describeCli(r: CliRun): string {
  return `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
}
