import { AppError } from '../../../shared/errors.ts';
import type { AppMode } from '../../../shared/ipc-contract.ts';
import type { CatalogStore } from '../catalog/catalog-store.ts';
import type { SqlDoor } from '../query/sql-door.ts';
import { tableReference } from '../../../shared/sql-identifiers.ts';
import type { SourceService } from '../sources/source-service.ts';
import type { HandlerTable } from './handler-table.ts';
import type { IndexService } from '../search/index-service.ts';
import type { ContextService } from '../ask/context-service.ts';
import type { AskService } from '../ask/ask-service.ts';
import type { ValueProfileService } from '../ask/value-profile-service.ts';
import type { WorkspaceStore } from '../catalog/workspace-store.ts';
import type { EventHub } from '../platform/event-hub.ts';
import type { MetricsSnapshot } from '../metrics/metrics-snapshot.ts';
import { DEFAULT_CONTEXT_BUDGET } from '../ask/context-packer.ts';
import { DEFAULT_ROW_LIMIT } from '../query/sql-door.ts';
import { defaultExportFile, exportCsv } from '../query/csv-export.ts';
import { serializeError } from '../../../shared/errors.ts';
import { planWarnings, tableAliases } from '../query/plan-warnings.ts';
import { relationGraph } from '../ask/relation-graph.ts';
import type { KnowledgeStore } from '../catalog/knowledge-store.ts';
import type { SchemaPacks } from '../catalog/schema-pack.ts';
import { knowledgeHandlers } from './knowledge-handlers.ts';
import { cliScript, mcpCommands } from './mcp-commands.ts';

export interface HandlerDependencies {
  readonly version: string;
  readonly mode: AppMode;
  readonly home: string;
  readonly catalog: CatalogStore;
  readonly sources: SourceService;
  readonly door: SqlDoor;
  readonly platform: PlatformHooks;
  readonly indexes: IndexService;
  readonly contexts: ContextService;
  readonly workspace: WorkspaceStore;
  readonly asks: AskService;
  readonly profiles: ValueProfileService;
  readonly events: EventHub;
  readonly knowledge: KnowledgeStore;
  readonly packs: SchemaPacks;
  readonly snapshotMetrics: (options?: { historySince?: number }) => Promise<MetricsSnapshot>;
}

/** What only a desktop shell can do; the web mode and the CLI leave these out. */
export interface PlatformHooks {
  /** Native file dialog for SQLite files; resolves null when cancelled. */
  readonly pickSqliteFile?: () => Promise<string | null>;
  /** Native save dialog for an export; resolves null when cancelled. */
  readonly pickSavePath?: (suggested: string) => Promise<string | null>;
}

const SAMPLE_ROWS = 50;
const QUERY_SETTINGS_KEY = 'query';

interface QuerySettings {
  readonly contextBudget: number;
  readonly rowLimit: number;
}

/** The handler table: thin functions from validated requests to engine calls. */
export function createHandlers(deps: HandlerDependencies): HandlerTable {
  const { catalog, sources, door, workspace, asks } = deps;
  const querySettings = (): QuerySettings => ({
    contextBudget: DEFAULT_CONTEXT_BUDGET,
    rowLimit: DEFAULT_ROW_LIMIT,
    ...workspace.getSetting<Partial<QuerySettings>>(QUERY_SETTINGS_KEY),
  });
  const settingsView = () => {
    const { hasApiKey, baseUrl, model, timeoutMs } = asks.settings();
    return { llm: { baseUrl, model, timeoutMs, hasApiKey }, ...querySettings() };
  };
  return {
    'app/info': async () => ({ version: deps.version, mode: deps.mode, home: deps.home }),
    'app/pickFile': async () => {
      if (!deps.platform.pickSqliteFile)
        throw new AppError(
          'not_available',
          'File dialogs need the desktop app: type the path of the SQLite file instead.',
        );
      return { path: await deps.platform.pickSqliteFile() };
    },

    'sources/list': async () => ({ sources: sources.list() }),
    'sources/add': async (request) => sources.add(request),
    'sources/update': async (request) => sources.update(request),
    'sources/remove': async (request) => ({ removed: sources.remove(request.id) }),
    'sources/test': async (request) => sources.test(request),
    'sources/mcpCommands': async () => {
      const script = cliScript();
      return { script, commands: script ? mcpCommands({ script, home: deps.home, sources: sources.list() }) : [] };
    },

    'schema/refresh': async (request, context) => {
      const refreshed = await sources.refresh(request.sourceId, context.signal);
      const { added, removed, changed, unchanged } = refreshed.diff;
      return {
        snapshot: { id: refreshed.record.id, takenAt: refreshed.record.verifiedAt, offline: false, warning: null },
        counts: catalog.countSnapshot(refreshed.record.id),
        queries: refreshed.counts.queries,
        ms: refreshed.counts.ms,
        diff: { added, removed, changed, unchanged },
      };
    },

    'schema/tables': async (request) => {
      const resolved = await sources.snapshot(request.sourceId);
      const tables = catalog.listTables(resolved.record.id).map(({ fingerprint: _fingerprint, ...table }) => table);
      return { snapshot: resolved.info, tables };
    },

    'schema/table': async (request) => {
      const resolved = await sources.snapshot(request.sourceId);
      const table = catalog.getTable(resolved.record.id, request.schema, request.table);
      if (!table) throw new AppError('not_found', `No table ${request.schema}.${request.table} in the cached schema.`);
      const incoming = catalog.incomingForeignKeys(resolved.record.id, request.schema, request.table);
      return {
        snapshot: resolved.info,
        table,
        incoming,
      };
    },

    'schema/names': async (request) => {
      const resolved = await sources.snapshot(request.sourceId);
      const { snapshot } = await deps.contexts.prepare(resolved.record.id);
      return {
        tables: snapshot.tables.map((table) => ({
          schema: table.schema,
          name: table.name,
          columns: table.columns.map((column) => column.name),
        })),
      };
    },
    'schema/graph': async (request) => {
      const resolved = await sources.snapshot(request.sourceId, { offline: request.offline });
      const { snapshot, graph } = await deps.contexts.prepare(resolved.record.id);
      return { snapshot: resolved.info, ...relationGraph(snapshot.tables, graph, request) };
    },
    'schema/sample': async (request, context) => {
      const connection = await sources.connection(request.sourceId);
      const engine = connection.engine;
      return door.execute(connection, {
        sql: `SELECT * FROM ${tableReference(engine, request.schema, request.table)}`,
        limit: SAMPLE_ROWS,
        signal: context.signal,
      });
    },

    'query/execute': async (request, context) => {
      const connection = await sources.connection(request.sourceId);
      const started = performance.now();
      const firstPage = !request.offset;
      try {
        const result = await door.execute(connection, {
          sql: request.sql,
          limit: request.limit ?? querySettings().rowLimit,
          offset: request.offset,
          timeoutMs: request.timeoutMs,
          queryId: request.queryId,
          signal: context.signal,
        });
        if (firstPage)
          workspace.addHistory({
            sourceId: request.sourceId,
            sql: request.sql,
            origin: request.origin ?? 'editor',
            question: request.question ?? null,
            rowCount: result.rowCount,
            ms: result.ms,
            error: null,
          });
        return result;
      } catch (error) {
        if (firstPage)
          workspace.addHistory({
            sourceId: request.sourceId,
            sql: request.sql,
            origin: request.origin ?? 'editor',
            question: request.question ?? null,
            rowCount: null,
            ms: Math.round(performance.now() - started),
            error: serializeError(error).message,
          });
        throw error;
      }
    },
    'query/export': async (request, context) => {
      const suggested = defaultExportFile(deps.home);
      const file = deps.platform.pickSavePath ? await deps.platform.pickSavePath(suggested) : suggested;
      if (file === null) throw new AppError('cancelled', 'The export was cancelled.');
      const connection = await sources.connection(request.sourceId);
      return exportCsv(door, connection, request.sql, file, { signal: context.signal });
    },
    'query/explain': async (request, context) => {
      const connection = await sources.connection(request.sourceId);
      const explained = await door.explain(connection, {
        sql: request.sql,
        timeoutMs: request.timeoutMs,
        signal: context.signal,
      });
      // Table sizes from the cached snapshot (SQLite's plan has none; the others estimate the rows a step returns).
      const latest = catalog.latestSnapshot(request.sourceId);
      let sizes: Map<string, number | null> | undefined;
      const aliases = tableAliases(request.sql);
      const rowEstimateOf = (relation: string): number | null => {
        if (!latest) return null;
        sizes ??= new Map(catalog.listTables(latest.id).map((table) => [table.name.toLowerCase(), table.rowEstimate]));
        const name = (relation.split('.').pop() ?? relation).toLowerCase();
        return sizes.get(name) ?? sizes.get((aliases.get(name) ?? name).toLowerCase()) ?? null;
      };
      return {
        engine: connection.engine,
        plan: explained.plan,
        warnings: planWarnings(explained.plan, rowEstimateOf),
        statement: explained.statement,
        ms: explained.ms,
      };
    },
    'query/cancel': async (request) => ({ cancelled: await door.cancel(request.queryId) }),

    'index/start': async (request) => {
      const started = await deps.indexes.start(request.sourceId, request.settings);
      return { jobId: started.job.jobId, tables: started.tables, columns: started.columns };
    },
    'index/pause': async (request) => {
      deps.indexes.job(request.sourceId).pause();
      return { ok: true as const };
    },
    'index/resume': async (request) => {
      deps.indexes.job(request.sourceId).resume();
      return { ok: true as const };
    },
    'index/cancel': async (request) => {
      deps.indexes.job(request.sourceId).cancel();
      return { ok: true as const };
    },
    'index/status': async (request) => deps.indexes.status(request.sourceId),
    'search/query': async (request) => deps.indexes.search(request.sourceId, request.text, request.k ?? 20),

    'values/status': async (request) => deps.profiles.status(request.sourceId),
    'values/set': async (request) => deps.profiles.setEnabled(request.sourceId, request.enabled),
    'values/collect': async (request, context) => deps.profiles.collect(request.sourceId, { signal: context.signal }),

    'context/build': async (request) =>
      deps.contexts.build({
        sourceId: request.sourceId,
        question: request.question,
        budget: request.budget ?? querySettings().contextBudget,
        model: request.model ?? asks.settings().model ?? undefined,
        encoding: request.encoding,
        offline: request.offline,
        audience: request.audience,
        excludeTables: request.excludeTables,
      }),
    'context/rank': async (request) => {
      const ranked = await deps.contexts.rank({
        sourceId: request.sourceId,
        question: request.text,
        offline: request.offline,
      });
      const tables = ranked.tables.slice(0, request.k ?? 20).map(({ table, score, reason, columnScores }) => ({
        schema: table.schema,
        name: table.name,
        kind: table.kind,
        comment: table.comment,
        reason: reason === 'rest' ? ('join path' as const) : reason,
        score,
        columns: table.columns
          .map((column, index) => ({ name: column.name, type: column.type, score: columnScores[index] ?? 0 }))
          .filter((column) => column.score > 0)
          .sort((a, b) => b.score - a.score),
      }));
      return {
        engine: ranked.engine,
        snapshot: ranked.snapshot,
        totalTables: ranked.totalTables,
        matchedTables: ranked.tables.length,
        vectors: ranked.vectors,
        note: ranked.note,
        tables,
      };
    },
    'ask/start': async (request, context) =>
      asks.ask(
        {
          sourceId: request.sourceId,
          question: request.question,
          budget: request.budget ?? querySettings().contextBudget,
          run: request.run,
          limit: request.limit ?? querySettings().rowLimit,
          offline: request.offline,
          tokenModel: request.tokenModel,
          llm: request.llm,
        },
        {
          askId: request.askId,
          signal: context.signal,
          onDelta: (text) => deps.events.emit('ask/delta', { askId: request.askId, text }),
        },
      ),
    'ask/cancel': async (request) => ({ cancelled: asks.cancel(request.askId) }),
    'settings/get': async () => settingsView(),
    'settings/set': async (request) => {
      if (request.llm) asks.setSettings(request.llm);
      const { contextBudget, rowLimit } = request;
      if (contextBudget !== undefined || rowLimit !== undefined) {
        workspace.setSetting(QUERY_SETTINGS_KEY, {
          ...querySettings(),
          ...(contextBudget !== undefined ? { contextBudget } : {}),
          ...(rowLimit !== undefined ? { rowLimit } : {}),
        });
      }
      return settingsView();
    },
    'history/list': async (request) => ({ entries: workspace.history(request.sourceId, request.limit ?? 100) }),
    'saved/list': async (request) => ({ queries: workspace.savedQueries(request.sourceId) }),
    'saved/save': async (request) => workspace.saveQuery(request.sourceId, request.name, request.sql),
    'saved/remove': async (request) => ({ removed: workspace.removeSavedQuery(request.id) }),
    'metrics/snapshot': async (request) => deps.snapshotMetrics({ historySince: request.historySince }),
    ...knowledgeHandlers(deps),
  };
}
