import path from 'node:path';
import type { CatalogStore } from '../../catalog/catalog-store.ts';
import { introspectSqlite } from './sqlite-introspector.ts';
import { openSqliteSource } from './sqlite-pool.ts';

import type { RefreshResult, SqliteRefreshRequest } from './sqlite-refresher.ts';

/**
 * Introspects a SQLite file with a connection of its own and stores the snapshot: the whole refresh in one place, so
 * that it can run where it blocks nothing (better-sqlite3 is synchronous: 10,000 tables take seconds).
 */
export function refreshSqliteFile(catalog: CatalogStore, request: SqliteRefreshRequest): RefreshResult {
  const db = openSqliteSource(request.file);
  try {
    const { snapshot, stats } = introspectSqlite(db, path.basename(request.file));
    const saved = catalog.saveSnapshot(request.sourceId, snapshot, stats);
    return { snapshot: saved.snapshot, diff: saved.diff, stats };
  } finally {
    db.close();
  }
}
