import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { openSqlite, type SqliteDatabase } from '../platform/open-sqlite.ts';

const MIGRATIONS = [
  `CREATE TABLE vectors (
     key TEXT PRIMARY KEY,
     provider TEXT NOT NULL,
     dims INTEGER NOT NULL,
     vector BLOB NOT NULL
   ) WITHOUT ROWID;
   CREATE TABLE source_items (
     source_id TEXT NOT NULL,
     provider TEXT NOT NULL,
     item_id TEXT NOT NULL,
     kind TEXT NOT NULL,
     schema_name TEXT NOT NULL,
     table_name TEXT NOT NULL,
     column_name TEXT,
     key TEXT NOT NULL,
     PRIMARY KEY (source_id, provider, item_id)
   ) WITHOUT ROWID;
   CREATE INDEX source_items_by_key ON source_items(key);
   CREATE TABLE item_failures (
     source_id TEXT NOT NULL,
     provider TEXT NOT NULL,
     item_id TEXT NOT NULL,
     reason TEXT NOT NULL,
     at TEXT NOT NULL,
     PRIMARY KEY (source_id, provider, item_id)
   ) WITHOUT ROWID;`,
];

/** The cache key of a document's vector: its text hash with the provider id (provider, model, dimensions). */
export function vectorKey(providerId: string, textHash: string): string {
  return createHash('sha256').update(`${providerId}\n${textHash}`).digest('base64url');
}

export interface SourceItemRow {
  readonly itemId: string;
  readonly kind: 'table' | 'column';
  readonly schema: string;
  readonly table: string;
  readonly column: string | null;
  readonly key: string;
}

/**
 * Vectors on disk as Float32 blobs, keyed by content hash, plus which items of which source use which vector. The
 * indexer worker is its only writer (one transaction per batch); the main process opens it read-only to search.
 */
export class EmbeddingCache {
  readonly db: SqliteDatabase;

  constructor(file: string, options: { readonly?: boolean } = {}) {
    if (!options.readonly) mkdirSync(path.dirname(file), { recursive: true });
    this.db = openSqlite(file, options.readonly ? { readonly: true, fileMustExist: true } : {});
    if (!options.readonly) {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      this.db.pragma('busy_timeout = 5000');
      const version = this.db.pragma('user_version', { simple: true }) as number;
      for (let index = version; index < MIGRATIONS.length; index += 1) {
        this.db
          .transaction(() => {
            this.db.exec(MIGRATIONS[index]!);
            this.db.pragma(`user_version = ${index + 1}`);
          })
          .immediate();
      }
    }
  }

  static file(home: string): string {
    return path.join(home, 'embeddings.db');
  }

  has(key: string): boolean {
    return this.db.prepare('SELECT 1 FROM vectors WHERE key = ?').get(key) !== undefined;
  }

  /** Stores one batch in one transaction: a crash loses at most the batches in flight. */
  putBatch(providerId: string, entries: readonly { key: string; vector: Float32Array }[]): void {
    const insert = this.db.prepare('INSERT OR REPLACE INTO vectors (key, provider, dims, vector) VALUES (?, ?, ?, ?)');
    this.db.transaction(() => {
      for (const { key, vector } of entries)
        insert.run(key, providerId, vector.length, Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength));
    })();
  }

  getVectors(keys: readonly string[]): Map<string, Float32Array> {
    const found = new Map<string, Float32Array>();
    const select = this.db.prepare('SELECT key, vector FROM vectors WHERE key = ?');
    for (const key of keys) {
      const row = select.get(key) as { key: string; vector: Buffer } | undefined;
      if (row) found.set(row.key, toFloat32(row.vector));
    }
    return found;
  }

  /** Replaces the item map of a source for a provider (after a run): items not in `items` are gone from the index. */
  replaceSourceItems(
    sourceId: string,
    providerId: string,
    items: readonly SourceItemRow[],
    failures: readonly { itemId: string; reason: string }[],
  ): void {
    const insert = this.db.prepare(
      'INSERT INTO source_items (source_id, provider, item_id, kind, schema_name, table_name, column_name, key) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const fail = this.db.prepare(
      'INSERT INTO item_failures (source_id, provider, item_id, reason, at) VALUES (?, ?, ?, ?, ?)',
    );
    this.db
      .transaction(() => {
        this.db.prepare('DELETE FROM source_items WHERE source_id = ? AND provider = ?').run(sourceId, providerId);
        this.db.prepare('DELETE FROM item_failures WHERE source_id = ? AND provider = ?').run(sourceId, providerId);
        for (const item of items)
          insert.run(sourceId, providerId, item.itemId, item.kind, item.schema, item.table, item.column, item.key);
        const now = new Date().toISOString();
        for (const failure of failures) fail.run(sourceId, providerId, failure.itemId, failure.reason, now);
      })
      .immediate();
  }

  sourceItems(sourceId: string, providerId: string): SourceItemRow[] {
    return (
      this.db
        .prepare(
          'SELECT item_id, kind, schema_name, table_name, column_name, key FROM source_items WHERE source_id = ? AND provider = ? ORDER BY item_id',
        )
        .all(sourceId, providerId) as {
        item_id: string;
        kind: 'table' | 'column';
        schema_name: string;
        table_name: string;
        column_name: string | null;
        key: string;
      }[]
    ).map((row) => ({
      itemId: row.item_id,
      kind: row.kind,
      schema: row.schema_name,
      table: row.table_name,
      column: row.column_name,
      key: row.key,
    }));
  }

  /** Providers that have an index for this source, most items first. */
  providersFor(sourceId: string): string[] {
    return (
      this.db
        .prepare(
          'SELECT provider, count(*) AS n FROM source_items WHERE source_id = ? GROUP BY provider ORDER BY n DESC',
        )
        .all(sourceId) as { provider: string }[]
    ).map((row) => row.provider);
  }

  failures(sourceId: string, providerId: string): { itemId: string; reason: string }[] {
    return (
      this.db
        .prepare('SELECT item_id, reason FROM item_failures WHERE source_id = ? AND provider = ? ORDER BY item_id')
        .all(sourceId, providerId) as { item_id: string; reason: string }[]
    ).map((row) => ({ itemId: row.item_id, reason: row.reason }));
  }

  vectorCount(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM vectors').get() as { n: number }).n;
  }

  close(): void {
    this.db.close();
  }
}

export function toFloat32(blob: Buffer): Float32Array {
  // Copy: the blob's buffer may be pooled and not 4-byte aligned.
  const vector = new Float32Array(blob.byteLength / 4);
  new Uint8Array(vector.buffer).set(blob);
  return vector;
}
