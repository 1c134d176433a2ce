import { lazyModule } from '../platform/lazy-module.ts';

const openai = lazyModule<typeof import('openai')>('openai');
import { AppError } from '../../../shared/errors.ts';

export interface ChatSettings {
  /** OpenAI (default) or any OpenAI-compatible server: Ollama, LM Studio, vLLM, llama.cpp. */
  readonly baseUrl?: string;
  readonly model: string;
  readonly apiKey?: string;
  /** Whole answer, first byte to last (default 60 s). */
  readonly timeoutMs?: number;
  /** Longest silence between two streamed pieces (default 20 s). */
  readonly idleTimeoutMs?: number;
  /** Retries of a failed request before anything streamed (default 2; the SDK honours retry-after). */
  readonly maxRetries?: number;
  /** An answer longer than this is cut off: a query is never this long (default 32,000 characters). */
  readonly maxAnswerChars?: number;
}

export interface ChatAnswer {
  readonly text: string;
  readonly finishReason: string | null;
  readonly ms: number;
  readonly firstTokenMs: number | null;
  /** HTTP attempts that failed (each retried while retries were left). */
  readonly failedAttempts: number;
}

export interface ChatObserver {
  readonly onDelta?: (text: string) => void;
  /** Called per HTTP attempt, for the metrics. */
  readonly onRequest?: (outcome: { ok: boolean; status?: number; ms: number }) => void;
}

const OFFICIAL = 'https://api.openai.com/v1';

/**
 * One streamed chat completion through the openai SDK. Three clocks stop a model that never ends: a total timeout, an
 * idle timeout between pieces, and a cap on the answer's length. The caller's signal cancels at any time. Errors
 * come back as AppErrors whose message says which of these happened.
 */
export async function streamChat(
  settings: ChatSettings,
  messages: { role: 'system' | 'user'; content: string }[],
  observer: ChatObserver = {},
  signal?: AbortSignal,
): Promise<ChatAnswer> {
  const baseURL = settings.baseUrl ?? OFFICIAL;
  try {
    new URL(baseURL);
  } catch {
    throw new AppError('invalid_input', `The language model's base URL "${baseURL}" is not a URL.`);
  }
  if (!settings.apiKey && baseURL === OFFICIAL)
    throw new AppError(
      'invalid_input',
      'An API key is needed for api.openai.com (settings, --llm-api-key or OPENAI_API_KEY).',
    );
  const timeoutMs = settings.timeoutMs ?? 60_000;
  const idleTimeoutMs = settings.idleTimeoutMs ?? 20_000;
  const maxAnswerChars = settings.maxAnswerChars ?? 32_000;
  const controller = new AbortController();
  const stop = (reason: 'timeout' | 'idle' | 'cancelled') => controller.abort(reason);
  const onCallerAbort = () => stop('cancelled');
  if (signal?.aborted) throw new AppError('cancelled', 'The question was cancelled.');
  signal?.addEventListener('abort', onCallerAbort, { once: true });
  const total = setTimeout(() => stop('timeout'), timeoutMs);
  let idle = setTimeout(() => stop('idle'), idleTimeoutMs);
  const started = performance.now();
  let firstTokenMs: number | null = null;
  let failedAttempts = 0;
  let text = '';
  let finishReason: string | null = null;
  const client = new (openai().OpenAI)({
    apiKey: settings.apiKey || 'not-needed',
    baseURL,
    maxRetries: settings.maxRetries ?? 2,
    timeout: timeoutMs,
    fetch: async (url, init) => {
      const attempt = performance.now();
      try {
        const response = await fetch(url, init);
        observer.onRequest?.({ ok: response.ok, status: response.status, ms: performance.now() - attempt });
        if (!response.ok) failedAttempts += 1;
        return response;
      } catch (error) {
        observer.onRequest?.({ ok: false, ms: performance.now() - attempt });
        throw error;
      }
    },
  });
  try {
    const stream = await client.chat.completions.create(
      { model: settings.model, messages, stream: true },
      { signal: controller.signal },
    );
    for await (const chunk of stream) {
      clearTimeout(idle);
      idle = setTimeout(() => stop('idle'), idleTimeoutMs);
      const choice = chunk.choices?.[0];
      const delta = choice?.delta?.content ?? '';
      if (delta) {
        firstTokenMs ??= performance.now() - started;
        text += delta;
        observer.onDelta?.(delta);
        if (text.length > maxAnswerChars) {
          stop('timeout');
          throw new AppError(
            'timeout',
            `The language model's answer passed ${maxAnswerChars.toLocaleString('en-US')} characters without ending; it was stopped.`,
          );
        }
      }
      if (choice?.finish_reason) finishReason = choice.finish_reason;
    }
    // An aborted stream can end its iteration quietly: a cut-off answer must never pass for a finished one.
    if (controller.signal.aborted) throw new Error('aborted');
  } catch (error) {
    throw toChatError(error, controller.signal, { timeoutMs, idleTimeoutMs });
  } finally {
    clearTimeout(total);
    clearTimeout(idle);
    signal?.removeEventListener('abort', onCallerAbort);
  }
  return {
    text,
    finishReason,
    ms: Math.round(performance.now() - started),
    firstTokenMs: firstTokenMs === null ? null : Math.round(firstTokenMs),
    failedAttempts,
  };
}

function toChatError(
  error: unknown,
  signal: AbortSignal,
  limits: { timeoutMs: number; idleTimeoutMs: number },
): AppError {
  if (error instanceof AppError) return error;
  if (signal.aborted) {
    if (signal.reason === 'timeout')
      return new AppError(
        'timeout',
        `The language model did not finish within ${Math.round(limits.timeoutMs / 1000)} s; it was stopped.`,
      );
    if (signal.reason === 'idle')
      return new AppError(
        'timeout',
        `The language model sent nothing for ${Math.round(limits.idleTimeoutMs / 1000)} s; it was stopped.`,
      );
    return new AppError('cancelled', 'The question was cancelled.');
  }
  if (error instanceof openai().APIError && error.status !== undefined) {
    const status = error.status;
    if (status === 429)
      return new AppError('rate_limited', `The language model's server is rate limiting (429): ${error.message}`);
    if (status === 401 || status === 403)
      return new AppError('auth', `The language model's server refused the API key (${status}).`);
    if (status === 404)
      return new AppError(
        'invalid_input',
        `The language model's server does not know this model or path (404): ${error.message}`,
      );
    if (status >= 500)
      return new AppError(
        'unreachable',
        `The language model's server failed (${status}) after retries: ${error.message}`,
      );
    return new AppError(
      'invalid_input',
      `The language model's server refused the request (${status}): ${error.message}`,
    );
  }
  if (error instanceof openai().APIConnectionTimeoutError)
    return new AppError('timeout', 'The language model did not answer in time.');
  if (error instanceof openai().APIConnectionError)
    return new AppError('unreachable', `Cannot reach the language model's server: ${error.message}`);
  return new AppError(
    'internal',
    `The language model's answer could not be read: ${error instanceof Error ? error.message : String(error)}`,
  );
}
