import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A claude that has been run once and logged in, as its files are after that: onboarding
 * done in `.claude.json` (kept as it is otherwise) and a claude.ai login in
 * `.credentials.json`, where the env's CLAUDE_CONFIG_DIR or HOME says Claude keeps them.
 */
export function claudeSetUp(env: { readonly HOME?: string; readonly CLAUDE_CONFIG_DIR?: string }): void {
  const configDir = env.CLAUDE_CONFIG_DIR ?? join(env.HOME!, '.claude');
  const jsonPath = env.CLAUDE_CONFIG_DIR ? join(env.CLAUDE_CONFIG_DIR, '.claude.json') : join(env.HOME!, '.claude.json');
  mkdirSync(configDir, { recursive: true });
  const config = existsSync(jsonPath) ? (JSON.parse(readFileSync(jsonPath, 'utf8')) as Record<string, unknown>) : {};
  writeFileSync(jsonPath, JSON.stringify({ ...config, hasCompletedOnboarding: true }));
  writeFileSync(join(configDir, '.credentials.json'), JSON.stringify({ claudeAiOauth: { accessToken: 'test-token-not-real', scopes: ['user:inference'] } }), { mode: 0o600 });
}
