import type { Provider } from '../provider.js';
import {
  assertClaudeSessionId,
  claudeBinary,
  claudeLaunchCommand,
  claudeResumeCommand,
  claudeRoot,
  isClaudeSessionId,
} from './claude-argv.js';
import { exportClaudeBundle, importClaudeBundle } from './claude-bundle.js';
import { discoverClaude } from './claude-discovery.js';
import { claudeSessionClaims, findTranscript } from './claude-files.js';
import { readClaudeTranscript, readClaudeTranscriptTail } from './claude-transcript.js';
import { claudeExecutables } from './claude-executables.js';
import { claudeTrust } from './claude-trust.js';

export const claudeProvider: Provider = {
  agent: 'claude',
  root: claudeRoot,
  binary: claudeBinary,
  isVendorId: isClaudeSessionId,
  executables: claudeExecutables,
  promptMarkers: ['? for shortcuts'],
  trust: claudeTrust(),
  discover: (ctx, cache, opts) => discoverClaude(claudeRoot(ctx), cache, opts),
  liveClaims: (ctx, vendorSessionId) => claudeSessionClaims(claudeRoot(ctx), vendorSessionId),
  async readTranscript(ctx, vendorSessionId, opts = {}) {
    const file = findTranscript(claudeRoot(ctx), assertClaudeSessionId(vendorSessionId));
    return opts.lastMessages === undefined
      ? readClaudeTranscript(file.path)
      : readClaudeTranscriptTail(file.path, opts.lastMessages);
  },
  launchCommand: claudeLaunchCommand,
  resumeCommand: claudeResumeCommand,
  exportBundle: async (ctx, vendorSessionId) => exportClaudeBundle(claudeRoot(ctx), vendorSessionId),
  importBundle: async (ctx, bundle, opts) => importClaudeBundle(claudeRoot(ctx), bundle, opts.targetCwd),
};
