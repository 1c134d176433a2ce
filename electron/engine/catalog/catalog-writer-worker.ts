/** The catalog writer worker's thin entry: saves snapshots with its own connection to the catalog file. */
import { parentPort } from 'node:worker_threads';
import { serializeError } from '../../../shared/errors.ts';
import { CatalogStore } from './catalog-store.ts';
import type { CatalogWriteRequest, CatalogWriteResponse } from './catalog-writer.ts';

let catalog: CatalogStore | undefined;

parentPort!.on('message', (request: CatalogWriteRequest) => {
  let response: CatalogWriteResponse;
  try {
    catalog ??= new CatalogStore(request.file);
    response = { id: request.id, ok: true, value: catalog.saveSnapshot(request.sourceId, request.snapshot, request.stats) };
  } catch (error) {
    response = { id: request.id, ok: false, error: serializeError(error) };
  }
  parentPort!.postMessage(response);
});
