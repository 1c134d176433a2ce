import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { threadId } from 'node:worker_threads';
import path from 'node:path';
import type { Statement } from 'better-sqlite3';
import { openSqlite, type SqliteDatabase } from '../platform/open-sqlite.ts';
import { processExists } from '../platform/process-exists.ts';
import { ItemListBuilder, type ItemList, type ItemsStamp } from './item-list.ts';

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
  // v2: the built-in provider's vectors are not stored (they are recomputed from the item's text, kept here), and the
  // item map loses its index by key, which no query uses and which made writing 510,000 items insert all over it.
  `ALTER TABLE source_items ADD COLUMN text TEXT;
   DROP INDEX IF EXISTS source_items_by_key;`,
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
  /** The document's text, kept only for providers whose vectors are recomputed instead of stored. */
  readonly text?: string | null;
}

interface ItemRow {
  item_id: string;
  kind: 'table' | 'column';
  schema_name: string;
  table_name: string;
  column_name: string | null;
  key: string;
  text?: string | null;
}

function toItem(row: ItemRow): SourceItemRow {
  return {
    itemId: row.item_id,
    kind: row.kind,
    schema: row.schema_name,
    table: row.table_name,
    column: row.column_name,
    key: row.key,
  };
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
      for (const { key, vector } of entries) insert.run(key, providerId, vector.length, encodeVector(vector));
    })();
  }

  getVectors(keys: readonly string[]): Map<string, Float32Array> {
    const found = new Map<string, Float32Array>();
    const select = this.db.prepare('SELECT key, dims, vector FROM vectors WHERE key = ?');
    for (const key of keys) {
      const row = select.get(key) as { key: string; dims: number; vector: Buffer } | undefined;
      if (row) found.set(row.key, decodeVector(row.vector, row.dims));
    }
    return found;
  }

  /** Replaces the item map of a source for a provider (after a run): items not in `items` are gone from the index. */
  replaceSourceItems(
    sourceId: string,
    providerId: string,
    items: Iterable<SourceItemRow>,
    failures: readonly { itemId: string; reason: string }[],
  ): void {
    const insert = this.db.prepare(
      'INSERT INTO source_items (source_id, provider, item_id, kind, schema_name, table_name, column_name, key, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const fail = this.db.prepare(
      'INSERT INTO item_failures (source_id, provider, item_id, reason, at) VALUES (?, ?, ?, ?, ?)',
    );
    this.db
      .transaction(() => {
        this.db.prepare('DELETE FROM source_items WHERE source_id = ? AND provider = ?').run(sourceId, providerId);
        this.db.prepare('DELETE FROM item_failures WHERE source_id = ? AND provider = ?').run(sourceId, providerId);
        for (const item of items)
          insert.run(
            sourceId,
            providerId,
            item.itemId,
            item.kind,
            item.schema,
            item.table,
            item.column,
            item.key,
            item.text ?? null,
          );
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
        .all(sourceId, providerId) as ItemRow[]
    ).map(toItem);
  }

  /**
   * Whether the stored item map of this source is exactly `items` (ids and vector keys), given in item id order:
   * compared row by row with a cursor, never holding the stored map (510,000 rows at W10k).
   */
  hasItems(sourceId: string, providerId: string, items: readonly { itemId: string; key: string }[]): boolean {
    const rows = this.db
      .prepare('SELECT item_id, key FROM source_items WHERE source_id = ? AND provider = ? ORDER BY item_id')
      .raw()
      .iterate(sourceId, providerId) as IterableIterator<[string, string]>;
    let at = 0;
    for (const [itemId, key] of rows) {
      const item = items[at];
      if (!item || item.itemId !== itemId || item.key !== key) return false; // the loop closes the cursor
      at += 1;
    }
    return at === items.length;
  }

  /** A scratch store for one indexing run's texts ({@link RunTexts}). */
  runTexts(): RunTexts {
    return new RunTexts(this.db, path.dirname(this.db.name));
  }

  /** The source's item ids in item id order, packed, with the stamp a compact copy on disk must match. */
  itemList(sourceId: string, providerId: string): { list: ItemList; stamp: ItemsStamp } {
    const builder = new ItemListBuilder();
    const rows = this.db
      .prepare('SELECT item_id, key FROM source_items WHERE source_id = ? AND provider = ? ORDER BY item_id')
      .raw()
      .iterate(sourceId, providerId) as IterableIterator<[string, string]>;
    for (const [itemId, key] of rows) builder.add(itemId, key);
    return builder.finish();
  }

  /** These items' rows (with their texts), by item id; ids the index no longer has are left out. */
  itemsById(sourceId: string, providerId: string, itemIds: readonly string[]): Map<string, SourceItemRow> {
    const select = this.db.prepare(
      'SELECT item_id, kind, schema_name, table_name, column_name, key, text FROM source_items WHERE source_id = ? AND provider = ? AND item_id = ?',
    );
    const found = new Map<string, SourceItemRow>();
    for (const itemId of itemIds) {
      const row = select.get(sourceId, providerId, itemId) as ItemRow | undefined;
      if (row) found.set(itemId, { ...toItem(row), text: row.text });
    }
    return found;
  }

  /** The stored texts of these items (those that have one), by item id. */
  itemTexts(sourceId: string, providerId: string, itemIds: readonly string[]): Map<string, string> {
    const select = this.db.prepare(
      'SELECT text FROM source_items WHERE source_id = ? AND provider = ? AND item_id = ? AND text IS NOT NULL',
    );
    const found = new Map<string, string>();
    for (const itemId of itemIds) {
      const row = select.get(sourceId, providerId, itemId) as { text: string } | undefined;
      if (row) found.set(itemId, row.text);
    }
    return found;
  }

  /** Every item's id, key and stored text (null when it has none), in item id order. */
  iterateTexts(
    sourceId: string,
    providerId: string,
  ): IterableIterator<{ item_id: string; key: string; text: string | null }> {
    return this.db
      .prepare('SELECT item_id, key, text FROM source_items WHERE source_id = ? AND provider = ? ORDER BY item_id')
      .iterate(sourceId, providerId) as IterableIterator<{ item_id: string; key: string; text: string | null }>;
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

  /**
   * Changes whenever another connection (another process, the indexer worker) commits to this database; the same
   * until then. What a reader derived from the tables stays true while it holds.
   */
  dataVersion(): number {
    return this.db.pragma('data_version', { simple: true }) as number;
  }

  vectorCount(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM vectors').get() as { n: number }).n;
  }

  close(): void {
    this.db.close();
  }
}

/** Bytes of one sparse entry: its value (float32) and its dimension (uint16). */
const SPARSE_ENTRY_BYTES = 6;

/**
 * A vector as stored: dense (dims x float32), or sparse when that is smaller (the built-in provider's vectors have
 * ~45 non-zero dimensions of 512: 270 bytes instead of 2,048, so a W10k index writes ~140 MB instead of 1 GB). Sparse
 * is the non-zero values (float32) then their dimensions (uint16); its length is always below dims x 4, which tells
 * the two apart. Both give back exactly the same Float32 values.
 */
export function encodeVector(vector: Float32Array): Buffer {
  let nonZero = 0;
  for (let index = 0; index < vector.length; index += 1) if (vector[index] !== 0) nonZero += 1;
  if (nonZero * SPARSE_ENTRY_BYTES >= vector.byteLength || vector.length > 0xffff)
    return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
  const blob = Buffer.allocUnsafe(nonZero * SPARSE_ENTRY_BYTES);
  for (let index = 0, at = 0; index < vector.length; index += 1) {
    if (vector[index] === 0) continue;
    blob.writeFloatLE(vector[index]!, at * 4);
    blob.writeUInt16LE(index, nonZero * 4 + at * 2);
    at += 1;
  }
  return blob;
}

/** The stored vector of `dims` dimensions, dense or sparse ({@link encodeVector}), into `into` when given. */
export function decodeVector(blob: Uint8Array, dims: number, into?: Float32Array): Float32Array {
  const vector = into ?? new Float32Array(dims);
  if (blob.byteLength === dims * 4) {
    // Copy: the blob's buffer may be pooled and not 4-byte aligned.
    new Uint8Array(vector.buffer, vector.byteOffset, vector.byteLength).set(blob);
    return vector;
  }
  if (blob.byteLength % SPARSE_ENTRY_BYTES !== 0 || blob.byteLength >= dims * 4)
    throw new RangeError(
      `A stored vector of ${dims} dimensions has ${blob.byteLength} bytes: neither dense nor sparse.`,
    );
  if (into) vector.fill(0);
  const count = blob.byteLength / SPARSE_ENTRY_BYTES;
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  for (let at = 0; at < count; at += 1) {
    const dimension = view.getUint16(count * 4 + at * 2, true);
    if (dimension >= dims) throw new RangeError(`A stored sparse vector names dimension ${dimension} of ${dims}.`);
    vector[dimension] = view.getFloat32(at * 4, true);
  }
  return vector;
}

/**
 * One indexing run's document texts, on disk instead of in the heap (~130 MB at W10k): a scratch database beside
 * `embeddings.db` (not the system's temporary folder, which may be a RAM disk), attached to this connection only, so
 * runs in other processes never see it; no journal, deleted when the run ends. A process that died mid-run leaves its
 * file, which the next run removes (its name carries the process id).
 */
export class RunTexts {
  readonly #db: SqliteDatabase;
  readonly #schema: string;
  readonly #file: string;
  #next = 0;
  readonly #insert: Statement<[number, string]>;
  readonly #select: Statement<[number], string>;
  static #runs = 0;

  constructor(db: SqliteDatabase, dir: string) {
    removeOrphanRunTexts(dir);
    const run = (RunTexts.#runs += 1);
    this.#db = db;
    this.#schema = `run_texts_${run}`;
    this.#file = path.join(dir, `${RUN_TEXTS_PREFIX}${process.pid}-${threadId}-${run}-${randomUUID()}.db`);
    db.prepare(`ATTACH DATABASE ? AS ${this.#schema}`).run(this.#file);
    db.pragma(`${this.#schema}.journal_mode = OFF`);
    db.pragma(`${this.#schema}.synchronous = OFF`);
    db.exec(`CREATE TABLE ${this.#schema}.texts (id INTEGER PRIMARY KEY, text TEXT NOT NULL)`);
    this.#insert = db.prepare<[number, string]>(`INSERT INTO ${this.#schema}.texts (id, text) VALUES (?, ?)`);
    this.#select = db.prepare<[number], string>(`SELECT text FROM ${this.#schema}.texts WHERE id = ?`).pluck();
  }

  /** Adds texts inside one transaction (what `fn` adds); each `add` gives the text's id. */
  write(fn: () => void): void {
    this.#db.transaction(fn)();
  }

  add(text: string): number {
    const id = this.#next++;
    this.#insert.run(id, text);
    return id;
  }

  get(id: number): string {
    const text = this.#select.get(id);
    if (text === undefined) throw new RangeError(`No text ${id} in this run.`);
    return text;
  }

  /** Detaches and deletes the scratch file; never throws (a run's end must not fail on its scratch). */
  close(): void {
    try {
      if (this.#db.open) this.#db.exec(`DETACH DATABASE ${this.#schema}`);
    } catch {
      // still attached (a statement in hand): the file goes when the connection closes and the next run cleans up
    }
    try {
      rmSync(this.#file, { force: true });
    } catch {
      // still open elsewhere (Windows): the next run removes it once this process is gone
    }
  }
}

const RUN_TEXTS_PREFIX = 'run-texts-';

/** Scratch files of runs whose process is gone (killed mid-run): each name starts with its process id. */
function removeOrphanRunTexts(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(RUN_TEXTS_PREFIX)) continue;
    const pid = Number(name.slice(RUN_TEXTS_PREFIX.length).split('-')[0]);
    if (Number.isInteger(pid) && pid > 0 && !processExists(pid)) rmSync(path.join(dir, name), { force: true });
  }
}
