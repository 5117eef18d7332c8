import type { Provider } from '../provider.js';
import { opencodeLaunchSpec, opencodeResumeSpec } from './opencode-argv.js';
import { exportOpencodeBundle, importOpencodeBundle } from './opencode-bundle.js';
import { discoverOpencode } from './opencode-discovery.js';
import { opencodeBinary, opencodeDataDir } from './opencode-home.js';
import { isOpencodeSessionId } from './opencode-session-id.js';
import { readOpencodeTranscript } from './opencode-transcript.js';

export { findNewSession } from './opencode-new-session.js';

export const opencodeProvider: Provider = {
  agent: 'opencode',
  root: (ctx) => opencodeDataDir(ctx.env, ctx.homeDir),
  binary: (ctx) => opencodeBinary(ctx.env),
  isVendorId: isOpencodeSessionId,
  async discover(ctx) {
    const found = await discoverOpencode(ctx);
    // The list is still useful without the database, so its absence is a note, not a failure.
    if (found.skippedDb) process.stderr.write(`note: ${found.skippedDb}\n`);
    return found.sessions;
  },
  readTranscript: readOpencodeTranscript,
  launchCommand: (ctx, opts) => opencodeLaunchSpec(opencodeBinary(ctx.env), opts),
  resumeCommand: (ctx, opts) => opencodeResumeSpec(opencodeBinary(ctx.env), opts),
  exportBundle: exportOpencodeBundle,
  importBundle: importOpencodeBundle,
};
