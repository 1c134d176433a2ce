import { AppError, serializeError, type SerializedError } from '../../../shared/errors.ts';
import type { QueryResult } from '../../../shared/ipc-contract.ts';
import type { WorkspaceStore } from '../catalog/workspace-store.ts';
import { streamChat, type ChatObserver, type ChatSettings } from './chat-client.ts';
import type { SecretStore } from '../sources/secret-store.ts';
import type { SourceService } from '../sources/source-service.ts';
import type { BuiltContext, ContextService } from './context-service.ts';
import { checkReadOnlySql } from '../query/sql-guard.ts';
import type { SqlDoor } from '../query/sql-door.ts';
import { extractSql } from './sql-extract.ts';

/** The language model's settings as stored (no key: keys live in the secret store). */
export interface LlmSettings {
  readonly baseUrl: string | null;
  readonly model: string | null;
  readonly timeoutMs: number;
}

export interface AskRequest {
  readonly sourceId: string;
  readonly question: string;
  readonly budget?: number;
  readonly offline?: boolean;
  /** Overrides of the stored settings for this question (the CLI's flags). */
  readonly llm?: {
    readonly baseUrl?: string;
    readonly model?: string;
    readonly apiKey?: string;
    readonly timeoutMs?: number;
    readonly idleTimeoutMs?: number;
  };
  /** Model whose tokenizer counts the context, when it differs from the chat model. */
  readonly tokenModel?: string;
  readonly run?: boolean;
  readonly limit?: number;
}

export interface AskResult {
  readonly context: BuiltContext;
  readonly answer: string | null;
  /** The SQL taken from the answer (shown and editable even when refused). */
  readonly sql: string | null;
  /** Why the SQL will not run (no SQL, not one read-only statement...), or why the model failed. */
  readonly refusal: SerializedError | null;
  readonly result: QueryResult | null;
  readonly llm: { readonly model: string; readonly ms: number; readonly firstTokenMs: number | null } | null;
  readonly note: string | null;
}

const LLM_SETTINGS_KEY = 'llm';
const DEFAULT_LLM_TIMEOUT_MS = 60_000;
/** Questions in flight at once; more get a clear "busy" error rather than a queue nobody sees. */
const MAX_RUNNING_ASKS = 4;

export interface AskDependencies {
  readonly contexts: ContextService;
  readonly sources: SourceService;
  readonly door: SqlDoor;
  readonly workspace: WorkspaceStore;
  readonly secrets: SecretStore;
  readonly observer?: ChatObserver;
}

export function llmKeySecretId(baseUrl: string | null | undefined): string {
  return `llm-api-key:${baseUrl ?? 'https://api.openai.com/v1'}`;
}

/**
 * The ask flow: context (retrieval + exact packing), one streamed chat completion, the SQL taken from the answer and
 * checked by the guard, and, when asked, run through the one SQL door (read-only session, row limit, timeout).
 * The model's answer is never trusted: whatever it says, nothing but a single read-only statement can run.
 */
export class AskService {
  readonly #deps: AskDependencies;
  readonly #running = new Map<string, AbortController>();

  constructor(deps: AskDependencies) {
    this.#deps = deps;
  }

  settings(): LlmSettings & { hasApiKey: boolean } {
    const stored = this.#deps.workspace.getSetting<Partial<LlmSettings>>(LLM_SETTINGS_KEY) ?? {};
    const settings = {
      baseUrl: stored.baseUrl ?? null,
      model: stored.model ?? null,
      timeoutMs: stored.timeoutMs ?? DEFAULT_LLM_TIMEOUT_MS,
    };
    return { ...settings, hasApiKey: Boolean(this.#deps.secrets.get(llmKeySecretId(settings.baseUrl))) };
  }

  setSettings(update: {
    baseUrl?: string | null;
    model?: string | null;
    timeoutMs?: number;
    apiKey?: string;
  }): LlmSettings & { hasApiKey: boolean } {
    const { hasApiKey: _hasApiKey, ...current } = this.settings();
    const next: LlmSettings = {
      ...current,
      ...Object.fromEntries(Object.entries(update).filter(([key, value]) => key !== 'apiKey' && value !== undefined)),
    };
    if (next.baseUrl !== null) {
      try {
        const url = new URL(next.baseUrl);
        if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http');
      } catch {
        throw new AppError('invalid_input', `The language model's base URL "${next.baseUrl}" is not an http(s) URL.`);
      }
    }
    this.#deps.workspace.setSetting(LLM_SETTINGS_KEY, next);
    if (update.apiKey !== undefined) {
      if (update.apiKey === '') this.#deps.secrets.delete(llmKeySecretId(next.baseUrl));
      else this.#deps.secrets.set(llmKeySecretId(next.baseUrl), update.apiKey);
    }
    return this.settings();
  }

  async ask(
    request: AskRequest,
    options: { askId?: string; onDelta?: (text: string) => void; signal?: AbortSignal } = {},
  ): Promise<AskResult> {
    if (this.#running.size >= MAX_RUNNING_ASKS)
      throw new AppError(
        'pool_busy',
        `${MAX_RUNNING_ASKS} questions are already being answered: wait for one to finish or cancel it.`,
      );
    if (options.askId && this.#running.has(options.askId))
      throw new AppError('invalid_input', `A question with id ${options.askId} is already running.`);
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const askId = options.askId ?? crypto.randomUUID();
    this.#running.set(askId, controller);
    try {
      return await this.#ask(request, controller.signal, options.onDelta);
    } finally {
      this.#running.delete(askId);
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  cancel(askId: string): boolean {
    const controller = this.#running.get(askId);
    controller?.abort();
    return Boolean(controller);
  }

  async #ask(request: AskRequest, signal: AbortSignal, onDelta?: (text: string) => void): Promise<AskResult> {
    const stored = this.settings();
    const baseUrl = request.llm?.baseUrl ?? stored.baseUrl ?? undefined;
    const model = request.llm?.model ?? stored.model ?? undefined;
    const context = await this.#deps.contexts.build({
      sourceId: request.sourceId,
      question: request.question,
      budget: request.budget,
      model: request.tokenModel ?? model,
      offline: request.offline,
    });
    const empty = { answer: null, sql: null, refusal: null, result: null, llm: null };
    if (!model) {
      return {
        context,
        ...empty,
        note: 'No language model is configured: the context above is what it would get; write the SQL yourself, or set a model in the settings.',
      };
    }
    const settings: ChatSettings = {
      baseUrl,
      model,
      apiKey:
        request.llm?.apiKey ?? this.#deps.secrets.get(llmKeySecretId(baseUrl ?? null)) ?? process.env.OPENAI_API_KEY,
      timeoutMs: request.llm?.timeoutMs ?? stored.timeoutMs,
      idleTimeoutMs: request.llm?.idleTimeoutMs,
    };
    const answer = await streamChat(
      settings,
      [{ role: 'user', content: context.text }],
      { onDelta, onRequest: this.#deps.observer?.onRequest },
      signal,
    );
    const llm = { model, ms: answer.ms, firstTokenMs: answer.firstTokenMs };
    let sql: string;
    try {
      sql = extractSql(answer.text);
    } catch (error) {
      return { context, answer: answer.text, sql: null, refusal: serializeError(error), result: null, llm, note: null };
    }
    try {
      checkReadOnlySql(sql, context.engine);
    } catch (error) {
      return { context, answer: answer.text, sql, refusal: serializeError(error), result: null, llm, note: null };
    }
    if (!request.run) return { context, answer: answer.text, sql, refusal: null, result: null, llm, note: null };
    const connection = await this.#deps.sources.connection(request.sourceId);
    const started = performance.now();
    try {
      const result = await this.#deps.door.execute(connection, { sql, limit: request.limit, signal });
      this.#deps.workspace.addHistory({
        sourceId: request.sourceId,
        sql,
        origin: 'ask',
        question: request.question,
        rowCount: result.rowCount,
        ms: result.ms,
        error: null,
      });
      return { context, answer: answer.text, sql, refusal: null, result, llm, note: null };
    } catch (error) {
      this.#deps.workspace.addHistory({
        sourceId: request.sourceId,
        sql,
        origin: 'ask',
        question: request.question,
        rowCount: null,
        ms: performance.now() - started,
        error: serializeError(error).message,
      });
      throw error;
    }
  }
}
