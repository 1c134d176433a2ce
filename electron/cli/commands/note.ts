import { AppError } from '../../../shared/errors.ts';
import {
  formatObjectPath,
  ObjectPathError,
  resolveObjectPath,
  type NamedTable,
  type ObjectTarget,
} from '../../../shared/object-path.ts';
import { freshSnapshot, sourceFor, type CommandContext, type CommandRun } from '../command-context.ts';

/** Resolves OBJECT against the cached schema (and, for removal, the notes kept for objects that are gone). */
async function targetOf(
  context: CommandContext,
  sourceId: string,
  path: string,
  options: { includeNotes: boolean },
): Promise<ObjectTarget> {
  const { tables } = await context.call('schema/names', { sourceId });
  const named: NamedTable[] = tables.map((table) => ({
    schema: table.schema,
    name: table.name,
    columns: table.columns,
  }));
  if (options.includeNotes) {
    // A note whose object is gone can still be removed by the name it was written for.
    const { notes } = await context.call('knowledge/list', { sourceId });
    const byKey = new Map(named.map((table) => [`${table.schema}\u0000${table.name}`, table]));
    for (const note of notes.filter((entry) => !entry.attached)) {
      const key = `${note.schema}\u0000${note.table}`;
      const table = byKey.get(key) ?? { schema: note.schema, name: note.table, columns: [] as string[] };
      if (note.column !== null && !table.columns.includes(note.column))
        byKey.set(key, { ...table, columns: [...table.columns, note.column] });
      else byKey.set(key, table);
    }
    named.splice(0, named.length, ...byKey.values());
  }
  try {
    return resolveObjectPath(path, named);
  } catch (error) {
    if (error instanceof ObjectPathError) throw new AppError('invalid_input', error.message);
    throw error;
  }
}

export const noteSet: CommandRun = async (context) => {
  const [url, path, text] = context.args as [string, string, string];
  const sourceId = await sourceFor(context, url);
  await freshSnapshot(context, sourceId);
  const target = await targetOf(context, sourceId, path, { includeNotes: false });
  const note = await context.call('notes/set', { sourceId, ...target, text });
  return { output: { note } };
};

export const noteList: CommandRun = async (context) => {
  const [url] = context.args as [string];
  const sourceId = await sourceFor(context, url);
  const match = context.values.match;
  if (match !== undefined) {
    const found = await context.call('knowledge/search', { sourceId, text: match });
    return { output: { notes: found.notes, glossary: found.glossary, examples: found.examples } };
  }
  const { notes, glossary } = await context.call('knowledge/list', { sourceId });
  return { output: { notes, glossary } };
};

export const noteRemove: CommandRun = async (context) => {
  const [url, path] = context.args as [string, string];
  const sourceId = await sourceFor(context, url);
  const target = await targetOf(context, sourceId, path, { includeNotes: true });
  const { removed } = await context.call('notes/remove', { sourceId, ...target });
  if (!removed) throw new AppError('not_found', `No note on ${path}.`);
  const { tables } = await context.call('schema/names', { sourceId });
  return {
    output: { removed, object: formatObjectPath(target, new Set(tables.map((table) => table.schema)).size > 1) },
  };
};
