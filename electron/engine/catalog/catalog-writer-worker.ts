/** The catalog writer worker's thin entry: saves snapshots with its own connection to the catalog file. */
import { parentPort } from 'node:worker_threads';
import { serveRpc } from '../platform/worker-rpc.ts';
import { CatalogStore } from './catalog-store.ts';
import type { CatalogWriteRequest } from './catalog-writer.ts';

let catalog: CatalogStore | undefined;

serveRpc<CatalogWriteRequest>(parentPort!, (request) => {
  catalog ??= new CatalogStore(request.file);
  return { value: catalog.saveSnapshot(request.sourceId, request.snapshot, request.stats) };
});
