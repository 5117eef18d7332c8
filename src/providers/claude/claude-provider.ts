import { HappierError } from '../../domain/errors.js';
import type { Provider } from '../provider.js';
import {
  claudeBinary,
  claudeLaunchCommand,
  claudeResumeCommand,
  claudeRoot,
  isClaudeSessionId,
} from './claude-argv.js';

const notYet = (what: string) => async (): Promise<never> => {
  throw new HappierError('UNSUPPORTED_PROVIDER', `claude ${what} is not available yet`);
};

export const claudeProvider: Provider = {
  agent: 'claude',
  root: claudeRoot,
  binary: claudeBinary,
  isVendorId: isClaudeSessionId,
  discover: notYet('discovery'),
  readTranscript: notYet('transcript reading'),
  launchCommand: claudeLaunchCommand,
  resumeCommand: claudeResumeCommand,
  exportBundle: notYet('export'),
  importBundle: notYet('import'),
};
