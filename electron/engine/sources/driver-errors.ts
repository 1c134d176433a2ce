import { AppError, type ErrorKind } from '../../../shared/errors.ts';
import type { Engine } from '../../../shared/schema-types.ts';
import { sqlDialectOf } from './sql-dialects.ts';

interface DriverError {
  code?: string;
  errno?: number;
  message?: string;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNRESET',
  'EPIPE',
  'PROTOCOL_CONNECTION_LOST',
]);

/**
 * Maps a driver error to an {@link AppError} of a known kind, with a message that names the problem and never the
 * password. `context` says what was being done ("connecting to db.example.com:5432").
 */
export function toSourceError(engine: Engine, error: unknown, context: string): AppError {
  if (error instanceof AppError) return error;
  const driver = (error ?? {}) as DriverError;
  const message = driver.message ?? String(error);
  const code = driver.code ?? '';
  const dialectKind = sqlDialectOf(engine).errorKind({ code, errno: driver.errno, message });
  let kind: ErrorKind = 'invalid_input';
  if (NETWORK_CODES.has(code)) kind = 'unreachable';
  else if (dialectKind) kind = dialectKind;
  else if (/timeout expired|timed out|connect ETIMEDOUT/i.test(message)) kind = 'unreachable';
  else if (/Connection terminated|Connection lost|server closed the connection|socket hang up/i.test(message))
    kind = 'unreachable';
  else if (!code && !(error instanceof Error)) kind = 'internal';
  return new AppError(kind, `${describeKind(kind, context)}: ${message}`);
}

function describeKind(kind: ErrorKind, context: string): string {
  switch (kind) {
    case 'auth':
      return `Authentication failed ${context}`;
    case 'unreachable':
      return `Database unreachable ${context}`;
    case 'not_found':
      return `Not found ${context}`;
    case 'timeout':
      return `Timed out ${context}`;
    case 'cancelled':
      return `Cancelled ${context}`;
    case 'read_only_violation':
      return `Refused by the read-only session ${context}`;
    case 'pool_busy':
      return `Server connection limit reached ${context}`;
    default:
      return `Database error ${context}`;
  }
}
