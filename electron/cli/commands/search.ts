import { serializeError } from '../../../shared/errors.ts';
import { freshSnapshot, positiveInt, sourceFor, type CommandRun } from '../command-context.ts';
import { runIndex, waitForOtherProcess } from './index-source.ts';

/** Search by meaning; a source with no index yet is indexed with the built-in provider first (offline: refused). */
export const search: CommandRun = async (context) => {
  const [url, text] = context.args as [string, string];
  const sourceId = await sourceFor(context, url);
  const k = positiveInt(context.values.k, 'k', 10);
  const searchOnce = async () => {
    const found = await context.call('search/query', { sourceId, text, k: Math.min(k, 200) });
    if (found.coverage.missing > 0)
      context.io.stderr(
        `note: ${found.coverage.missing} of ${found.coverage.total} items have no vector (failed, or added since indexing).`,
      );
    return { output: found };
  };
  try {
    return await searchOnce();
  } catch (error) {
    if (serializeError(error).kind !== 'not_found' || context.values.offline) throw error;
  }
  // Another process may be building this source's index right now: wait for it and use its index.
  if (context.engine.indexes.holder(sourceId)) {
    await waitForOtherProcess(context, sourceId);
    try {
      return await searchOnce();
    } catch (error) {
      if (serializeError(error).kind !== 'not_found') throw error;
    }
  }
  context.io.stderr('No search index yet for this source: indexing it with the local provider first.');
  await freshSnapshot(context, sourceId);
  await runIndex(context, sourceId, { provider: 'local' });
  return searchOnce();
};
