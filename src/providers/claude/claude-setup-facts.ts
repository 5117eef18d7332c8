import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClaudeSetupFacts } from '../../domain/claude-setup.js';
import type { ProviderContext } from '../provider.js';
import { claudeConfigPath } from './claude-trust.js';

function readJson(path: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The files Claude Code reads for onboarding and login: `.claude.json`, `.credentials.json`, settings.json. */
export function claudeSetupFacts(ctx: ProviderContext, platform: NodeJS.Platform = process.platform): ClaudeSetupFacts {
  const configDir = ctx.env.CLAUDE_CONFIG_DIR || join(ctx.homeDir, '.claude');
  const config = readJson(claudeConfigPath(ctx.env, ctx.homeDir));
  const oauth = readJson(join(configDir, '.credentials.json'))?.claudeAiOauth as { accessToken?: unknown } | undefined;
  const settings = readJson(join(configDir, 'settings.json'));
  return {
    env: ctx.env,
    config,
    oauthCredentials: typeof oauth?.accessToken === 'string' && oauth.accessToken !== '',
    apiKeyHelper: typeof settings?.apiKeyHelper === 'string' && settings.apiKeyHelper !== '',
    keychainLogin: platform === 'darwin' && config !== null && typeof config.oauthAccount === 'object' && config.oauthAccount !== null,
  };
}
