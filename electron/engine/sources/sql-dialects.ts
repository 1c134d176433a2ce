import { AppError } from '../../../shared/errors.ts';
import type { Engine } from '../../../shared/schema-types.ts';
import { mysqlSqlDialect } from './mysql/mysql-sql-dialect.ts';
import { postgresSqlDialect } from './postgres/postgres-sql-dialect.ts';
import type { SqlDialect } from './sql-dialect.ts';
import { sqliteSqlDialect } from './sqlite/sqlite-sql-dialect.ts';

/** Every engine's SQL role, loaded eagerly: they are small and load no driver. */
export const SQL_DIALECTS: ReadonlyMap<Engine, SqlDialect> = new Map(
  [sqliteSqlDialect, mysqlSqlDialect, postgresSqlDialect].map((dialect) => [dialect.engine, dialect]),
);

export function sqlDialectOf(engine: Engine): SqlDialect {
  const dialect = SQL_DIALECTS.get(engine);
  if (!dialect) throw new AppError('internal', `No SQL dialect for engine ${String(engine)}.`);
  return dialect;
}

/** The dialect a URL scheme selects (`mariadb` -> MySQL/MariaDB), or undefined. */
export function sqlDialectForScheme(scheme: string): SqlDialect | undefined {
  for (const dialect of SQL_DIALECTS.values()) if (dialect.urlSchemes.includes(scheme)) return dialect;
  return undefined;
}
