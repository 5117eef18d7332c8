import { describe, expect, it } from 'vitest';
import { isProviderEnvName, providerEnvNames } from '../../../src/domain/provider-env-names.js';

describe('provider environment names', () => {
  it('keeps provider keys, base URLs and config, proxies in either case, and CA bundles', () => {
    for (const name of [
      'ANTHROPIC_API_KEY',
      'ANTHROPIC_BASE_URL',
      'CLAUDE_CODE_USE_BEDROCK',
      'CLAUDE_CONFIG_DIR',
      'OPENAI_API_KEY',
      'OPENAI_BASE_URL',
      'AZURE_OPENAI_ENDPOINT',
      'CODEX_HOME',
      'OPENCODE_CONFIG',
      'OPENROUTER_API_KEY',
      'HTTPS_PROXY',
      'https_proxy',
      'no_proxy',
      'ALL_PROXY',
      'NODE_EXTRA_CA_CERTS',
      'AWS_PROFILE',
    ]) {
      expect(isProviderEnvName(name), name).toBe(true);
    }
  });

  it('leaves out everything else, happier’s own variables and bare prefixes included', () => {
    for (const name of ['PATH', 'HOME', 'SHELL', 'HAPPIER_CLAUDE_BIN', 'ANTHROPIC_', 'MY_ANTHROPIC_KEY', 'AWS_SECRET_ACCESS_KEY', 'anthropic_api_key', 'ftp_proxy']) {
      expect(isProviderEnvName(name), name).toBe(false);
    }
  });

  it('lists names only, sorted, skipping unset ones', () => {
    expect(providerEnvNames({ PATH: '/bin', OPENAI_API_KEY: 'sk-x', ANTHROPIC_BASE_URL: 'http://h', HTTPS_PROXY: undefined })).toEqual([
      'ANTHROPIC_BASE_URL',
      'OPENAI_API_KEY',
    ]);
  });
});
