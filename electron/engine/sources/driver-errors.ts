import { AppError, type ErrorKind } from '../../../shared/errors.ts';
import type { Engine } from '../../../shared/schema-types.ts';
import { ownValue } from '../../../shared/own-value.ts';

interface DriverError {
  code?: string;
  errno?: number;
  message?: string;
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'EPIPE', 'PROTOCOL_CONNECTION_LOST']);

const MYSQL_KINDS: Record<string, ErrorKind> = {
  ER_ACCESS_DENIED_ERROR: 'auth',
  ER_DBACCESS_DENIED_ERROR: 'auth',
  ER_NOT_SUPPORTED_AUTH_MODE: 'auth',
  ER_BAD_DB_ERROR: 'not_found',
  ER_NO_SUCH_TABLE: 'not_found',
  ER_QUERY_INTERRUPTED: 'cancelled',
  ER_STATEMENT_TIMEOUT: 'timeout',
  ER_QUERY_TIMEOUT: 'timeout',
  ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION: 'read_only_violation',
  ER_OPTION_PREVENTS_STATEMENT: 'read_only_violation',
  ER_CON_COUNT_ERROR: 'pool_busy',
  ER_TOO_MANY_USER_CONNECTIONS: 'pool_busy',
  ETIMEDOUT: 'unreachable',
  ER_SERVER_SHUTDOWN: 'unreachable',
};

const POSTGRES_KINDS: Record<string, ErrorKind> = {
  '28P01': 'auth',
  '28000': 'auth',
  '3D000': 'not_found',
  '42P01': 'not_found',
  '25006': 'read_only_violation',
  '53300': 'pool_busy',
  '57P01': 'unreachable',
  '57P02': 'unreachable',
  '57P03': 'unreachable',
};

/**
 * Maps a driver error to an {@link AppError} of a known kind, with a message that names the problem and never the
 * password. `context` says what was being done ("connecting to db.example.com:5432").
 */
export function toSourceError(engine: Engine, error: unknown, context: string): AppError {
  if (error instanceof AppError) return error;
  const driver = (error ?? {}) as DriverError;
  const message = driver.message ?? String(error);
  const code = driver.code ?? '';
  let kind: ErrorKind = 'invalid_input';
  if (NETWORK_CODES.has(code)) kind = 'unreachable';
  else if (engine === 'mysql' && ownValue(MYSQL_KINDS, code)) kind = ownValue(MYSQL_KINDS, code)!;
  else if (engine === 'postgres' && ownValue(POSTGRES_KINDS, code)) kind = ownValue(POSTGRES_KINDS, code)!;
  else if (engine === 'postgres' && code === '57014') kind = /statement timeout/i.test(message) ? 'timeout' : 'cancelled';
  else if (engine === 'mysql' && (driver.errno === 1969 || driver.errno === 3024)) kind = 'timeout';
  else if (/timeout expired|timed out|connect ETIMEDOUT/i.test(message)) kind = 'unreachable';
  else if (/Connection terminated|Connection lost|server closed the connection|socket hang up/i.test(message)) kind = 'unreachable';
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
