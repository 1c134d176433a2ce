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
    const storage = storageProblem(error);
    if (storage) return withDetail('storage', storage, error.message);
    return withDetail('internal', error.message || error.name);
  }
  return { kind: 'internal', message: redactSecrets(String(error)) };
}

/**
 * SQLite's (and the file system's) own storage failures, said plainly: they mean the data folder needs attention,
 * not that the app is broken. Matched on the error code better-sqlite3 and Node set; nothing here imports them.
 */
function storageProblem(error: Error): string | undefined {
  const code = String((error as { code?: unknown }).code ?? '');
  if (/^SQLITE_FULL/.test(code) || code === 'ENOSPC')
    return 'The disk holding the data folder is full: nothing was saved. Free some space and try again.';
  if (/^SQLITE_READONLY/.test(code) || code === 'EROFS' || code === 'EACCES' || code === 'EPERM')
    return 'The data folder is read-only: nothing was saved. Check its permissions or choose another folder (--home).';
  if (/^SQLITE_(IOERR|CANTOPEN)/.test(code))
    return `The data folder cannot be written or read (${code}): nothing was saved.`;
  if (/^SQLITE_(CORRUPT|NOTADB)/.test(code)) return `A file in the data folder is damaged (${code}).`;
  if (/^SQLITE_(BUSY|LOCKED)/.test(code))
    return 'The data folder is busy (another Schemascope process is writing); try again.';
  return undefined;
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
export type Envelope<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: SerializedError };
