import type { z } from 'zod';
import type { indexProgress, indexSummary } from '../../../shared/ipc-contract.ts';
import type { DeepReadonly } from '../../../shared/schema-types.ts';
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

/** A job's progress and its final summary, as the contract carries them (inferred: one source of truth). */
export type IndexProgress = DeepReadonly<z.output<typeof indexProgress>>;
export type IndexSummary = DeepReadonly<z.output<typeof indexSummary>>;

export type IndexerEvent =
  | { readonly type: 'progress'; readonly progress: IndexProgress }
  | { readonly type: 'log'; readonly level: 'info' | 'warn' | 'error'; readonly message: string }
  | { readonly type: 'done'; readonly summary: IndexSummary }
  /** Per-request numbers since the last report, for the metrics registry of the main process. */
  | {
      readonly type: 'metrics';
      readonly requestMs: readonly number[];
      readonly failedRequests: number;
      readonly remainingRequests?: number;
      readonly remainingTokens?: number;
    };
