import { AppError, serializeError } from '../../../shared/errors.ts';
import type { ExecuteOptions, ExecutedQuery, Introspection, PoolStats, SourceConnection } from './dialect.ts';

/** Shorter secrets are not scrubbed by value: replacing every "ab" in a message would garble it and hide nothing. */
const MIN_SCRUBBED_LENGTH = 3;

/**
 * Removes one known secret from a text, as written and as it appears %-encoded in a URL. Pattern-based redaction
 * (`redactSecrets`) catches `password=...` and `user:pw@host`; a driver that echoes the password anywhere else
 * (a database name, a user name, a host) is caught only by its value.
 *
 * @example scrubSecret('database "hunter22" does not exist', 'hunter22') // 'database "***" does not exist'
 */
export function scrubSecret(text: string, secret: string | undefined): string {
  if (!secret || secret.length < MIN_SCRUBBED_LENGTH) return text;
  let scrubbed = text.split(secret).join('***');
  const encoded = encodeURIComponent(secret);
  if (encoded !== secret) scrubbed = scrubbed.split(encoded).join('***');
  return scrubbed;
}

/** Any error, as an {@link AppError} of the same kind whose message and detail no longer hold `secret`. */
export function withoutSecret(error: unknown, secret: string | undefined): AppError {
  const serialized = serializeError(error);
  return new AppError(
    serialized.kind,
    scrubSecret(serialized.message, secret),
    serialized.detail === undefined ? undefined : scrubSecret(serialized.detail, secret),
  );
}

/**
 * A connection whose every error has its password scrubbed by value before it leaves `sources/`: whatever path it
 * then takes (IPC to the UI, the web mode's answer, the CLI's stderr, logs, the offline note) it carries none.
 */
export class PasswordScrubbingConnection implements SourceConnection {
  readonly #inner: SourceConnection;
  readonly #password: string | undefined;

  constructor(inner: SourceConnection, password: string | undefined) {
    this.#inner = inner;
    this.#password = password;
  }

  get engine(): SourceConnection['engine'] {
    return this.#inner.engine;
  }

  serverVersion(): Promise<string> {
    return this.#guard(() => this.#inner.serverVersion());
  }

  introspect(signal?: AbortSignal): Promise<Introspection> {
    return this.#guard(() => this.#inner.introspect(signal));
  }

  execute(sql: string, options: ExecuteOptions): Promise<ExecutedQuery> {
    return this.#guard(() => this.#inner.execute(sql, options));
  }

  cancel(queryId: string): Promise<boolean> {
    return this.#guard(() => this.#inner.cancel(queryId));
  }

  stats(): PoolStats {
    return this.#inner.stats();
  }

  close(): Promise<void> {
    return this.#guard(() => this.#inner.close());
  }

  async #guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw withoutSecret(error, this.#password);
    }
  }
}
