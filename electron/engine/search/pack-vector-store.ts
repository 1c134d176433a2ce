import { existsSync } from 'node:fs';
import { AppError } from '../../../shared/errors.ts';
import type { PackVectorStore } from '../catalog/schema-pack.ts';
import { compactVectorsFile } from './compact-vectors-file.ts';
import { EmbeddingCache } from './embedding-cache.ts';
import { VectorIndex } from './vector-index.ts';
import { recomputingProvider } from './local-provider.ts';

/** Vectors for schema packs, read from and written to `embeddings.db` (whose writers hold the source's index lock). */
export function packVectorStore(home: string): PackVectorStore {
  const file = EmbeddingCache.file(home);
  return {
    read(sourceId, providerId) {
      const cache = existsSync(file) ? new EmbeddingCache(file, { readonly: true }) : undefined;
      try {
        const items = cache?.sourceItems(sourceId, providerId) ?? [];
        if (items.length === 0) {
          const there = cache?.providersFor(sourceId) ?? [];
          throw new AppError(
            'not_found',
            `This source has no index of provider "${providerId}" to put in the pack; ${there.length > 0 ? `it has: ${there.join(', ')}` : 'it has no index yet (schemascope index URL)'}.`,
          );
        }
        const keys = [...new Set(items.map((item) => item.key))];
        const stored = cache!.getVectors(keys);
        // The built-in provider's vectors are not stored: recomputed from the texts kept with the items.
        const recompute = recomputingProvider(providerId);
        const unstored = recompute ? items.filter((item) => !stored.has(item.key)) : [];
        const texts = cache!.itemTexts(
          sourceId,
          providerId,
          unstored.map((item) => item.itemId),
        );
        for (const item of unstored) {
          const text = texts.get(item.itemId);
          if (text !== undefined && !stored.has(item.key)) stored.set(item.key, recompute!.embedOne(text));
        }
        const vectors = keys.map((key) => {
          const vector = stored.get(key);
          if (!vector)
            throw new AppError(
              'storage',
              `The index of provider "${providerId}" misses a stored vector (${key}): re-index the source before exporting its vectors.`,
            );
          return { key, data: Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64') };
        });
        return {
          provider: providerId,
          dimensions: stored.get(keys[0]!)!.length,
          items: items.map((item) => ({ ...item })),
          vectors,
        };
      } finally {
        cache?.close();
      }
    },
    write(sourceId, vectors) {
      const cache = new EmbeddingCache(file);
      try {
        cache.putBatch(
          vectors.provider,
          vectors.vectors.map(({ key, data }) => {
            const bytes = Buffer.from(data, 'base64');
            return {
              key,
              vector: new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)),
            };
          }),
        );
        cache.replaceSourceItems(sourceId, vectors.provider, vectors.items, []);
        // Ready for the first search, as after indexing.
        VectorIndex.writeCompactCopy(
          cache,
          sourceId,
          vectors.provider,
          compactVectorsFile(file, sourceId, vectors.provider),
        );
      } finally {
        cache.close();
      }
    },
  };
}
