import { join } from 'node:path';
import type { ClaudeSetupFacts } from '../../domain/claude-setup.js';
import type { ProviderContext } from '../provider.js';
import { readJsonObject } from '../tolerant-read.js';
import { claudeConfigPath } from './claude-trust.js';

/** The files Claude Code reads for onboarding and login: `.claude.json`, `.credentials.json`, settings.json. */
export function claudeSetupFacts(ctx: ProviderContext, platform: NodeJS.Platform = process.platform): ClaudeSetupFacts {
  const configDir = ctx.env.CLAUDE_CONFIG_DIR || join(ctx.homeDir, '.claude');
  const config = readJsonObject(claudeConfigPath(ctx.env, ctx.homeDir));
  const oauth = readJsonObject(join(configDir, '.credentials.json'))?.claudeAiOauth as { accessToken?: unknown } | undefined;
  const settings = readJsonObject(join(configDir, 'settings.json'));
  return {
    env: ctx.env,
    config,
    oauthCredentials: typeof oauth?.accessToken === 'string' && oauth.accessToken !== '',
    apiKeyHelper: typeof settings?.apiKeyHelper === 'string' && settings.apiKeyHelper !== '',
    keychainLogin: platform === 'darwin' && config !== null && typeof config.oauthAccount === 'object' && config.oauthAccount !== null,
  };
}
