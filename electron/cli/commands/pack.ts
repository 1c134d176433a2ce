import path from 'node:path';
import { freshSnapshot, sourceFor, type CommandRun } from '../command-context.ts';

export const packExport: CommandRun = async (context) => {
  const [url, file] = context.args as [string, string];
  const sourceId = await sourceFor(context, url);
  await freshSnapshot(context, sourceId);
  const summary = await context.call('pack/export', {
    sourceId,
    file: path.resolve(file),
    includeValues: Boolean(context.values['include-values']),
    ...(context.values.vectors ? { vectorsOf: context.values.vectors } : {}),
  });
  return { output: summary };
};

/** Never connects: the pack is checked, then its snapshot and knowledge go into the catalog in one transaction. */
export const packImport: CommandRun = async (context) => {
  const [file] = context.args as [string];
  const imported = await context.call('pack/import', { file: path.resolve(file) });
  const { diff } = imported;
  if (imported.existing)
    context.io.stderr(
      `diff against the existing snapshot: ${diff.added.length} added, ${diff.removed.length} removed, ${diff.changed.length} changed, ${diff.unchanged} unchanged tables.`,
    );
  return { output: imported };
};
