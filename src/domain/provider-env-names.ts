/**
 * Which environment variables are a provider's settings: keys, base URLs, models, proxies
 * and CA bundles that the user exports in a login profile. Only their names leave the
 * peer, so `machine list` can say what a pane there will see without copying a secret.
 */
const PREFIXES = [
  'ANTHROPIC_',
  'CLAUDE_',
  'OPENAI_',
  'AZURE_OPENAI_',
  'CODEX_',
  'OPENCODE_',
  'OPENROUTER_',
  'GEMINI_',
  'GOOGLE_GENERATIVE_AI_',
  'VERTEX_',
  'CLOUD_ML_',
  'AWS_BEDROCK_',
  'GROQ_',
  'MISTRAL_',
  'DEEPSEEK_',
  'XAI_',
  'OLLAMA_',
];

const EXACT = new Set([
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'ALL_PROXY',
  'NO_PROXY',
  'NODE_EXTRA_CA_CERTS',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'AWS_PROFILE',
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'GOOGLE_CLOUD_PROJECT',
  'GOOGLE_APPLICATION_CREDENTIALS',
]);

export function isProviderEnvName(name: string): boolean {
  // Proxies are honoured in lower case too (curl, undici, Go's net/http).
  const upper = /_proxy$/.test(name) ? name.toUpperCase() : name;
  return EXACT.has(upper) || PREFIXES.some((p) => upper.startsWith(p) && upper.length > p.length);
}

/** The provider-related names set in `env`, sorted. */
export function providerEnvNames(env: Readonly<Record<string, string | undefined>>): string[] {
  return Object.keys(env)
    .filter((k) => env[k] !== undefined && isProviderEnvName(k))
    .sort();
}
