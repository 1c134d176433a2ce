/**
 * The context worker's thin entry: reads a snapshot from the catalog (its own read-only connection) and builds its
 * BM25 index, or loads a source's vector index, so that a large schema's first question or search does not stall the
 * main thread. Typed arrays are transferred, not copied.
 */
import { parentPort } from 'node:worker_threads';
import { CatalogStore } from '../catalog/catalog-store.ts';
import { EmbeddingCache } from '../search/embedding-cache.ts';
import { VectorIndex } from '../search/vector-index.ts';
import { serveRpc } from '../platform/worker-rpc.ts';
import type { PrepareRequest, VectorsRequest } from './context-prep.ts';
import { prepareParts, PreparedStore } from '../search/prepared-store.ts';
import { AppError } from '../../../shared/errors.ts';
import { compactVectorsFile } from '../search/compact-vectors-file.ts';

let catalog: CatalogStore | undefined;

serveRpc<PrepareRequest | VectorsRequest>(parentPort!, (request) => {
  if (request.kind === 'vectors') {
    const cache = new EmbeddingCache(request.embeddingsFile, { readonly: true });
    try {
      const parts =
        VectorIndex.load(
          cache,
          request.sourceId,
          request.providerId,
          request.budgetBytes,
          compactVectorsFile(request.embeddingsFile, request.sourceId, request.providerId),
        )?.toParts() ?? null;
      return {
        value: parts,
        transfer: parts ? VectorIndex.transferables(parts) : [],
      };
    } finally {
      cache.close();
    }
  }
  catalog ??= new CatalogStore(request.file, { readonly: true });
  const record = catalog.snapshotRecord(request.snapshotId);
  if (!record) throw new AppError('not_found', `No snapshot ${request.snapshotId}.`);
  const store = new PreparedStore(request.home);
  // Stored, the parts are read from the file by the caller: handing them over too would serialize the whole snapshot
  // a second time (~90 MB and seconds at W10k) for the same deserializing on the other side.
  if (store.read(record)) return { value: null };
  const snapshot = catalog.loadSnapshot(request.snapshotId);
  const parts = prepareParts(snapshot);
  try {
    store.write(record, parts, catalog.snapshotIds(record.sourceId));
    return { value: null };
  } catch {
    // A read-only or full disk: handed over instead.
  }
  const { lexical } = parts;
  const transfer = [
    lexical.offsets,
    lexical.documents,
    lexical.weights,
    lexical.tableOf,
    lexical.columnOf,
    lexical.lengths,
  ].map((array) => array.buffer as ArrayBuffer);
  return { value: parts, transfer };
});
