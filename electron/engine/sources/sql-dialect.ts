import type { ErrorKind } from '../../../shared/errors.ts';
import type { Engine } from '../../../shared/schema-types.ts';

/** What a driver error carries that tells its kind. */
export interface DriverErrorFacts {
  readonly code: string;
  readonly errno?: number;
  readonly message: string;
}

/**
 * How an engine's lexer reads quotes and comments. The guard's masking must agree with it character for character,
 * or a statement hidden in what it takes for a string is one the server runs.
 */
export interface LexRules {
  /** Quotes whose contents are a string (masked to `''`) rather than an identifier (masked to `q`). */
  readonly stringQuotes: string;
  /** Quotes in which a backslash escapes the next character (MySQL's default; PostgreSQL only in `E'...'`). */
  readonly backslashQuotes: string;
  readonly identifierQuotes: string;
  /** `[name]` identifiers (SQLite). */
  readonly bracketIdentifiers: boolean;
  /** `--` starts a comment only when followed by white space or a control character (MySQL): `1--1` is 1 - -1. */
  readonly dashCommentNeedsSpace: boolean;
  /** `#` starts a line comment (MySQL). */
  readonly hashComments: boolean;
  /** `/*! ... *\/` and `/*M! ... *\/` are code the server runs, not comments (MySQL, MariaDB). */
  readonly executableComments: boolean;
  /** Block comments nest (PostgreSQL). */
  readonly nestedComments: boolean;
  /** `$tag$ ... $tag$` strings and `E'...'` escape strings (PostgreSQL). */
  readonly postgresStrings: boolean;
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
  /** Its lexer's quotes and comments, for the guard's masking (query/sql-mask.ts). */
  readonly lexRules: LexRules;
  /** The error kind of a driver error this engine reports, or undefined to fall back to the generic rules. */
  errorKind(facts: DriverErrorFacts): ErrorKind | undefined;
}
