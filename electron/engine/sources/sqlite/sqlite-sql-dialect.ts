import type { SqlDialect } from '../sql-dialect.ts';

export const sqliteSqlDialect: SqlDialect = {
  engine: 'sqlite',
  label: 'SQLite',
  urlSchemes: ['sqlite', 'file'],
  exampleUrl: 'sqlite:PATH',
  parserDialect: 'sqlite',
  lexRules: {
    stringQuotes: `'`,
    backslashQuotes: '',
    identifierQuotes: '"`',
    bracketIdentifiers: true,
    dashCommentNeedsSpace: false,
    hashComments: false,
    executableComments: false,
    nestedComments: false,
    postgresStrings: false,
  },
  // The SQLite pool maps better-sqlite3's errors itself, where the query process reports them.
  errorKind: () => undefined,
};
