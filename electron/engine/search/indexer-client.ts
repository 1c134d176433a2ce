import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { workerEntry } from '../platform/worker-entry.ts';
import type { EmbeddingDocument } from './embedding-documents.ts';
import type { ProviderSettings } from './embedding-provider.ts';
import type { IndexerEvent, IndexerRequest, IndexProgress, IndexSummary } from './indexer-protocol.ts';

export interface IndexJob {
  readonly jobId: string;
  readonly done: Promise<IndexSummary>;
  pause(): void;
  resume(): void;
  cancel(): void;
  /** The latest progress (for late subscribers and polling UIs). */
  readonly latest: () => IndexProgress | undefined;
  /** The worker's log lines (`warn: ...`), the last MAX_LOG_LINES, with how many came in all (to print only new ones). */
  readonly log: () => { readonly lines: readonly string[]; readonly total: number };
}

const MAX_LOG_LINES = 100;

export interface StartIndexOptions {
  readonly home: string;
  readonly sourceId: string;
  readonly provider: ProviderSettings;
  readonly documents?: readonly EmbeddingDocument[];
  readonly snapshotId?: number;
  readonly onEvent?: (event: IndexerEvent) => void;
}

/**
 * Starts an indexing job in its own worker thread: all embedding and every write to the cache happen there; this
 * side only relays pause/resume/cancel and receives progress. A crashed worker ends the job as failed.
 */
export function startIndexJob(options: StartIndexOptions): IndexJob {
  const jobId = randomUUID();
  const worker = new Worker(workerEntry('indexer-worker', new URL('.', import.meta.url).href));
  let latest: IndexProgress | undefined;
  const lines: string[] = [];
  let total = 0;
  const send = (request: IndexerRequest) => worker.postMessage(request);
  const done = new Promise<IndexSummary>((resolve) => {
    let finished = false;
    worker.on('message', (event: IndexerEvent) => {
      if (event.type === 'progress') latest = event.progress;
      if (event.type === 'log') {
        total += 1;
        lines.push(`${event.level}: ${event.message}`);
        if (lines.length > MAX_LOG_LINES) lines.shift();
      }
      options.onEvent?.(event);
      if (event.type === 'done') {
        finished = true;
        // Done once the worker is gone: what runs next (loading the prepared snapshot for the first question) does not
        // share the process's memory with a W10k indexer's heap.
        void worker.terminate().finally(() => resolve(event.summary));
      }
    });
    const crashed = (message: string) => {
      if (finished) return;
      finished = true;
      const base = latest ?? {
        jobId,
        state: 'failed' as const,
        total: options.documents?.length ?? 0,
        done: 0,
        embedded: 0,
        reused: 0,
        failed: 0,
        requests: 0,
        tooManyRequests: 0,
        retries: 0,
        itemsPerSecond: 0,
        etaSeconds: null,
        elapsedMs: 0,
      };
      resolve({
        ...base,
        state: 'failed',
        providerId: options.provider.provider,
        failures: [],
        warnings: [],
        error: { kind: 'internal', message },
      });
    };
    worker.on('error', (error) => crashed(`The indexer worker failed: ${error.message}`));
    worker.on('exit', (code) => crashed(`The indexer worker exited (${code}).`));
  });
  send({
    type: 'start',
    job: {
      jobId,
      home: options.home,
      sourceId: options.sourceId,
      provider: options.provider,
      documents: options.documents,
      snapshotId: options.snapshotId,
    },
  });
  return {
    jobId,
    done,
    pause: () => send({ type: 'pause' }),
    resume: () => send({ type: 'resume' }),
    cancel: () => send({ type: 'cancel' }),
    latest: () => latest,
    log: () => ({ lines, total }),
  };
}
