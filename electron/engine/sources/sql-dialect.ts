import type { ErrorKind } from '../../../shared/errors.ts';
import type { Engine } from '../../../shared/schema-types.ts';

/** What a driver error carries that tells its kind. */
export interface DriverErrorFacts {
  readonly code: string;
  readonly errno?: number;
  readonly message: string;
}

/**
 * A dialect's SQL role: everything about an engine that needs no driver and no connection, so the guard, the URL
 * parser, error mapping and SQL builders can ask it without loading a driver. One file per engine
 * (`<engine>/<engine>-sql-dialect.ts`), listed in `sql-dialects.ts`; quoting itself lives in `shared/sql-identifiers.ts`
 * because the renderer quotes too.
 */
export interface SqlDialect {
  readonly engine: Engine;
  /** As users name it in messages ("MySQL/MariaDB"). */
  readonly label: string;
  /** URL schemes that select this engine (`mysql`, `mariadb`); the first is the one written back. */
  readonly urlSchemes: readonly string[];
  /** Shown in error messages about a malformed URL. */
  readonly exampleUrl: string;
  /** Server engines only. */
  readonly defaultPort?: number;
  /** node-sql-parser's name for the dialect. */
  readonly parserDialect: string;
  /** The error kind of a driver error this engine reports, or undefined to fall back to the generic rules. */
  errorKind(facts: DriverErrorFacts): ErrorKind | undefined;
}
