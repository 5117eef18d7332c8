import { HappierError } from '../../domain/errors.js';
import type { Provider } from '../provider.js';
import { opencodeLaunchSpec, opencodeResumeSpec } from './opencode-argv.js';
import { exportOpencodeBundle, importOpencodeBundle } from './opencode-bundle.js';
import { discoverOpencode } from './opencode-discovery.js';
import { opencodeBinary, opencodeDataDir } from './opencode-home.js';
import { isOpencodeSessionId } from './opencode-session-id.js';
import { readOpencodeTranscript } from './opencode-transcript.js';
import { opencodeExecutables } from './opencode-executables.js';

export { findNewSession } from './opencode-new-session.js';

export const opencodeProvider: Provider = {
  agent: 'opencode',
  root: (ctx) => opencodeDataDir(ctx.env, ctx.homeDir),
  binary: (ctx) => opencodeBinary(ctx.env),
  isVendorId: isOpencodeSessionId,
  executables: opencodeExecutables,
  promptMarkers: ['ctrl+p commands'],
  async discover(ctx) {
    const found = await discoverOpencode(ctx);
    // A database happier cannot read is reported (the CLI shows it as a warning beside the
    // other providers' sessions) unless the older JSON files still gave sessions to show.
    if (found.skippedDb && found.sessions.length === 0) {
      throw new HappierError('PROVIDER_FAILED', found.skippedDb, {
        hint: 'this OpenCode version may be newer than happier knows; run `happier doctor`',
      });
    }
    return found.sessions;
  },
  readTranscript: readOpencodeTranscript,
  launchCommand: (ctx, opts) => opencodeLaunchSpec(opencodeBinary(ctx.env), opts),
  resumeCommand: (ctx, opts) => opencodeResumeSpec(opencodeBinary(ctx.env), opts),
  exportBundle: exportOpencodeBundle,
  importBundle: importOpencodeBundle,
};
