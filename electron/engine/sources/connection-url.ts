import path from 'node:path';
import { AppError } from '../../../shared/errors.ts';
import type { Engine } from '../../../shared/schema-types.ts';
import type { SqlDialect } from './sql-dialect.ts';
import { sqlDialectForScheme, sqlDialectOf } from './sql-dialects.ts';

/** A parsed connection URL. The password is kept apart so that nothing that displays or stores the URL sees it. */
export interface ConnectionSpec {
  readonly engine: Engine;
  /** SQLite: absolute file path. */
  readonly file?: string;
  readonly host?: string;
  readonly port?: number;
  readonly user?: string;
  readonly password?: string;
  readonly database?: string;
  /** Query-string options (`?sslmode=...`), passed to the driver where it knows them. */
  readonly options: Readonly<Record<string, string>>;
}

/** Query-string options that carry a password (compared in lower case). */
const PASSWORD_OPTIONS: ReadonlySet<string> = new Set(['password', 'passwd', 'pwd', 'pass']);

/**
 * Parses `sqlite:PATH`, `mysql://user:pass@host:port/db` (also `mariadb://`) and `postgres://...` (also
 * `postgresql://`). Every problem is an `invalid_input` error that names it; the password never appears in messages.
 */
export function parseConnectionUrl(input: string, baseDir: string = process.cwd()): ConnectionSpec {
  if (typeof input !== 'string') throw new AppError('invalid_input', 'The connection URL must be a string.');
  const url = input.trim();
  if (url.length === 0) throw new AppError('invalid_input', 'The connection URL is empty.');
  if (url.length > 4096) throw new AppError('invalid_input', 'The connection URL is longer than 4,096 characters.');
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this looks for
  if (/[\u0000-\u001f]/.test(url))
    throw new AppError('invalid_input', 'The connection URL contains control characters.');

  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(url)?.[1]?.toLowerCase();
  if (!scheme) {
    throw new AppError(
      'invalid_input',
      'The connection URL has no scheme: use sqlite:PATH, mysql://user@host/db or postgres://user@host/db.',
    );
  }
  const dialect = sqlDialectForScheme(scheme);
  if (dialect?.engine === 'sqlite') return parseSqlite(url.slice(scheme.length + 1), baseDir);
  if (dialect) return parseServerUrl(url, dialect);
  throw new AppError(
    'invalid_input',
    `Unknown database engine "${scheme}": Schemascope connects to sqlite:, mysql:// (MariaDB too) and postgres://.`,
  );
}

function parseSqlite(rest: string, baseDir: string): ConnectionSpec {
  let filePart = rest;
  if (filePart.startsWith('//')) filePart = filePart.slice(2); // sqlite://relative or sqlite:///absolute
  const queryAt = filePart.indexOf('?');
  if (queryAt >= 0) filePart = filePart.slice(0, queryAt);
  try {
    filePart = decodeURIComponent(filePart);
  } catch {
    throw new AppError('invalid_input', 'The SQLite path has a malformed %-escape.');
  }
  if (filePart.length === 0) throw new AppError('invalid_input', 'The SQLite URL has no file path: use sqlite:PATH.');
  if (filePart === ':memory:')
    throw new AppError('invalid_input', 'An in-memory SQLite database has no schema to explore.');
  return { engine: 'sqlite', file: path.resolve(baseDir, filePart), options: {} };
}

function parseServerUrl(url: string, dialect: SqlDialect): ConnectionSpec {
  const { engine, label, exampleUrl } = dialect;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new AppError('invalid_input', `The ${label} URL is malformed: expected ${exampleUrl}.`);
  }
  if (!parsed.hostname) throw new AppError('invalid_input', `The ${label} URL has no host: expected ${exampleUrl}.`);
  let port = dialect.defaultPort ?? 0;
  if (parsed.port) {
    port = Number(parsed.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new AppError('invalid_input', `The port "${parsed.port}" is not between 1 and 65535.`);
    }
  }
  const segments = parsed.pathname.split('/').filter(Boolean);
  if (segments.length > 1) {
    throw new AppError(
      'invalid_input',
      `The ${label} URL path must be a single database name, not "${parsed.pathname}".`,
    );
  }
  const decode = (part: string, what: string): string => {
    try {
      return decodeURIComponent(part);
    } catch {
      throw new AppError('invalid_input', `The ${what} in the URL has a malformed %-escape.`);
    }
  };
  const database = segments[0] ? decode(segments[0], 'database name') : undefined;
  const user = parsed.username ? decode(parsed.username, 'user name') : undefined;
  let password = parsed.password ? decode(parsed.password, 'password') : undefined;
  // Keys come from the URL: defined as own properties (never through `__proto__`'s setter).
  const options: Record<string, string> = Object.fromEntries(parsed.searchParams);
  // `?password=` is a password too: it goes where the password goes (the secret store), never into the options
  // that are shown and stored with the URL.
  for (const key of Object.keys(options)) {
    if (!PASSWORD_OPTIONS.has(key.toLowerCase())) continue;
    const value = options[key]!;
    delete options[key];
    if (password !== undefined && password !== value) {
      throw new AppError(
        'invalid_input',
        `The ${label} URL gives two different passwords (before the @ and as ?${key}=); keep one.`,
      );
    }
    if (value !== '') password = value;
  }
  const hostname = parsed.hostname.startsWith('[') ? parsed.hostname.slice(1, -1) : parsed.hostname;
  return { engine, host: hostname, port, user, password, database, options };
}

/** The URL as it may be shown and stored: never a password. */
export function displayUrl(spec: ConnectionSpec): string {
  // The stored URL is parsed again to connect: a `?` would start options and a `%` an escape, so both are escaped.
  if (spec.engine === 'sqlite') return `sqlite:${spec.file!.replace(/[%?]/g, (char) => encodeURIComponent(char))}`;
  const scheme = sqlDialectOf(spec.engine).urlSchemes[0];
  const user = spec.user ? `${encodeURIComponent(spec.user)}@` : '';
  const host = spec.host?.includes(':') ? `[${spec.host}]` : spec.host;
  const db = spec.database ? `/${encodeURIComponent(spec.database)}` : '';
  const query = new URLSearchParams(spec.options).toString();
  return `${scheme}://${user}${host}:${spec.port}${db}${query ? `?${query}` : ''}`;
}

export function withPassword(spec: ConnectionSpec, password: string | undefined): ConnectionSpec {
  return password === undefined ? spec : { ...spec, password };
}
