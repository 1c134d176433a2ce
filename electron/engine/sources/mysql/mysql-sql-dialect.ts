import type { ErrorKind } from '../../../../shared/errors.ts';
import type { SqlDialect } from '../sql-dialect.ts';

const KINDS = new Map<string, ErrorKind>([
  ['ER_ACCESS_DENIED_ERROR', 'auth'],
  ['ER_DBACCESS_DENIED_ERROR', 'auth'],
  ['ER_NOT_SUPPORTED_AUTH_MODE', 'auth'],
  ['ER_BAD_DB_ERROR', 'not_found'],
  ['ER_NO_SUCH_TABLE', 'not_found'],
  ['ER_QUERY_INTERRUPTED', 'cancelled'],
  ['ER_STATEMENT_TIMEOUT', 'timeout'],
  ['ER_QUERY_TIMEOUT', 'timeout'],
  ['ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION', 'read_only_violation'],
  ['ER_OPTION_PREVENTS_STATEMENT', 'read_only_violation'],
  ['ER_CON_COUNT_ERROR', 'pool_busy'],
  ['ER_TOO_MANY_USER_CONNECTIONS', 'pool_busy'],
  ['ETIMEDOUT', 'unreachable'],
  ['ER_SERVER_SHUTDOWN', 'unreachable'],
]);

/** MariaDB's max_statement_time (1969) and MySQL's max_execution_time (3024) carry no code name in mysql2. */
const TIMEOUT_ERRNOS = new Set([1969, 3024]);

export const mysqlSqlDialect: SqlDialect = {
  engine: 'mysql',
  label: 'MySQL/MariaDB',
  urlSchemes: ['mysql', 'mariadb'],
  exampleUrl: 'mysql://user:pass@host:3306/db',
  defaultPort: 3306,
  parserDialect: 'mariadb',
  lexRules: {
    stringQuotes: `'"`,
    backslashQuotes: `'"`,
    identifierQuotes: '`',
    bracketIdentifiers: false,
    dashCommentNeedsSpace: true,
    hashComments: true,
    executableComments: true,
    nestedComments: false,
    postgresStrings: false,
  },
  errorKind: ({ code, errno }) =>
    KINDS.get(code) ?? (errno !== undefined && TIMEOUT_ERRNOS.has(errno) ? 'timeout' : undefined),
};
