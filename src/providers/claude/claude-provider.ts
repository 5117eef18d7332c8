import { HappierError } from '../../domain/errors.js';
import type { Provider } from '../provider.js';
import {
  assertClaudeSessionId,
  claudeBinary,
  claudeLaunchCommand,
  claudeResumeCommand,
  claudeRoot,
  isClaudeSessionId,
} from './claude-argv.js';
import { discoverClaude } from './claude-discovery.js';
import { findTranscript } from './claude-files.js';
import { readClaudeTranscript, readClaudeTranscriptTail } from './claude-transcript.js';

const notYet = (what: string) => async (): Promise<never> => {
  throw new HappierError('UNSUPPORTED_PROVIDER', `claude ${what} is not available yet`);
};

export const claudeProvider: Provider = {
  agent: 'claude',
  root: claudeRoot,
  binary: claudeBinary,
  isVendorId: isClaudeSessionId,
  discover: (ctx, cache, opts) => discoverClaude(claudeRoot(ctx), cache, opts),
  async readTranscript(ctx, vendorSessionId, opts = {}) {
    const file = findTranscript(claudeRoot(ctx), assertClaudeSessionId(vendorSessionId));
    return opts.lastMessages === undefined
      ? readClaudeTranscript(file.path)
      : readClaudeTranscriptTail(file.path, opts.lastMessages);
  },
  launchCommand: claudeLaunchCommand,
  resumeCommand: claudeResumeCommand,
  exportBundle: notYet('export'),
  importBundle: notYet('import'),
};
