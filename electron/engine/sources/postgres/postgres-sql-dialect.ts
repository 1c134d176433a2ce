import type { ErrorKind } from '../../../../shared/errors.ts';
import type { SqlDialect } from '../sql-dialect.ts';

/** SQLSTATE codes. */
const KINDS = new Map<string, ErrorKind>([
  ['28P01', 'auth'],
  ['28000', 'auth'],
  ['3D000', 'not_found'],
  ['42P01', 'not_found'],
  ['25006', 'read_only_violation'],
  ['53300', 'pool_busy'],
  ['57P01', 'unreachable'],
  ['57P02', 'unreachable'],
  ['57P03', 'unreachable'],
]);

export const postgresSqlDialect: SqlDialect = {
  engine: 'postgres',
  label: 'PostgreSQL',
  urlSchemes: ['postgres', 'postgresql'],
  exampleUrl: 'postgres://user:pass@host:5432/db',
  defaultPort: 5432,
  parserDialect: 'postgresql',
  lexRules: {
    stringQuotes: `'`,
    backslashQuotes: '',
    identifierQuotes: '"',
    bracketIdentifiers: false,
    dashCommentNeedsSpace: false,
    hashComments: false,
    executableComments: false,
    nestedComments: true,
    postgresStrings: true,
  },
  // 57014 is both a statement timeout and a cancel request; only the message tells them apart.
  errorKind: ({ code, message }) =>
    KINDS.get(code) ?? (code === '57014' ? (/statement timeout/i.test(message) ? 'timeout' : 'cancelled') : undefined),
};
