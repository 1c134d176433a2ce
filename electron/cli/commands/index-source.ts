import { AppError } from '../../../shared/errors.ts';
import type { RequestOf } from '../../../shared/ipc-contract.ts';
import { describeHolder } from '../../engine/search/index-service.ts';
import {
  freshSnapshot,
  positiveInt,
  round,
  sourceFor,
  type CommandContext,
  type CommandOutcome,
  type CommandRun,
} from '../command-context.ts';

type ProviderSettings = RequestOf<'index/start'>['settings'];

function providerSettings(context: CommandContext): ProviderSettings {
  const { values } = context;
  const provider = values.provider ?? 'local';
  if (provider !== 'local' && provider !== 'openai')
    throw new AppError('invalid_input', `--provider must be local or openai, got "${provider}".`);
  return {
    provider,
    ...(values['base-url'] ? { baseUrl: values['base-url'] } : {}),
    ...(values['api-key'] ? { apiKey: values['api-key'] } : {}),
    ...(values.model ? { model: values.model } : {}),
    ...(values.dimensions ? { dimensions: positiveInt(values.dimensions, 'dimensions', 0) } : {}),
    ...(values.concurrency ? { concurrency: positiveInt(values.concurrency, 'concurrency', 0) } : {}),
    ...(values['max-inputs'] ? { maxInputsPerRequest: positiveInt(values['max-inputs'], 'max-inputs', 0) } : {}),
    ...(values.rpm ? { requestsPerMinute: positiveInt(values.rpm, 'rpm', 0) } : {}),
    ...(values.tpm ? { tokensPerMinute: positiveInt(values.tpm, 'tpm', 0) } : {}),
  };
}

/** Starts a run through dispatch and waits for it, with progress on stderr; Ctrl+C cancels (what was stored stays). */
export async function runIndex(
  context: CommandContext,
  sourceId: string,
  settings: ProviderSettings,
): Promise<CommandOutcome> {
  const started = performance.now();
  await waitForOtherProcess(context, sourceId);
  const { tables, columns } = await context.call('index/start', { sourceId, settings });
  const job = context.engine.indexes.job(sourceId);
  let last = 0;
  let logged = 0;
  const printLog = () => {
    const { lines, total } = job.log();
    for (const line of lines.slice(Math.max(0, lines.length - (total - logged)))) context.io.stderr(line);
    logged = total;
  };
  const ticker = setInterval(() => {
    printLog();
    const progress = job.latest();
    if (!progress || progress.done === last) return;
    last = progress.done;
    context.io.stderr(
      `indexing ${progress.done}/${progress.total} (${progress.itemsPerSecond}/s, ETA ${progress.etaSeconds ?? '?'} s, ${progress.requests} requests, ${progress.retries} retries, ${progress.tooManyRequests} x 429)`,
    );
  }, 500);
  const stop = () => job.cancel();
  context.signal.addEventListener('abort', stop, { once: true });
  const summary = await job.done.finally(() => {
    clearInterval(ticker);
    printLog();
    context.signal.removeEventListener('abort', stop);
  });
  if (summary.error && summary.state !== 'done') throw new AppError(summary.error.kind, summary.error.message);
  for (const failure of summary.failures.slice(0, 20))
    context.io.stderr(`failed: ${failure.itemId}: ${failure.reason}`);
  const first = summary.failures[0];
  const partial =
    summary.failed > 0
      ? `${summary.failed} of ${summary.total} items failed (first: ${first?.itemId ?? '?'}: ${first?.reason ?? '?'}); search and context use names and comments for them`
      : undefined;
  return {
    partial,
    output: {
      ...(partial ? { partial } : {}),
      failures: summary.failures.slice(0, 20),
      tables,
      columns,
      items: summary.total,
      embedded: summary.embedded,
      reused: summary.reused,
      failed: summary.failed,
      requests: summary.requests,
      retries: summary.retries,
      tooManyRequests: summary.tooManyRequests,
      provider: summary.providerId,
      ms: round(performance.now() - started),
    },
  };
}

/**
 * Another process on this data folder (the app, another CLI) may be indexing this source: wait for it, showing its
 * progress, instead of sending the same inputs a second time. Its stored vectors are then reused, not re-embedded.
 * Ctrl+C stops the waiting; a holder that dies (even by kill -9) is noticed and the wait ends.
 */
export async function waitForOtherProcess(context: CommandContext, sourceId: string): Promise<void> {
  let shown = '';
  for (let holder = context.engine.indexes.holder(sourceId); holder; holder = context.engine.indexes.holder(sourceId)) {
    const line = describeHolder(holder).replace(/ Wait for it.*$/, ' Waiting for it (Ctrl+C stops waiting).');
    if (line !== shown) context.io.stderr(line);
    shown = line;
    await new Promise<void>((resolve, reject) => {
      const stop = (): void => {
        clearTimeout(timer);
        reject(new AppError('cancelled', 'Stopped waiting for the other process; nothing was indexed here.'));
      };
      const timer = setTimeout(() => {
        context.signal.removeEventListener('abort', stop);
        resolve();
      }, WAIT_POLL_MS);
      context.signal.addEventListener('abort', stop, { once: true });
    });
  }
}

const WAIT_POLL_MS = 500;

export const indexSource: CommandRun = async (context) => {
  const settings = providerSettings(context);
  const sourceId = await sourceFor(context, context.args[0]!);
  await freshSnapshot(context, sourceId);
  return runIndex(context, sourceId, settings);
};
