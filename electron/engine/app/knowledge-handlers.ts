import { AppError } from '../../../shared/errors.ts';
import type { AppMode } from '../../../shared/ipc-contract.ts';
import type { HandlerTable } from './handler-table.ts';
import type { CatalogStore } from '../catalog/catalog-store.ts';
import type { KnowledgeStore } from '../catalog/knowledge-store.ts';
import type { SchemaPacks } from '../catalog/schema-pack.ts';
import type { SourceService } from '../sources/source-service.ts';
import type { EventHub } from '../platform/event-hub.ts';
import { KnowledgeIndex } from '../ask/knowledge-index.ts';
import { defaultPackFile } from '../catalog/schema-pack.ts';

type KnowledgeChannels =
  | 'knowledge/list'
  | 'knowledge/search'
  | 'notes/set'
  | 'notes/remove'
  | 'glossary/set'
  | 'glossary/remove'
  | 'examples/add'
  | 'examples/update'
  | 'examples/remove'
  | 'pack/export'
  | 'pack/import';

/** What these handlers use of the engine (a part of the handler table's dependencies). */
export interface KnowledgeHandlerDependencies {
  readonly mode: AppMode;
  readonly home: string;
  readonly catalog: CatalogStore;
  readonly sources: SourceService;
  readonly knowledge: KnowledgeStore;
  readonly packs: SchemaPacks;
  readonly events: EventHub;
  readonly platform: { readonly pickSavePath?: (suggested: string) => Promise<string | null> };
}

/** Search results shown at most, per kind. */
const SEARCH_LIMIT = 50;

/**
 * Team knowledge and schema packs: thin handlers over the knowledge store and the pack service. A note is set on an
 * object of the cached schema (a typo is refused), and removed by name whether or not the object is still there.
 * Paths come from the CLI only; the app chooses a file through the shell or writes under the data folder.
 */
export function knowledgeHandlers(deps: KnowledgeHandlerDependencies): Pick<HandlerTable, KnowledgeChannels> {
  const { catalog, knowledge, packs, sources } = deps;
  const changed = (sourceId: string) => deps.events.emit('schema/changed', { sourceId });
  return {
    'knowledge/list': async (request) => {
      catalog.getSource(request.sourceId);
      return {
        notes: knowledge.notes(request.sourceId),
        glossary: knowledge.glossary(request.sourceId),
        examples: knowledge.examples(request.sourceId),
      };
    },
    'knowledge/search': async (request) => {
      const latest = catalog.latestSnapshot(request.sourceId);
      const tables = latest ? catalog.loadSnapshot(latest.id).tables : [];
      const content = knowledge.content(request.sourceId);
      const index = new KnowledgeIndex(tables, content);
      const notes = knowledge.notes(request.sourceId);
      const glossary = knowledge.glossary(request.sourceId);
      const examples = knowledge.examples(request.sourceId);
      const found = index.matching(request.text);
      const pick = <T>(kind: 'note' | 'term' | 'example', list: readonly T[]) =>
        found
          .filter((hit) => hit.kind === kind)
          .slice(0, SEARCH_LIMIT)
          .map((hit) => list[hit.index]!);
      return { notes: pick('note', notes), glossary: pick('term', glossary), examples: pick('example', examples) };
    },
    'notes/set': async (request) => {
      const resolved = await sources.snapshot(request.sourceId, { offline: true });
      const table = catalog.getTable(resolved.record.id, request.schema, request.table);
      if (!table) throw new AppError('not_found', `No table ${request.schema}.${request.table} in the cached schema.`);
      if (request.column !== null && !table.columns.some((column) => column.name === request.column)) {
        throw new AppError('not_found', `No column ${request.column} in ${request.schema}.${request.table}.`);
      }
      const note = knowledge.setNote(
        request.sourceId,
        { schema: request.schema, table: request.table, column: request.column },
        request.text,
      );
      changed(request.sourceId);
      return note;
    },
    'notes/remove': async (request) => {
      const removed = knowledge.removeNote(request.sourceId, {
        schema: request.schema,
        table: request.table,
        column: request.column,
      });
      if (removed) changed(request.sourceId);
      return { removed };
    },
    'glossary/set': async (request) =>
      knowledge.setTerm(request.sourceId, { term: request.term, definition: request.definition, links: request.links }),
    'glossary/remove': async (request) => ({ removed: knowledge.removeTerm(request.sourceId, request.term) }),
    'examples/add': async (request) => knowledge.addExample(request.sourceId, request.question, request.sql),
    'examples/update': async (request) =>
      knowledge.updateExample(request.id, { question: request.question, sql: request.sql }),
    'examples/remove': async (request) => ({ removed: knowledge.removeExample(request.id) }),
    'pack/export': async (request) => {
      const source = catalog.getSource(request.sourceId);
      let file = request.file;
      if (file !== undefined && deps.mode !== 'cli')
        throw new AppError('invalid_input', 'Only the CLI names a pack file; the app chooses where to save it.');
      if (file === undefined) {
        const suggested = defaultPackFile(deps.home, source.name);
        const chosen = deps.platform.pickSavePath ? await deps.platform.pickSavePath(suggested) : suggested;
        if (chosen === null) throw new AppError('cancelled', 'The export was cancelled.');
        file = chosen;
      }
      return packs.export(request.sourceId, file, {
        includeValues: request.includeValues,
        vectorsOf: request.vectorsOf,
      });
    },
    'pack/import': async (request) => {
      if ((request.file === undefined) === (request.content === undefined))
        throw new AppError('invalid_input', 'Give either a pack file or its content.');
      if (request.file !== undefined && deps.mode !== 'cli')
        throw new AppError(
          'invalid_input',
          'Only the CLI names a pack file; the app sends the content of the file the user chose.',
        );
      const imported =
        request.file !== undefined
          ? packs.importFile(request.file)
          : packs.importBytes(Buffer.from(request.content!, 'utf8'));
      deps.events.emit('sources/changed', {});
      changed(imported.source.id);
      return imported;
    },
  };
}
