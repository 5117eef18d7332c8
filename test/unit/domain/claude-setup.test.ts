import { describe, expect, it } from 'vitest';
import { claudeNotSetUp, claudeSetupGap, type ClaudeSetupFacts } from '../../../src/domain/claude-setup.js';

const done = { hasCompletedOnboarding: true };
const facts = (over: Partial<ClaudeSetupFacts>): ClaudeSetupFacts => ({ env: {}, config: done, oauthCredentials: false, apiKeyHelper: false, keychainLogin: false, ...over });

describe('claude set-up (what an interactive claude stops at before its prompt)', () => {
  it('is the first-run set-up while onboarding is not done, even with an API key', () => {
    expect(claudeSetupGap(facts({ config: null, env: { ANTHROPIC_API_KEY: 'sk-x' } }))).toBe('onboarding');
    expect(claudeSetupGap(facts({ config: { hasCompletedOnboarding: false }, oauthCredentials: true }))).toBe('onboarding');
  });

  it('is the login when onboarding is done but nothing logs it in', () => {
    expect(claudeSetupGap(facts({}))).toBe('login');
    expect(claudeSetupGap(facts({ env: { ANTHROPIC_API_KEY: '', CLAUDE_CODE_USE_BEDROCK: '0' } }))).toBe('login');
  });

  it.each([
    ['an API key in the environment', { env: { ANTHROPIC_API_KEY: 'sk-x' } }],
    ['an auth token', { env: { ANTHROPIC_AUTH_TOKEN: 't' } }],
    ['an OAuth token', { env: { CLAUDE_CODE_OAUTH_TOKEN: 't' } }],
    ['Bedrock', { env: { CLAUDE_CODE_USE_BEDROCK: '1' } }],
    ['Vertex', { env: { CLAUDE_CODE_USE_VERTEX: 'true' } }],
    ['an apiKeyHelper', { apiKeyHelper: true }],
    ['a key from /login in the config', { config: { ...done, primaryApiKey: 'sk-x' } }],
    ['a claude.ai login in .credentials.json', { oauthCredentials: true }],
    ['a claude.ai login in the macOS keychain', { keychainLogin: true }],
  ] as const)('is nothing with %s', (_what, over) => {
    expect(claudeSetupGap(facts(over as Partial<ClaudeSetupFacts>))).toBeNull();
  });

  it('says so with PROVIDER_LOGIN and a hint to run claude once', () => {
    const e = claudeNotSetUp('login');
    expect({ code: e.code, message: e.message, hint: e.hint }).toEqual({
      code: 'PROVIDER_LOGIN',
      message: 'claude has not been set up on this machine (it is not logged in)',
      hint: 'run `claude` once to log in (or set ANTHROPIC_API_KEY)',
    });
    expect(claudeNotSetUp('onboarding').message).toBe('claude has not been set up on this machine (its first-run set-up was never finished)');
  });
});
