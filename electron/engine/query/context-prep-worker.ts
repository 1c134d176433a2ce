/**
 * The context worker's thin entry: reads a snapshot from the catalog (its own read-only connection) and builds its
 * BM25 index, so that a large schema's first question does not stall the main thread. Typed arrays are transferred.
 */
import { parentPort } from 'node:worker_threads';
import { serializeError } from '../../../shared/errors.ts';
import { CatalogStore } from '../catalog/catalog-store.ts';
import { buildLexicalParts } from './lexical-index.ts';
import type { PrepareRequest, PrepareResponse, VectorsRequest, VectorsResponse } from './context-prep.ts';
import { EmbeddingCache } from '../embeddings/embedding-cache.ts';
import { VectorIndex } from '../embeddings/vector-index.ts';

let catalog: CatalogStore | undefined;

function loadVectors(request: VectorsRequest): void {
  try {
    const cache = new EmbeddingCache(request.embeddingsFile, { readonly: true });
    try {
      const index = VectorIndex.load(cache, request.sourceId, request.providerId, request.budgetBytes);
      const parts = index?.toParts() ?? null;
      const response: VectorsResponse = { id: request.id, ok: true, parts };
      parentPort!.postMessage(response, parts ? [parts.compact.buffer as ArrayBuffer, parts.scales.buffer as ArrayBuffer] : []);
    } finally {
      cache.close();
    }
  } catch (error) {
    parentPort!.postMessage({ id: request.id, ok: false, error: serializeError(error) } satisfies VectorsResponse);
  }
}

parentPort!.on('message', (request: PrepareRequest | VectorsRequest) => {
  if ('embeddingsFile' in request) return loadVectors(request);
  try {
    catalog ??= new CatalogStore(request.file, { readonly: true });
    const snapshot = catalog.loadSnapshot(request.snapshotId);
    const lexical = buildLexicalParts(snapshot.tables);
    const response: PrepareResponse = { id: request.id, ok: true, snapshot, lexical };
    const buffers = [lexical.offsets, lexical.documents, lexical.weights, lexical.tableOf, lexical.columnOf, lexical.lengths].map((array) => array.buffer as ArrayBuffer);
    parentPort!.postMessage(response, buffers);
  } catch (error) {
    parentPort!.postMessage({ id: request.id, ok: false, error: serializeError(error) } satisfies PrepareResponse);
  }
});
