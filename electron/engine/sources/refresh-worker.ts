/**
 * The refresh process's thin entry: introspects a source and saves its snapshot, off the main process (a child process
 * of its own, `SourceRefresher`; as a worker thread when started as one).
 */
import { parentPort } from 'node:worker_threads';
import { processPort } from '../platform/process-rpc.ts';
import { serveRpc } from '../platform/worker-rpc.ts';
import { CatalogStore } from '../catalog/catalog-store.ts';
import { refreshWithOwnConnection, type RefreshRequest } from './source-refresher.ts';

let catalog: CatalogStore | undefined;

serveRpc<RefreshRequest>(parentPort ?? processPort(), async (request, signal) => {
  catalog ??= new CatalogStore(request.catalogFile);
  return { value: await refreshWithOwnConnection(catalog, request, signal) };
});
