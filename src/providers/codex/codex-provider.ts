import type { Provider } from '../provider.js';
import { codexLaunchSpec, codexResumeSpec } from './codex-argv.js';
import { exportCodexBundle, importCodexBundle } from './codex-bundle.js';
import { discoverCodex } from './codex-discovery.js';
import { codexBinary, codexRoot } from './codex-home.js';
import { isCodexSessionId } from './codex-session-id.js';
import { readCodexTranscript } from './codex-transcript.js';
import { codexExecutables } from './codex-executables.js';
import { codexTrust } from './codex-trust.js';

export { findNewSession } from './codex-new-session.js';

export const codexProvider: Provider = {
  agent: 'codex',
  root: (ctx) => codexRoot(ctx.env, ctx.homeDir),
  binary: (ctx) => codexBinary(ctx.env),
  isVendorId: isCodexSessionId,
  executables: codexExecutables,
  promptMarkers: ['? for shortcuts'],
  trust: codexTrust(),
  discover: (ctx, cache, opts?: { onProgress?: (done: number, total: number) => void }) => discoverCodex(codexRoot(ctx.env, ctx.homeDir), cache, opts),
  readTranscript: readCodexTranscript,
  launchCommand: (ctx, opts) => codexLaunchSpec(codexBinary(ctx.env), opts),
  resumeCommand: (ctx, opts) => codexResumeSpec(codexBinary(ctx.env), opts),
  exportBundle: exportCodexBundle,
  importBundle: importCodexBundle,
};
