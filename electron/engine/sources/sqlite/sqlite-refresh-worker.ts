/** The SQLite refresh worker's thin entry: introspects a SQLite source and saves its snapshot off the main thread. */
import { parentPort } from 'node:worker_threads';
import { serveRpc } from '../../platform/worker-rpc.ts';
import { CatalogStore } from '../../catalog/catalog-store.ts';
import { refreshSqliteFile } from './sqlite-refresh.ts';
import type { SqliteRefreshRequest } from './sqlite-refresher.ts';

let catalog: CatalogStore | undefined;

serveRpc<SqliteRefreshRequest>(parentPort!, (request) => {
  catalog ??= new CatalogStore(request.catalogFile);
  return { value: refreshSqliteFile(catalog, request) };
});
