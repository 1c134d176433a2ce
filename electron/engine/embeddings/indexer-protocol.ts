import type { SerializedError } from '../../../shared/errors.ts';
import type { EmbeddingDocument } from './embedding-documents.ts';
import type { ProviderSettings } from './embedding-provider.ts';

/** Messages between the main process (indexer-client.ts) and the indexer worker. One job per worker. */
export type IndexerRequest =
  | { readonly type: 'start'; readonly job: IndexJobSpec }
  | { readonly type: 'pause' }
  | { readonly type: 'resume' }
  | { readonly type: 'cancel' };

export interface IndexJobSpec {
  readonly jobId: string;
  readonly home: string;
  readonly sourceId: string;
  readonly provider: ProviderSettings;
  /**
   * What to embed: the documents themselves, or the catalog snapshot to build them from. The app sends the snapshot id,
   * so that reading 100,000 columns and building their documents happens in the worker, not on the main thread.
   */
  readonly documents?: readonly EmbeddingDocument[];
  readonly snapshotId?: number;
}

export interface IndexProgress {
  readonly jobId: string;
  readonly state: 'running' | 'paused' | 'done' | 'cancelled' | 'failed';
  readonly total: number;
  readonly done: number;
  readonly embedded: number;
  readonly reused: number;
  readonly failed: number;
  readonly requests: number;
  readonly tooManyRequests: number;
  readonly retries: number;
  readonly itemsPerSecond: number;
  readonly etaSeconds: number | null;
  readonly elapsedMs: number;
}

export interface IndexSummary extends IndexProgress {
  readonly providerId: string;
  readonly failures: readonly { itemId: string; reason: string }[];
  readonly warnings: readonly string[];
  readonly error?: SerializedError;
}

export type IndexerEvent =
  | { readonly type: 'progress'; readonly progress: IndexProgress }
  | { readonly type: 'log'; readonly level: 'info' | 'warn' | 'error'; readonly message: string }
  | { readonly type: 'done'; readonly summary: IndexSummary }
  /** Per-request numbers since the last report, for the metrics registry of the main process. */
  | { readonly type: 'metrics'; readonly requestMs: readonly number[]; readonly failedRequests: number; readonly remainingRequests?: number; readonly remainingTokens?: number };
