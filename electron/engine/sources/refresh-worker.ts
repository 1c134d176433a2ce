/** The refresh worker's thin entry: introspects a source and saves its snapshot, off the main thread. */
import { parentPort } from 'node:worker_threads';
import { serveRpc } from '../platform/worker-rpc.ts';
import { CatalogStore } from '../catalog/catalog-store.ts';
import { refreshWithOwnConnection, type RefreshRequest } from './source-refresher.ts';

let catalog: CatalogStore | undefined;

serveRpc<RefreshRequest>(parentPort!, async (request, signal) => {
  catalog ??= new CatalogStore(request.catalogFile);
  return { value: await refreshWithOwnConnection(catalog, request, signal) };
});
