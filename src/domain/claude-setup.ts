import { HappierError } from './errors.js';

type Env = Readonly<Record<string, string | undefined>>;

/** What Claude Code's own checks read, as files and environment hold them on this machine. */
export interface ClaudeSetupFacts {
  readonly env: Env;
  /** `.claude.json` (or the legacy `.config.json`) as an object; null when there is none. */
  readonly config: Readonly<Record<string, unknown>> | null;
  /** Whether `.credentials.json` holds a claude.ai OAuth access token. */
  readonly oauthCredentials: boolean;
  /** Whether settings.json names an `apiKeyHelper`. */
  readonly apiKeyHelper: boolean;
  /** macOS keeps the OAuth login in the keychain, which happier does not read. */
  readonly keychainLogin: boolean;
}

export type ClaudeSetupGap = 'onboarding' | 'login';

const set = (env: Env, name: string) => !!env[name];
const on = (env: Env, name: string) => !!env[name] && !/^(0|false|no|off)$/i.test(env[name]!);

/**
 * What an interactive `claude` would stop at before the first prompt, by the rules of
 * Claude Code 2.1.197 (`claude auth status` and its start-up, read from its bundle):
 * first-run onboarding runs until `hasCompletedOnboarding` is true, even with an API key;
 * then it is logged in by an API key or token in the environment, a third-party
 * provider (Bedrock, Vertex, Foundry), an `apiKeyHelper`, a key from `/login` in the
 * config, or a claude.ai login in `.credentials.json` (the keychain on macOS).
 */
export function claudeSetupGap(f: ClaudeSetupFacts): ClaudeSetupGap | null {
  if (f.config?.hasCompletedOnboarding !== true) return 'onboarding';
  const e = f.env;
  const loggedIn =
    set(e, 'ANTHROPIC_API_KEY') ||
    set(e, 'ANTHROPIC_AUTH_TOKEN') ||
    set(e, 'CLAUDE_CODE_OAUTH_TOKEN') ||
    set(e, 'CLAUDE_CODE_OAUTH_TOKEN_FILE_DESCRIPTOR') ||
    set(e, 'CLAUDE_CODE_API_KEY_FILE_DESCRIPTOR') ||
    on(e, 'CLAUDE_CODE_USE_BEDROCK') ||
    on(e, 'CLAUDE_CODE_USE_VERTEX') ||
    on(e, 'CLAUDE_CODE_USE_FOUNDRY') ||
    f.apiKeyHelper ||
    typeof f.config?.primaryApiKey === 'string' ||
    f.oauthCredentials ||
    f.keychainLogin;
  return loggedIn ? null : 'login';
}

const WHY: Record<ClaudeSetupGap, string> = {
  onboarding: 'its first-run set-up was never finished',
  login: 'it is not logged in',
};

export function claudeNotSetUp(gap: ClaudeSetupGap): HappierError {
  return new HappierError('PROVIDER_LOGIN', `claude has not been set up on this machine (${WHY[gap]})`, {
    hint: gap === 'login' ? 'run `claude` once to log in (or set ANTHROPIC_API_KEY)' : 'run `claude` once to log in; it finishes its first-run set-up on the way',
    details: { agent: 'claude', gap },
  });
}
