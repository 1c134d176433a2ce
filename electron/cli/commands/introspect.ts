import { AppError } from '../../../shared/errors.ts';
import { displayUrl, parseConnectionUrl } from '../../engine/sources/connection-url.ts';
import { cachedSnapshotOr, round, sourceFor, type CommandRun, type Values } from '../command-context.ts';

/** `--values on|off`: turns value profiles on (and collects them after the refresh) or off (and deletes them). */
function valuesSwitch(values: Values): boolean | undefined {
  if (values.values === undefined) return undefined;
  if (values.values !== 'on' && values.values !== 'off')
    throw new AppError('invalid_input', `--values must be on or off, got "${values.values}".`);
  return values.values === 'on';
}

export const introspect: CommandRun = async (context) => {
  const url = context.args[0]!;
  const switched = valuesSwitch(context.values);
  const sourceId = await sourceFor(context, url);
  const source = displayUrl(parseConnectionUrl(url));
  if (switched !== undefined) await context.call('values/set', { sourceId, enabled: switched });
  if (!context.values.offline) {
    try {
      const refreshed = await context.call('schema/refresh', { sourceId });
      let values: Record<string, unknown> = await context.call('values/status', { sourceId });
      if (switched) {
        const collected = await context.call('values/collect', { sourceId });
        if (collected.firstError)
          context.io.stderr(
            `note: value profiles skipped ${collected.skipped} table(s); first: ${collected.firstError}`,
          );
        values = collected;
      }
      const { added, removed, changed, unchanged } = refreshed.diff;
      return {
        output: {
          source,
          ...refreshed.counts,
          queries: refreshed.queries,
          ms: round(refreshed.ms),
          snapshotAt: refreshed.snapshot.takenAt,
          offline: false,
          diff: { added: added.length, removed: removed.length, changed: changed.length, unchanged },
          values,
        },
      };
    } catch (error) {
      context.io.stderr(`warning: ${cachedSnapshotOr(context, sourceId, error)}; answering from the cached snapshot.`);
    }
  }
  const resolved = await context.engine.sources.snapshot(sourceId, { offline: true });
  return {
    output: {
      source,
      ...context.engine.catalog.countSnapshot(resolved.record.id),
      queries: 0,
      ms: 0,
      snapshotAt: resolved.record.verifiedAt,
      offline: true,
      values: await context.call('values/status', { sourceId }),
    },
  };
};
