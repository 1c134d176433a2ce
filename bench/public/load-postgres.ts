import { readFileSync } from 'node:fs';
import pg from 'pg';
import { POSTGRES } from '../../test/helpers/services.ts';
import { DEFOG_DATABASES, type DatasetPaths } from './datasets.ts';
import { defogColumnDescriptions, defogScriptForSchema } from './defog-sql.ts';
import { quotePg, spiderDdl } from './spider-ddl.ts';

/**
 * The PostgreSQL and MariaDB database: `sspub`, shared by every checkout on the server; `SCHEMASCOPE_PUBLIC_DATABASE`
 * (another `sspub...` name) gives a checkout databases of its own, e.g. to run beside someone else's runs.
 */
export const PUBLIC_DATABASE = publicDatabaseName(process.env.SCHEMASCOPE_PUBLIC_DATABASE);

function publicDatabaseName(name: string | undefined): string {
  if (name === undefined || name === '') return 'sspub';
  if (!/^sspub[a-z0-9_]{0,40}$/.test(name))
    throw new Error(`SCHEMASCOPE_PUBLIC_DATABASE must start with "sspub" and use only a-z, 0-9 and _; got "${name}".`);
  return name;
}

/** What the load found worth saying (kept in the database's comment, so a reused database still reports it). */
export interface LoadNotes {
  readonly tables: number;
  readonly columns: number;
  readonly defogTables: number;
  readonly defogColumns: number;
  readonly defogRows: number;
  /** Defog databases whose script declares no primary or foreign key at all (joins are left to be inferred). */
  readonly defogWithoutKeys: string[];
  readonly spiderSchemas: number;
  /** Spider databases that are also defog databases, loaded as `spider_<name>`: near-duplicates of the real ones. */
  readonly spiderAlsoInDefog: string[];
  readonly spiderForeignKeys: number;
  readonly spiderForeignKeysSkipped: {
    readonly toNonUnique: number;
    readonly typeMismatch: number;
    readonly duplicate: number;
  };
  readonly commentsSet: number;
  /** Descriptions whose JSON spelling differs in case from the stored column: `json name -> stored name`. */
  readonly commentsMatchedIgnoringCase: string[];
  readonly commentsWithoutColumn: string[];
}

interface Marker {
  readonly hash: string;
  readonly notes: LoadNotes;
}

const MARKER_PREFIX = 'schemascope public benchmark ';

function client(database: string): pg.Client {
  return new pg.Client({ ...POSTGRES, database });
}

async function countColumns(db: pg.Client): Promise<{ tables: number; columns: number }> {
  const { rows } = await db.query(
    `SELECT count(DISTINCT c.oid)::int AS tables, count(*)::int AS columns
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid
      WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%' AND a.attnum > 0 AND NOT a.attisdropped`,
  );
  return rows[0] as { tables: number; columns: number };
}

/** The loaded database's marker when it names `hash` and the database's counts match it; else why not. */
async function loadedMarker(hash: string): Promise<Marker | string> {
  const admin = client('postgres');
  await admin.connect();
  let marker: Marker;
  try {
    const { rows } = await admin.query(
      `SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = $1`,
      [PUBLIC_DATABASE],
    );
    if (rows.length === 0) return 'not there yet';
    const comment = (rows[0] as { comment: string | null }).comment;
    if (!comment?.startsWith(MARKER_PREFIX)) return 'no marker';
    marker = JSON.parse(comment.slice(MARKER_PREFIX.length)) as Marker;
    if (marker.hash !== hash) return 'datasets or loader changed';
  } finally {
    await admin.end();
  }
  const db = client(PUBLIC_DATABASE);
  await db.connect();
  try {
    const counts = await countColumns(db);
    if (counts.tables === marker.notes.tables && counts.columns === marker.notes.columns) return marker;
    return `it holds ${counts.tables} tables and ${counts.columns} columns, not ${marker.notes.tables} and ${marker.notes.columns}`;
  } finally {
    await db.end();
  }
}

/**
 * PostgreSQL database `sspub`: one schema per defog database (its script loaded with rows, its column descriptions
 * as COMMENTs) and one per Spider training database (tables, primary and foreign keys, no rows). Reused when the
 * database's marker names the same content hash and its counts match; otherwise dropped and loaded again.
 */
export async function ensurePostgres(
  paths: DatasetPaths,
  hash: string,
  log: (line: string) => void,
): Promise<{ notes: LoadNotes; reused: boolean }> {
  const existing = await loadedMarker(hash);
  if (typeof existing !== 'string') return { notes: existing.notes, reused: true };

  log(`loading PostgreSQL database ${PUBLIC_DATABASE} (defog with rows + Spider schemas; ${existing})`);
  const admin = client('postgres');
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${PUBLIC_DATABASE} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${PUBLIC_DATABASE}`);
  } finally {
    await admin.end();
  }

  const db = client(PUBLIC_DATABASE);
  await db.connect();
  try {
    let commentsSet = 0;
    const commentsMatchedIgnoringCase: string[] = [];
    const commentsWithoutColumn: string[] = [];
    for (const database of DEFOG_DATABASES) {
      const schema = quotePg(database);
      await db.query(
        `CREATE SCHEMA ${schema}; SET search_path TO ${schema};\n${defogScriptForSchema(readFileSync(paths.defogSql(database), 'utf8'))}`,
      );
      await db.query('RESET search_path');
      const { rows } = await db.query(
        `SELECT table_name AS t, column_name AS c FROM information_schema.columns WHERE table_schema = $1`,
        [database],
      );
      const catalog = rows as { t: string; c: string }[];
      for (const [table, descriptions] of defogColumnDescriptions(paths.defogMetadata(database))) {
        for (const [column, description] of descriptions) {
          let found = catalog.find((row) => row.t === table && row.c === column);
          if (!found) {
            found = catalog.find(
              (row) => row.t.toLowerCase() === table.toLowerCase() && row.c.toLowerCase() === column.toLowerCase(),
            );
            if (found) commentsMatchedIgnoringCase.push(`${database}.${table}.${column} -> ${found.t}.${found.c}`);
          }
          if (!found) {
            commentsWithoutColumn.push(`${database}.${table}.${column}`);
            continue;
          }
          await db.query(
            `COMMENT ON COLUMN ${schema}.${quotePg(found.t)}.${quotePg(found.c)} IS ${db.escapeLiteral(description)}`,
          );
          commentsSet += 1;
        }
      }
    }
    const defog = await countColumns(db);
    let defogRows = 0;
    const { rows: defogTables } = await db.query(
      `SELECT table_schema AS s, table_name AS t FROM information_schema.tables WHERE table_schema = ANY($1::text[])`,
      [[...DEFOG_DATABASES]],
    );
    for (const { s, t } of defogTables as { s: string; t: string }[]) {
      defogRows += Number((await db.query(`SELECT count(*) AS n FROM ${quotePg(s)}.${quotePg(t)}`)).rows[0].n);
    }

    const { rows: keyed } = await db.query(
      `SELECT DISTINCT n.nspname AS s FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE c.contype IN ('p', 'f')`,
    );
    const defogWithoutKeys = DEFOG_DATABASES.filter(
      (database) => !(keyed as { s: string }[]).some((row) => row.s === database),
    );

    const spider = spiderDdl(paths.spiderTables);
    for (const database of spider.databases) {
      await db.query(`CREATE SCHEMA ${quotePg(database.schema)};\n${database.createStatements.join(';\n')}`);
    }
    const foreignKeys = spider.databases.flatMap((database) => database.foreignKeyStatements);
    await db.query(foreignKeys.join(';\n'));
    await db.query('ANALYZE'); // row estimates are part of the context text: fix them now, not whenever autovacuum runs

    const totals = await countColumns(db);
    const notes: LoadNotes = {
      ...totals,
      defogTables: defog.tables,
      defogColumns: defog.columns,
      defogRows,
      defogWithoutKeys,
      spiderSchemas: spider.databases.length,
      spiderAlsoInDefog: spider.databases
        .filter((database) => database.schema.startsWith('spider_'))
        .map((database) => database.schema.slice('spider_'.length)),
      spiderForeignKeys: foreignKeys.length,
      spiderForeignKeysSkipped: spider.skipped,
      commentsSet,
      commentsMatchedIgnoringCase,
      commentsWithoutColumn,
    };
    await db.query(
      `COMMENT ON DATABASE ${PUBLIC_DATABASE} IS ${db.escapeLiteral(MARKER_PREFIX + JSON.stringify({ hash, notes } satisfies Marker))}`,
    );
    return { notes, reused: false };
  } finally {
    await db.end();
  }
}
