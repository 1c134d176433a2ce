/**
 * Versioned migrations of the on-disk catalog. Append only: a released migration is never edited, a new version
 * is added instead. Each runs in one transaction with its version row.
 */
export const CATALOG_MIGRATIONS: readonly { readonly version: number; readonly sql: string }[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE sources (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        engine TEXT NOT NULL CHECK (engine IN ('sqlite', 'mysql', 'postgres')),
        display_url TEXT NOT NULL,
        is_demo INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE snapshots (
        id INTEGER PRIMARY KEY,
        source_id TEXT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
        taken_at TEXT NOT NULL,
        verified_at TEXT NOT NULL,
        database_name TEXT NOT NULL,
        schemas_json TEXT NOT NULL,
        warnings_json TEXT NOT NULL,
        table_count INTEGER NOT NULL,
        column_count INTEGER NOT NULL,
        queries INTEGER NOT NULL,
        ms REAL NOT NULL
      );
      CREATE INDEX snapshots_by_source ON snapshots(source_id, id);
      CREATE TABLE catalog_tables (
        snapshot_id INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,
        source_id TEXT NOT NULL,
        schema_name TEXT NOT NULL,
        table_name TEXT NOT NULL,
        kind TEXT NOT NULL,
        comment TEXT,
        row_estimate INTEGER,
        column_count INTEGER NOT NULL,
        primary_key_json TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        PRIMARY KEY (snapshot_id, schema_name, table_name)
      ) WITHOUT ROWID;
      CREATE INDEX catalog_tables_by_source_table ON catalog_tables(source_id, table_name);
      CREATE TABLE catalog_columns (
        snapshot_id INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,
        source_id TEXT NOT NULL,
        schema_name TEXT NOT NULL,
        table_name TEXT NOT NULL,
        ordinal INTEGER NOT NULL,
        column_name TEXT NOT NULL,
        data_type TEXT NOT NULL,
        nullable INTEGER NOT NULL,
        default_value TEXT,
        comment TEXT,
        PRIMARY KEY (snapshot_id, schema_name, table_name, ordinal)
      ) WITHOUT ROWID;
      CREATE INDEX catalog_columns_by_source_column ON catalog_columns(source_id, column_name);
      CREATE TABLE catalog_foreign_keys (
        snapshot_id INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,
        source_id TEXT NOT NULL,
        schema_name TEXT NOT NULL,
        table_name TEXT NOT NULL,
        name TEXT NOT NULL,
        columns_json TEXT NOT NULL,
        ref_schema TEXT NOT NULL,
        ref_table TEXT NOT NULL,
        ref_columns_json TEXT NOT NULL
      );
      CREATE INDEX catalog_foreign_keys_by_table ON catalog_foreign_keys(snapshot_id, schema_name, table_name);
      CREATE INDEX catalog_foreign_keys_by_target ON catalog_foreign_keys(snapshot_id, ref_schema, ref_table);
      CREATE TABLE catalog_indexes (
        snapshot_id INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,
        source_id TEXT NOT NULL,
        schema_name TEXT NOT NULL,
        table_name TEXT NOT NULL,
        name TEXT NOT NULL,
        columns_json TEXT NOT NULL,
        is_unique INTEGER NOT NULL,
        is_primary INTEGER NOT NULL
      );
      CREATE INDEX catalog_indexes_by_table ON catalog_indexes(snapshot_id, schema_name, table_name);
    `,
  },
  {
    version: 2,
    sql: `
      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value_json TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE query_history (
        id INTEGER PRIMARY KEY,
        source_id TEXT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
        sql TEXT NOT NULL,
        origin TEXT NOT NULL CHECK (origin IN ('editor', 'ask')),
        question TEXT,
        row_count INTEGER,
        ms REAL,
        error TEXT,
        ran_at TEXT NOT NULL
      );
      CREATE INDEX query_history_by_source ON query_history(source_id, id);
      CREATE TABLE saved_queries (
        id INTEGER PRIMARY KEY,
        source_id TEXT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        sql TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        UNIQUE (source_id, name)
      );
    `,
  },
  {
    version: 3,
    sql: `
      -- Example values of text columns, opt-in per source; keyed by names so that they outlive snapshots.
      CREATE TABLE value_profiles (
        source_id TEXT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
        schema_name TEXT NOT NULL,
        table_name TEXT NOT NULL,
        column_name TEXT NOT NULL,
        values_json TEXT NOT NULL,
        origin TEXT NOT NULL CHECK (origin IN ('statistics', 'sample')),
        collected_at TEXT NOT NULL,
        PRIMARY KEY (source_id, schema_name, table_name, column_name)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 4,
    sql: `
      -- Who runs a source's long job (indexing) when several processes share one data folder (the app, the CLI, an
      -- MCP server). One row per job kind and source; a row whose owner died is taken over (see job-lock-store.ts).
      CREATE TABLE job_locks (
        kind TEXT NOT NULL,
        source_id TEXT NOT NULL,
        owner_pid INTEGER NOT NULL,
        owner_host TEXT NOT NULL,
        owner_nonce TEXT NOT NULL,
        started_at TEXT NOT NULL,
        heartbeat_at INTEGER NOT NULL,
        progress_json TEXT,
        PRIMARY KEY (kind, source_id)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 5,
    sql: `
      -- Team knowledge, per source, keyed by names so that it outlives snapshots (re-attached when a name returns).
      CREATE TABLE knowledge_notes (
        source_id TEXT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
        schema_name TEXT NOT NULL,
        table_name TEXT NOT NULL,
        target TEXT NOT NULL CHECK (target IN ('table', 'column')),
        column_name TEXT NOT NULL,
        text TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (source_id, schema_name, table_name, target, column_name)
      ) WITHOUT ROWID;
      CREATE TABLE knowledge_glossary (
        source_id TEXT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
        term TEXT NOT NULL,
        definition TEXT NOT NULL,
        links_json TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (source_id, term)
      ) WITHOUT ROWID;
      CREATE TABLE knowledge_examples (
        id INTEGER PRIMARY KEY,
        source_id TEXT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
        question TEXT NOT NULL,
        sql TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX knowledge_examples_by_source ON knowledge_examples(source_id, id);
    `,
  },
];
