/**
 * The context worker's thin entry: reads a snapshot from the catalog (its own read-only connection) and builds its
 * BM25 index, or loads a source's vector index, so that a large schema's first question or search does not stall the
 * main thread. Typed arrays are transferred, not copied.
 */
import { parentPort } from 'node:worker_threads';
import { CatalogStore } from '../catalog/catalog-store.ts';
import { EmbeddingCache } from '../embeddings/embedding-cache.ts';
import { VectorIndex } from '../embeddings/vector-index.ts';
import { serveRpc } from '../util/worker-rpc.ts';
import type { PrepareRequest, VectorsRequest } from './context-prep.ts';
import { buildLexicalParts } from './lexical-index.ts';

let catalog: CatalogStore | undefined;

serveRpc<PrepareRequest | VectorsRequest>(parentPort!, (request) => {
  if (request.kind === 'vectors') {
    const cache = new EmbeddingCache(request.embeddingsFile, { readonly: true });
    try {
      const parts = VectorIndex.load(cache, request.sourceId, request.providerId, request.budgetBytes)?.toParts() ?? null;
      return { value: parts, transfer: parts ? [parts.compact.buffer as ArrayBuffer, parts.scales.buffer as ArrayBuffer] : [] };
    } finally {
      cache.close();
    }
  }
  catalog ??= new CatalogStore(request.file, { readonly: true });
  const snapshot = catalog.loadSnapshot(request.snapshotId);
  const lexical = buildLexicalParts(snapshot.tables);
  const transfer = [lexical.offsets, lexical.documents, lexical.weights, lexical.tableOf, lexical.columnOf, lexical.lengths].map((array) => array.buffer as ArrayBuffer);
  return { value: { snapshot, lexical }, transfer };
});
