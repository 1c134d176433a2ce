/**
 * The built-in provider's embedding worker, thin: embeds a batch of texts and hands back either the vectors (one
 * transferred Float32Array, texts x dimensions) or, at index time, only their compact form (int8 rows and scales):
 * the built-in provider's full vectors are not stored, so projecting here spares the indexer thread that work.
 */
import { parentPort } from 'node:worker_threads';
import { AppError } from '../../../shared/errors.ts';
import { serveRpc } from '../platform/worker-rpc.ts';
import { CompactProjection } from './compact-projection.ts';
import { LocalEmbeddingProvider } from './local-provider.ts';
import type { LocalEmbedRequest } from './local-embed-pool.ts';

let provider: LocalEmbeddingProvider | undefined;
let projection: CompactProjection | undefined;

function embedOne(text: string, index: number): Float32Array {
  try {
    return provider!.embedOne(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new AppError('invalid_input', `The built-in provider could not embed input ${index + 1}: ${reason}`);
  }
}

serveRpc<LocalEmbedRequest>(parentPort!, (request) => {
  const { dimensions, texts } = request;
  if (provider?.dimensions !== dimensions) provider = new LocalEmbeddingProvider({ dimensions });
  if (request.compactWidth === undefined) {
    const vectors = new Float32Array(texts.length * dimensions);
    texts.forEach((text, index) => vectors.set(embedOne(text, index), index * dimensions));
    return { value: { vectors }, transfer: [vectors.buffer as ArrayBuffer] };
  }
  const width = request.compactWidth;
  if (projection?.dimensions !== dimensions || projection.width !== width)
    projection = new CompactProjection(dimensions, width);
  const compact = new Int8Array(texts.length * width);
  const scales = new Float32Array(texts.length);
  texts.forEach((text, index) => {
    scales[index] = projection!.quantize(projection!.project(embedOne(text, index)), compact, index * width);
  });
  return { value: { compact, scales }, transfer: [compact.buffer as ArrayBuffer, scales.buffer as ArrayBuffer] };
});
