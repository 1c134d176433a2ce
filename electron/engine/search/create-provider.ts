import { AppError } from '../../../shared/errors.ts';
import type { EmbeddingProvider, ProviderSettings } from './embedding-provider.ts';
import { embedWorkerCount } from './local-embed-pool.ts';
import { LocalEmbeddingProvider } from './local-provider.ts';
import { OpenAiEmbeddingProvider } from './openai-provider.ts';

export function createProvider(settings: ProviderSettings): EmbeddingProvider {
  if (settings.provider === 'local') return new LocalEmbeddingProvider({ dimensions: settings.dimensions });
  if (settings.provider === 'openai') return new OpenAiEmbeddingProvider(settings);
  throw new AppError(
    'invalid_input',
    `Unknown embedding provider "${String((settings as { provider: unknown }).provider)}": use local or openai.`,
  );
}

/** Tier-1-like defaults for text-embedding-3-small; a local server gets generous ones. */
export function limitsFor(settings: ProviderSettings): {
  concurrency: number;
  requestsPerMinute: number;
  tokensPerMinute: number;
  timeoutMs: number;
  maxAttempts: number;
} {
  const remote = settings.provider === 'openai';
  return {
    // The built-in provider computes on this machine: one embedding worker per core (local-embed-pool.ts).
    concurrency: settings.concurrency ?? (remote ? 8 : embedWorkerCount()),
    requestsPerMinute: settings.requestsPerMinute ?? (remote ? 3000 : 1_000_000),
    tokensPerMinute: settings.tokensPerMinute ?? (remote ? 1_000_000 : 1_000_000_000),
    timeoutMs: settings.timeoutMs ?? 30_000,
    maxAttempts: settings.maxAttempts ?? 6,
  };
}
