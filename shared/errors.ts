/**
 * Errors cross every boundary (IPC, HTTP, worker, CLI) as plain data with a kind from a closed set,
 * so the UI can say something useful without parsing messages.
 */
export const ERROR_KINDS = [
  'invalid_input',
  'auth',
  'unreachable',
  'timeout',
  'cancelled',
  'rate_limited',
  'pool_busy',
  'read_only_violation',
  'not_found',
  'not_available',
  'offline',
  'unauthorized',
  'storage',
  'internal',
] as const;

export type ErrorKind = (typeof ERROR_KINDS)[number];

export interface SerializedError {
  readonly kind: ErrorKind;
  readonly message: string;
  readonly detail?: string;
}

/** An error whose kind is known. Throw it anywhere; adapters serialize it with {@link serializeError}. */
export class AppError extends Error {
  readonly kind: ErrorKind;
  readonly detail?: string;

  constructor(kind: ErrorKind, message: string, detail?: string) {
    super(message);
    this.name = 'AppError';
    this.kind = kind;
    this.detail = detail;
  }

  toJSON(): SerializedError {
    return serializeError(this);
  }
}

export function isErrorKind(value: unknown): value is ErrorKind {
  return typeof value === 'string' && (ERROR_KINDS as readonly string[]).includes(value);
}

export function isSerializedError(value: unknown): value is SerializedError {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return isErrorKind(candidate.kind) && typeof candidate.message === 'string';
}

/**
 * Hides credentials that may hide in driver messages or URLs: `user:secret@host`, `password=...`,
 * and OpenAI-style keys. Applied to every message that leaves the engine.
 */
export function redactSecrets(text: string): string {
  return text
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*:)([^@/\s]*)@/gi, '$1***@')
    .replace(/\b(password|passwd|pwd|api[_-]?key|token)(\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s&;,]+)/gi, '$1$2***')
    .replace(/\bsk-[A-Za-z0-9_-]{8,}/g, 'sk-***');
}

/** Turns anything thrown into a {@link SerializedError}; unknown errors become `internal`. */
export function serializeError(error: unknown): SerializedError {
  if (error instanceof AppError) {
    return withDetail(error.kind, error.message, error.detail);
  }
  if (isSerializedError(error)) {
    return withDetail(error.kind, error.message, error.detail);
  }
  if (error instanceof Error) {
    if (error.name === 'AbortError') return { kind: 'cancelled', message: 'The operation was cancelled.' };
    return withDetail('internal', error.message || error.name);
  }
  return { kind: 'internal', message: redactSecrets(String(error)) };
}

function withDetail(kind: ErrorKind, message: string, detail?: string): SerializedError {
  const safe: { kind: ErrorKind; message: string; detail?: string } = { kind, message: redactSecrets(message) };
  if (detail) safe.detail = redactSecrets(detail);
  return safe;
}

/** Rebuilds a throwable error from its serialized form (renderer and CLI side of a boundary). */
export function deserializeError(error: SerializedError): AppError {
  return new AppError(error.kind, error.message, error.detail);
}

/** A result envelope: every IPC/HTTP/worker response travels as one of these. */
export type Envelope<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: SerializedError };
