import { AppError } from '../../../shared/errors.ts';
import type { CatalogStore } from './catalog-store.ts';

export interface HistoryEntry {
  readonly id: number;
  readonly sourceId: string;
  readonly sql: string;
  readonly origin: 'editor' | 'ask';
  readonly question: string | null;
  readonly rowCount: number | null;
  readonly ms: number | null;
  readonly error: string | null;
  readonly ranAt: string;
}

export interface SavedQuery {
  readonly id: number;
  readonly sourceId: string;
  readonly name: string;
  readonly sql: string;
  readonly updatedAt: string;
}

/** History is bounded per source, like every other store. */
export const HISTORY_KEPT = 500;
const HISTORY_FLUSH_MS = 250;
const MAX_PENDING_HISTORY = 1000;

/**
 * What the analyst keeps between sessions, in the catalog database (migration v2): settings without secrets,
 * query history (the last 500 per source) and saved queries.
 */
export class WorkspaceStore {
  readonly #catalog: CatalogStore;

  constructor(catalog: CatalogStore) {
    this.#catalog = catalog;
  }

  get #db() {
    return this.#catalog.db;
  }

  getSetting<T>(key: string): T | undefined {
    const row = this.#db.prepare('SELECT value_json FROM settings WHERE key = ?').get(key) as
      { value_json: string } | undefined;
    return row ? (JSON.parse(row.value_json) as T) : undefined;
  }

  setSetting(key: string, value: unknown): void {
    this.#db
      .prepare(
        'INSERT INTO settings (key, value_json, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value_json = excluded.value_json, updated_at = excluded.updated_at',
      )
      .run(key, JSON.stringify(value), new Date().toISOString());
  }

  /**
   * Records a run. Entries are written in batches (every 250 ms, one transaction): one write per query cost ~2 ms of
   * main-thread time and halved throughput under load (measured). The pending list is bounded; reads flush first.
   */
  addHistory(entry: Omit<HistoryEntry, 'id' | 'ranAt'>): void {
    if (this.#pending.length >= MAX_PENDING_HISTORY) this.#pending.shift();
    this.#pending.push({ ...entry, ranAt: new Date().toISOString() });
    this.#flushTimer ??= setTimeout(() => this.flush(), HISTORY_FLUSH_MS).unref();
  }

  /** Writes pending history entries now (also on close). */
  flush(): void {
    clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    if (this.#pending.length === 0) return;
    const batch = this.#pending;
    this.#pending = [];
    try {
      this.#db.transaction(() => {
        const insert = this.#db.prepare(
          'INSERT INTO query_history (source_id, sql, origin, question, row_count, ms, error, ran_at) SELECT ?, ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM sources WHERE id = ?)',
        );
        for (const entry of batch)
          insert.run(
            entry.sourceId,
            entry.sql,
            entry.origin,
            entry.question,
            entry.rowCount,
            entry.ms,
            entry.error,
            entry.ranAt,
            entry.sourceId,
          );
        const trim = this.#db.prepare(
          'DELETE FROM query_history WHERE source_id = ? AND id <= (SELECT id FROM query_history WHERE source_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?)',
        );
        for (const sourceId of new Set(batch.map((entry) => entry.sourceId)))
          trim.run(sourceId, sourceId, HISTORY_KEPT);
      })();
    } catch {
      // History is a convenience: a full or read-only disk must not fail the queries it records.
    }
  }

  #pending: Omit<HistoryEntry, 'id'>[] = [];
  #flushTimer: NodeJS.Timeout | undefined;

  history(sourceId: string, limit = 100): HistoryEntry[] {
    this.flush();
    const rows = this.#db
      .prepare('SELECT * FROM query_history WHERE source_id = ? ORDER BY id DESC LIMIT ?')
      .all(sourceId, limit) as HistoryRow[];
    return rows.map((row) => ({
      id: row.id,
      sourceId: row.source_id,
      sql: row.sql,
      origin: row.origin,
      question: row.question,
      rowCount: row.row_count,
      ms: row.ms,
      error: row.error,
      ranAt: row.ran_at,
    }));
  }

  saveQuery(sourceId: string, name: string, sql: string): SavedQuery {
    this.#catalog.getSource(sourceId);
    const now = new Date().toISOString();
    this.#db
      .prepare(
        'INSERT INTO saved_queries (source_id, name, sql, created_at, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(source_id, name) DO UPDATE SET sql = excluded.sql, updated_at = excluded.updated_at',
      )
      .run(sourceId, name, sql, now, now);
    return this.savedQueries(sourceId).find((saved) => saved.name === name)!;
  }

  savedQueries(sourceId: string): SavedQuery[] {
    const rows = this.#db
      .prepare(
        'SELECT id, source_id, name, sql, updated_at FROM saved_queries WHERE source_id = ? ORDER BY name COLLATE NOCASE',
      )
      .all(sourceId) as SavedRow[];
    return rows.map((row) => ({
      id: row.id,
      sourceId: row.source_id,
      name: row.name,
      sql: row.sql,
      updatedAt: row.updated_at,
    }));
  }

  removeSavedQuery(id: number): boolean {
    const removed = this.#db.prepare('DELETE FROM saved_queries WHERE id = ?').run(id).changes > 0;
    if (!removed) throw new AppError('not_found', `No saved query with id ${id}.`);
    return removed;
  }
}

interface HistoryRow {
  id: number;
  source_id: string;
  sql: string;
  origin: 'editor' | 'ask';
  question: string | null;
  row_count: number | null;
  ms: number | null;
  error: string | null;
  ran_at: string;
}
interface SavedRow {
  id: number;
  source_id: string;
  name: string;
  sql: string;
  updated_at: string;
}
