/**
 * The one IPC contract. Every request, response and event has a zod schema here; the Electron main process,
 * the preload and the web bridge are thin adapters over one handler table typed by this file.
 */
import { z } from 'zod';
import { ERROR_KINDS, type Envelope } from './errors.ts';
import type { EventChannel, RequestChannel } from './ipc-channels.ts';
import { engine, foreignKeyInfo, snapshotCounts, tableInfo } from './schema-types.ts';
import {
  exampleQuestion,
  exampleSql,
  exampleView,
  glossaryDefinition,
  glossaryLinks,
  glossaryTerm,
  glossaryView,
  noteText,
  noteView,
} from './knowledge-types.ts';

const id = z.string().min(1).max(200);
const name = z.string().trim().min(1, 'A name is required.').max(200);
const identifier = z.string().min(1).max(1024);
/** Connection URLs: `sqlite:PATH`, `mysql://...`, `postgres://...`; parsed and checked further by the engine. */
const connectionUrl = z.string().trim().min(1, 'A connection URL is required.').max(4096);
const secret = z.string().max(4096);

/** Which front door the engine serves: the desktop app, web mode, the CLI, or the MCP server. */
export const appMode = z.enum(['electron', 'web', 'cli', 'mcp']);
export type AppMode = z.output<typeof appMode>;

export const sourceView = z.object({
  id,
  name: z.string(),
  engine,
  /** The connection URL with any password removed. */
  displayUrl: z.string(),
  hasPassword: z.boolean(),
  isDemo: z.boolean(),
  lastSnapshotAt: z.string().nullable(),
});

const tableSummary = z.object({
  schema: z.string(),
  name: z.string(),
  kind: z.enum(['table', 'view']),
  comment: z.string().nullable(),
  rowEstimate: z.number().nullable(),
  columnCount: z.number(),
});

/** Where an answer about a schema came from: the live database, or the cached snapshot of a given time. */
const snapshotInfo = z.object({
  id: z.number(),
  takenAt: z.string(),
  offline: z.boolean(),
  warning: z.string().nullable(),
});

const counts = snapshotCounts;

const diffSummary = z.object({
  added: z.array(z.string()),
  removed: z.array(z.string()),
  changed: z.array(z.string()),
  unchanged: z.number(),
});

export const cellValue = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.null(),
  z.object({ type: z.literal('binary'), bytes: z.number(), hex: z.string() }),
]);

export const queryResult = z.object({
  queryId: z.string(),
  columns: z.array(z.object({ name: z.string(), type: z.string() })),
  rows: z.array(z.array(cellValue)),
  rowCount: z.number(),
  truncated: z.boolean(),
  ms: z.number(),
});

const limit = z.number().int().min(1).max(1_000_000);

export const indexProgress = z.object({
  jobId: z.string(),
  state: z.enum(['running', 'paused', 'done', 'cancelled', 'failed']),
  total: z.number(),
  done: z.number(),
  embedded: z.number(),
  reused: z.number(),
  failed: z.number(),
  requests: z.number(),
  tooManyRequests: z.number(),
  retries: z.number(),
  itemsPerSecond: z.number(),
  etaSeconds: z.number().nullable(),
  elapsedMs: z.number(),
});

export const indexSummary = indexProgress.extend({
  providerId: z.string(),
  failures: z.array(z.object({ itemId: z.string(), reason: z.string() })),
  warnings: z.array(z.string()),
  error: z.object({ kind: z.enum(ERROR_KINDS), message: z.string(), detail: z.string().optional() }).optional(),
});

const providerSettings = z.strictObject({
  provider: z.enum(['local', 'openai']),
  baseUrl: z.string().url().max(2048).optional(),
  apiKey: z.string().max(512).optional(),
  model: z.string().min(1).max(200).optional(),
  dimensions: z.number().int().min(16).max(4096).optional(),
  concurrency: z.number().int().min(1).max(64).optional(),
  requestsPerMinute: z.number().int().min(1).max(1_000_000).optional(),
  tokensPerMinute: z.number().int().min(1).max(1_000_000_000).optional(),
  maxInputsPerRequest: z.number().int().min(1).max(2048).optional(),
});
const timeoutMs = z.number().int().min(100).max(3_600_000);
const question = z
  .string()
  .trim()
  .min(1, 'The question is empty.')
  .max(4000, 'The question is longer than 4,000 characters.');
const budget = z
  .number()
  .int('The token budget must be a whole number from 100 to 1,000,000.')
  .min(100, 'The token budget must be a whole number from 100 to 1,000,000.')
  .max(1_000_000, 'The token budget must be a whole number from 100 to 1,000,000.');
const chatModel = z.string().trim().min(1).max(200);
/** Answer from the cached snapshot only, never connecting. */
const offline = z.boolean();
const serializedError = z.object({ kind: z.enum(ERROR_KINDS), message: z.string(), detail: z.string().optional() });

const valueProfileStatus = z.object({ enabled: z.boolean(), columns: z.number(), collectedAt: z.string().nullable() });

/** The schema context of a question: what the model gets, its exact token count and what did not fit. */
export const contextView = z.object({
  model: z.string(),
  encoding: z.string(),
  budget: z.number(),
  tokens: z.number(),
  text: z.string(),
  tables: z.array(z.string()),
  columns: z.array(z.string()),
  joins: z.array(z.object({ on: z.string(), inferred: z.boolean() })),
  omitted: z.object({ tables: z.number(), columns: z.number(), firstTables: z.array(z.string()) }),
  snapshot: snapshotInfo,
  /** `missingVectors`: items with no vector (failed or added since indexing), found by names and comments only. */
  retrieval: z.object({
    vectors: z.boolean(),
    missingVectors: z.number(),
    note: z.string().nullable(),
    ms: z.number(),
    prepareMs: z.number(),
    tokenizerMs: z.number(),
  }),
  /** The team's glossary terms and example questions packed into the context (absent when the source has none). */
  knowledge: z.object({ terms: z.array(z.string()), examples: z.array(z.string()) }).optional(),
});

/** Tables a text matched (or that join two matches), best first, each with its matching columns (best first). */
const rankedSchema = z.object({
  engine,
  snapshot: snapshotInfo,
  /** Tables in the snapshot, and tables that matched at all (the answer holds at most `k` of them). */
  totalTables: z.number(),
  matchedTables: z.number(),
  vectors: z.boolean(),
  note: z.string().nullable(),
  tables: z.array(
    z.object({
      schema: z.string(),
      name: z.string(),
      kind: z.enum(['table', 'view']),
      comment: z.string().nullable(),
      reason: z.enum(['match', 'join path']),
      score: z.number(),
      columns: z.array(z.object({ name: z.string(), type: z.string(), score: z.number() })),
    }),
  ),
});

const llmSettingsView = z.object({
  baseUrl: z.string().nullable(),
  model: z.string().nullable(),
  timeoutMs: z.number(),
  /** Whether a key is stored; the key itself never leaves the main process. */
  hasApiKey: z.boolean(),
});

const settingsView = z.object({ llm: llmSettingsView, contextBudget: z.number(), rowLimit: z.number() });

const historyEntry = z.object({
  id: z.number(),
  sourceId: z.string(),
  sql: z.string(),
  origin: z.enum(['editor', 'ask']),
  question: z.string().nullable(),
  rowCount: z.number().nullable(),
  ms: z.number().nullable(),
  error: z.string().nullable(),
  ranAt: z.string(),
});

export const processSample = z.object({
  at: z.number(),
  heapUsed: z.number(),
  heapTotal: z.number(),
  rss: z.number(),
  external: z.number(),
  arrayBuffers: z.number(),
  lagP50: z.number(),
  lagP99: z.number(),
  lagMax: z.number(),
  series: z.record(z.string(), z.number()),
});
const histogramSnapshot = z.object({
  count: z.number(),
  window: z.number(),
  p50: z.number().nullable(),
  p95: z.number().nullable(),
  p99: z.number().nullable(),
  max: z.number().nullable(),
});

/** Numbers and ids only: a snapshot can be attached to a bug report as it is. */
export const metricsSnapshot = z.object({
  at: z.string(),
  version: z.string(),
  mode: z.string(),
  uptimeSeconds: z.number(),
  process: processSample,
  history: z.array(processSample),
  eventLoopLagP99Ms: z.number(),
  caches: z.array(
    z.object({
      name: z.string(),
      unit: z.enum(['bytes', 'entries']),
      size: z.number(),
      limit: z.number(),
      hits: z.number().nullable(),
      misses: z.number().nullable(),
      evictions: z.number().nullable(),
    }),
  ),
  vectors: z.array(
    z.object({
      sourceId: z.string(),
      items: z.number(),
      dimensions: z.number(),
      compactBytes: z.number(),
      fullCacheBytes: z.number(),
      budgetBytes: z.number(),
      /** The index's item ids, packed (not vectors, so outside the budget; shown beside it). */
      itemBytes: z.number(),
    }),
  ),
  pools: z.array(
    z.object({
      sourceId: z.string(),
      engine: z.string(),
      limit: z.number(),
      active: z.number(),
      idle: z.number(),
      waiting: z.number(),
      queueLimit: z.number(),
      acquired: z.number(),
      rejected: z.number(),
      waitP50: z.number().nullable(),
      waitP95: z.number().nullable(),
      waitP99: z.number().nullable(),
    }),
  ),
  indexing: z.array(
    z.object({
      sourceId: z.string(),
      state: z.string(),
      done: z.number(),
      total: z.number(),
      itemsPerSecond: z.number(),
    }),
  ),
  registry: z.object({
    counters: z.record(z.string(), z.number()),
    perMinute: z.record(z.string(), z.number()),
    gauges: z.record(z.string(), z.number()),
    histograms: z.record(z.string(), histogramSnapshot),
  }),
});

/** One step of a query plan, the same shape for every engine (estimates are null where the engine gives none). */
export interface PlanNodeView {
  readonly operation: string;
  readonly relation: string | null;
  readonly index: string | null;
  readonly rows: number | null;
  readonly cost: number | null;
  readonly detail: string;
  /** Reads every row of `relation` (a sequential scan, MySQL type ALL, SQLite SCAN without an index). */
  readonly fullScan: boolean;
  /** A join step that finds its matches with no index (nested loop over a scan, a join buffer, an automatic index). */
  readonly joinWithoutIndex: boolean;
  readonly children: readonly PlanNodeView[];
}
export const planNode: z.ZodType<PlanNodeView> = z.lazy(() =>
  z.object({
    operation: z.string(),
    relation: z.string().nullable(),
    index: z.string().nullable(),
    rows: z.number().nullable(),
    cost: z.number().nullable(),
    detail: z.string(),
    fullScan: z.boolean(),
    joinWithoutIndex: z.boolean(),
    children: z.array(planNode),
  }),
);
export const planWarning = z.object({
  kind: z.enum(['full_scan', 'join_without_index']),
  relation: z.string().nullable(),
  message: z.string(),
});
export const explainView = z.object({
  engine,
  /** The plan's roots, as the engine estimated them; the statement itself was never executed. */
  plan: z.array(planNode),
  warnings: z.array(planWarning),
  /** The EXPLAIN statement that ran (never ANALYZE). */
  statement: z.string(),
  ms: z.number(),
});

/** A scoped picture of the schema: tables with their key columns, and the joins between them. */
export const relationGraph = z.object({
  snapshot: snapshotInfo,
  tables: z.array(
    z.object({
      id: z.string(),
      schema: z.string(),
      name: z.string(),
      rowEstimate: z.number().nullable(),
      /** Primary key and join columns only: the diagram shows how tables connect, not every column. */
      columns: z.array(z.object({ name: z.string(), type: z.string(), primaryKey: z.boolean(), joins: z.boolean() })),
      otherColumns: z.number(),
      /** Hops from the focus table (0 for the focus and for the tables of an Ask context). */
      depth: z.number(),
    }),
  ),
  relations: z.array(
    z.object({
      from: z.string(),
      fromColumns: z.array(z.string()),
      to: z.string(),
      toColumns: z.array(z.string()),
      inferred: z.boolean(),
    }),
  ),
  /** Neighbours left out to keep the picture readable (more than the table limit). */
  omitted: z.number(),
  limit: z.number(),
});
const knowledgeName = z.string().min(1).max(1024);
const packSummary = z.object({
  file: z.string(),
  bytes: z.number(),
  checksum: z.string(),
  version: z.number(),
  source: z.object({ id: z.string(), name: z.string(), engine: z.string(), url: z.string() }),
  tables: z.number(),
  columns: z.number(),
  notes: z.number(),
  glossary: z.number(),
  examples: z.number(),
  values: z.number(),
  vectors: z.object({ provider: z.string(), items: z.number() }).nullable(),
});
const snapshotDiff = diffSummary.extend({
  columns: z.object({ added: z.array(z.string()), removed: z.array(z.string()), changed: z.array(z.string()) }),
});

const savedQuery = z.object({
  id: z.number(),
  sourceId: z.string(),
  name: z.string(),
  sql: z.string(),
  updatedAt: z.string(),
});

export const contract = {
  'app/info': {
    request: z.strictObject({}),
    response: z.object({ version: z.string(), mode: appMode, home: z.string() }),
  },
  'app/pickFile': {
    request: z.strictObject({}),
    /** null when the user cancelled the dialog. */
    response: z.object({ path: z.string().nullable() }),
  },
  'sources/list': {
    request: z.strictObject({}),
    response: z.object({ sources: z.array(sourceView) }),
  },
  'sources/add': {
    request: z.strictObject({ name, url: connectionUrl, password: secret.optional() }),
    response: sourceView,
  },
  'sources/update': {
    request: z.strictObject({ id, name: name.optional(), url: connectionUrl.optional(), password: secret.optional() }),
    response: sourceView,
  },
  'sources/remove': {
    request: z.strictObject({ id }),
    response: z.object({ removed: z.boolean() }),
  },
  'sources/mcpCommands': {
    /** Per source, the command (and client JSON) that serves it to AI agents over MCP; `script` null when no CLI is installed. */
    request: z.strictObject({}),
    response: z.object({
      script: z.string().nullable(),
      commands: z.array(
        z.object({
          sourceId: z.string(),
          name: z.string(),
          shell: z.string(),
          command: z.string(),
          args: z.array(z.string()),
          config: z.string(),
          needsPassword: z.boolean(),
        }),
      ),
    }),
  },
  'sources/test': {
    request: z.strictObject({ id: id.optional(), url: connectionUrl.optional(), password: secret.optional() }),
    response: z.object({ ok: z.literal(true), ms: z.number(), serverVersion: z.string() }),
  },
  'schema/refresh': {
    request: z.strictObject({ sourceId: id }),
    response: z.object({ snapshot: snapshotInfo, counts, queries: z.number(), ms: z.number(), diff: diffSummary }),
  },
  'schema/tables': {
    request: z.strictObject({ sourceId: id }),
    response: z.object({ snapshot: snapshotInfo.nullable(), tables: z.array(tableSummary) }),
  },
  'schema/table': {
    request: z.strictObject({ sourceId: id, schema: identifier, table: identifier }),
    response: z.object({
      snapshot: snapshotInfo,
      table: tableInfo,
      incoming: z.array(z.object({ schema: z.string(), table: z.string(), foreignKey: foreignKeyInfo })),
    }),
  },
  'schema/names': {
    /** Every table with its column names: what the SQL editor completes (from the catalog, so offline too). */
    request: z.strictObject({ sourceId: id }),
    response: z.object({
      tables: z.array(z.object({ schema: z.string(), name: z.string(), columns: z.array(z.string()) })),
    }),
  },
  'schema/graph': {
    /**
     * Relations around one table (`focus`, `depth` 1-2 hops) or among given tables (an Ask context), from the cached
     * snapshot (so offline too); never the whole schema: at most `limit` tables (default 40, at most 150).
     */
    request: z.strictObject({
      sourceId: id,
      focus: z.strictObject({ schema: identifier, table: identifier }).optional(),
      depth: z.number().int().min(1, 'The depth is 1 or 2 hops.').max(2, 'The depth is 1 or 2 hops.').optional(),
      tables: z
        .array(z.string().min(1).max(2100))
        .min(1)
        .max(150, 'At most 150 tables can be drawn at once.')
        .optional(),
      limit: z.number().int().min(1).max(150).optional(),
      offline: offline.optional(),
    }),
    response: relationGraph,
  },
  'schema/sample': {
    request: z.strictObject({ sourceId: id, schema: identifier, table: identifier }),
    response: queryResult,
  },
  'query/execute': {
    request: z.strictObject({
      sourceId: id,
      sql: z.string().trim().min(1, 'The SQL is empty.').max(1_000_000),
      limit: limit.optional(),
      /** Rows to skip: "load more" asks for the next page of the same statement. */
      offset: z.number().int().min(0).max(100_000_000).optional(),
      timeoutMs: timeoutMs.optional(),
      queryId: id.optional(),
      /** Where the SQL came from, for the history: the editor, or the Ask panel (with its question). */
      origin: z.enum(['editor', 'ask']).optional(),
      question: question.optional(),
    }),
    response: queryResult,
  },
  'query/export': {
    request: z.strictObject({ sourceId: id, sql: z.string().trim().min(1, 'The SQL is empty.').max(1_000_000) }),
    /** `file`: where the CSV was written (the desktop app asks where; web mode and the CLI use <data folder>/exports). */
    response: z.object({ file: z.string(), rows: z.number(), bytes: z.number(), ms: z.number(), capped: z.boolean() }),
  },
  'query/explain': {
    /** The plan of one read-only query, never executing it; `table` etc. are refused by the guard with the reason. */
    request: z.strictObject({
      sourceId: id,
      sql: z.string().trim().min(1, 'The SQL is empty.').max(1_000_000),
      timeoutMs: timeoutMs.optional(),
    }),
    response: explainView,
  },
  'query/cancel': {
    request: z.strictObject({ queryId: id }),
    response: z.object({ cancelled: z.boolean() }),
  },
  'index/start': {
    request: z.strictObject({ sourceId: id, settings: providerSettings }),
    response: z.object({ jobId: z.string(), tables: z.number(), columns: z.number() }),
  },
  'index/pause': { request: z.strictObject({ sourceId: id }), response: z.object({ ok: z.literal(true) }) },
  'index/resume': { request: z.strictObject({ sourceId: id }), response: z.object({ ok: z.literal(true) }) },
  'index/cancel': { request: z.strictObject({ sourceId: id }), response: z.object({ ok: z.literal(true) }) },
  'index/status': {
    request: z.strictObject({ sourceId: id }),
    /** `failures`: items of the stored index that have no vector, with their cause (kept across restarts). */
    response: z.object({
      running: z.boolean(),
      progress: indexProgress.nullable(),
      summary: indexSummary.nullable(),
      failures: z.array(z.object({ itemId: z.string(), reason: z.string() })),
      /** Set when another process on this data folder runs the job (then `progress` is the one it last reported). */
      owner: z.object({ pid: z.number(), host: z.string(), startedAt: z.string() }).nullable(),
    }),
  },
  'search/query': {
    request: z.strictObject({
      sourceId: id,
      text: z.string().trim().min(1, 'The search text is empty.').max(2000),
      k: z.number().int().min(1).max(200).optional(),
    }),
    response: z.object({
      providerId: z.string(),
      results: z.array(
        z.object({
          kind: z.enum(['table', 'column']),
          schema: z.string(),
          table: z.string(),
          column: z.string().nullable(),
          score: z.number(),
        }),
      ),
      /** Items of the latest snapshot with and without a vector: the missing ones are found by names in Ask. */
      coverage: z.object({ indexed: z.number(), total: z.number(), missing: z.number() }),
      /** Time to embed the query (a network call for remote providers) and to search the index. */
      timings: z.object({ embedMs: z.number(), searchMs: z.number() }),
    }),
  },
  'values/status': {
    request: z.strictObject({ sourceId: id }),
    response: valueProfileStatus,
  },
  'values/set': {
    /** Value profiles are off by default: on, example values of text columns go into prompts. Off deletes them. */
    request: z.strictObject({ sourceId: id, enabled: z.boolean() }),
    response: valueProfileStatus,
  },
  'values/collect': {
    request: z.strictObject({ sourceId: id }),
    response: valueProfileStatus.extend({
      tables: z.number(),
      fromStatistics: z.number(),
      sampled: z.number(),
      skipped: z.number(),
      firstError: z.string().nullable(),
      ms: z.number(),
    }),
  },
  'context/build': {
    request: z.strictObject({
      sourceId: id,
      question,
      budget: budget.optional(),
      /** The model whose tokenizer counts (o200k_base or cl100k_base follows from it), unless `encoding` says. */
      model: chatModel.optional(),
      encoding: z.enum(['o200k_base', 'cl100k_base']).optional(),
      offline: offline.optional(),
      /** `agent`: a data preamble instead of the text-to-SQL instructions (the MCP server's get_context). */
      audience: z.enum(['model', 'agent']).optional(),
      /** Tables an earlier page of the same question showed, as the context named them (paging, MCP get_context). */
      excludeTables: z.array(z.string().min(1).max(2048)).max(5000).optional(),
    }),
    response: contextView,
  },
  'context/rank': {
    /** The ranking a context is packed from (names, comments and vectors fused, join paths added), best first; no index needed. */
    request: z.strictObject({
      sourceId: id,
      text: z.string().trim().min(1, 'The search text is empty.').max(2000),
      k: z.number().int().min(1).max(200).optional(),
      offline: offline.optional(),
    }),
    response: rankedSchema,
  },
  'ask/start': {
    request: z.strictObject({
      askId: id,
      sourceId: id,
      question,
      budget: budget.optional(),
      run: z.boolean().optional(),
      limit: limit.optional(),
      offline: offline.optional(),
      /** Model whose tokenizer counts the context, when it differs from the chat model. */
      tokenModel: chatModel.optional(),
      /** This question's overrides of the stored model settings (the CLI's flags); a key given here is not stored. */
      llm: z
        .strictObject({
          baseUrl: z.string().url().max(2048).optional(),
          model: chatModel.optional(),
          apiKey: z.string().max(512).optional(),
          timeoutMs: timeoutMs.optional(),
        })
        .optional(),
    }),
    response: z.object({
      context: contextView,
      answer: z.string().nullable(),
      sql: z.string().nullable(),
      refusal: serializedError.nullable(),
      result: queryResult.nullable(),
      llm: z.object({ model: z.string(), ms: z.number(), firstTokenMs: z.number().nullable() }).nullable(),
      note: z.string().nullable(),
    }),
  },
  'ask/cancel': { request: z.strictObject({ askId: id }), response: z.object({ cancelled: z.boolean() }) },
  'settings/get': { request: z.strictObject({}), response: settingsView },
  'settings/set': {
    request: z.strictObject({
      llm: z
        .strictObject({
          baseUrl: z.string().url().max(2048).nullable().optional(),
          model: z.string().trim().min(1).max(200).nullable().optional(),
          timeoutMs: timeoutMs.optional(),
          /** Stored in the secret store; an empty string removes it. */
          apiKey: z.string().max(512).optional(),
        })
        .optional(),
      contextBudget: budget.optional(),
      rowLimit: limit.optional(),
    }),
    response: settingsView,
  },
  'history/list': {
    request: z.strictObject({ sourceId: id, limit: z.number().int().min(1).max(500).optional() }),
    response: z.object({ entries: z.array(historyEntry) }),
  },
  'saved/list': { request: z.strictObject({ sourceId: id }), response: z.object({ queries: z.array(savedQuery) }) },
  'saved/save': {
    request: z.strictObject({ sourceId: id, name, sql: z.string().trim().min(1, 'The SQL is empty.').max(1_000_000) }),
    response: savedQuery,
  },
  'saved/remove': {
    request: z.strictObject({ id: z.number().int().min(1) }),
    response: z.object({ removed: z.boolean() }),
  },
  'knowledge/list': {
    request: z.strictObject({ sourceId: id }),
    response: z.object({ notes: z.array(noteView), glossary: z.array(glossaryView), examples: z.array(exampleView) }),
  },
  'knowledge/search': {
    /** The team's notes, terms and examples matching the text, best first; from the catalog only (works offline). */
    request: z.strictObject({ sourceId: id, text: z.string().trim().min(1, 'The search text is empty.').max(2000) }),
    response: z.object({ notes: z.array(noteView), glossary: z.array(glossaryView), examples: z.array(exampleView) }),
  },
  'notes/set': {
    /** A note on a table (`column: null`) or a column, kept by name: it survives refreshes. */
    request: z.strictObject({
      sourceId: id,
      schema: z.string().max(1024),
      table: knowledgeName,
      column: knowledgeName.nullable(),
      text: noteText,
    }),
    response: noteView,
  },
  'notes/remove': {
    request: z.strictObject({
      sourceId: id,
      schema: z.string().max(1024),
      table: knowledgeName,
      column: knowledgeName.nullable(),
    }),
    response: z.object({ removed: z.boolean() }),
  },
  'glossary/set': {
    request: z.strictObject({ sourceId: id, term: glossaryTerm, definition: glossaryDefinition, links: glossaryLinks }),
    response: glossaryView,
  },
  'glossary/remove': {
    request: z.strictObject({ sourceId: id, term: glossaryTerm }),
    response: z.object({ removed: z.boolean() }),
  },
  'examples/add': {
    /** A question with the SQL that answered it well (an Ask result marked good). */
    request: z.strictObject({ sourceId: id, question: exampleQuestion, sql: exampleSql }),
    response: exampleView,
  },
  'examples/update': {
    request: z.strictObject({
      id: z.number().int().min(1),
      question: exampleQuestion.optional(),
      sql: exampleSql.optional(),
    }),
    response: exampleView,
  },
  'examples/remove': {
    request: z.strictObject({ id: z.number().int().min(1) }),
    response: z.object({ removed: z.boolean() }),
  },
  'pack/export': {
    /**
     * `file`: where to write (the CLI only; the app asks with a save dialog or writes under the data folder).
     * `includeValues`: add the value profiles, when they are on for the source.
     * `vectorsOf`: add the vectors of that provider's index of the source (its id, as `index` reports it).
     */
    request: z.strictObject({
      sourceId: id,
      file: z.string().min(1).max(4096).optional(),
      includeValues: z.boolean().optional(),
      vectorsOf: z.string().min(1).max(300).optional(),
    }),
    response: packSummary,
  },
  'pack/import': {
    /** `file`: a path (the CLI only); `content`: the text of the pack file the user chose in the app. */
    request: z.strictObject({
      file: z.string().min(1).max(4096).optional(),
      content: z
        .string()
        .min(1)
        .max(256 * 1024 * 1024)
        .optional(),
    }),
    response: packSummary.extend({ existing: z.boolean(), diff: snapshotDiff }),
  },
  'metrics/snapshot': {
    /** `historySince`: only samples after this time (ms since the epoch), so a polling panel gets just the new ones. */
    request: z.strictObject({ historySince: z.number().min(0).optional() }),
    response: metricsSnapshot,
  },
} as const satisfies Record<RequestChannel, { request: z.ZodType; response: z.ZodType }>;

export const eventContract = {
  'sources/changed': z.object({}),
  'schema/changed': z.object({ sourceId: id }),
  'index/progress': z.object({ sourceId: id, progress: indexProgress }),
  /** A piece of the model's answer while it streams. */
  'ask/delta': z.object({ askId: id, text: z.string() }),
} as const satisfies Record<EventChannel, z.ZodType>;

export type RequestOf<C extends RequestChannel> = z.input<(typeof contract)[C]['request']>;
export type ParsedRequestOf<C extends RequestChannel> = z.output<(typeof contract)[C]['request']>;
export type ResponseOf<C extends RequestChannel> = z.output<(typeof contract)[C]['response']>;
export type EventOf<E extends EventChannel> = z.output<(typeof eventContract)[E]>;

export type SourceView = z.output<typeof sourceView>;
export type QueryResult = z.output<typeof queryResult>;
export type CellValue = z.output<typeof cellValue>;
export type TableSummary = z.output<typeof tableSummary>;
export type SnapshotInfo = z.output<typeof snapshotInfo>;
export type IndexProgressView = z.output<typeof indexProgress>;
export type ContextView = z.output<typeof contextView>;
export type MetricsSnapshotView = z.output<typeof metricsSnapshot>;
export type SettingsView = z.output<typeof settingsView>;
export type HistoryEntryView = z.output<typeof historyEntry>;
export type SavedQueryView = z.output<typeof savedQuery>;
export type ExplainView = z.output<typeof explainView>;
export type PlanWarningView = z.output<typeof planWarning>;
export type RelationGraphView = z.output<typeof relationGraph>;
export type PackSummaryView = z.output<typeof packSummary>;

/** What the renderer calls: one function per channel, derived from the contract. */
export type SchemascopeClient = {
  readonly [C in RequestChannel]: (request: RequestOf<C>) => Promise<ResponseOf<C>>;
};

/** An engine event, typed by its channel: `if (event.channel === 'index/progress') event.payload.progress`. */
export type EngineEvent = { [E in EventChannel]: { readonly channel: E; readonly payload: EventOf<E> } }[EventChannel];

/** Subscribes to engine events; returns the unsubscribe function. */
export type SubscribeEvents = (listener: (event: EngineEvent) => void) => () => void;

/**
 * What a preload or web bridge exposes: raw envelopes, and raw event messages (the renderer validates each against
 * `eventContract` before any component sees it: see `typedEvents` in renderer/src/api/client.ts).
 */
export interface SchemascopeBridge {
  readonly invoke: { readonly [C in RequestChannel]: (request: unknown) => Promise<Envelope<unknown>> };
  readonly subscribe: (listener: (message: unknown) => void) => () => void;
}

/** An event message checked against the contract; null when it is not one (unknown channel, wrong payload). */
export function parseEngineEvent(message: unknown): EngineEvent | null {
  if (!message || typeof message !== 'object') return null;
  const { channel, payload } = message as { channel?: unknown; payload?: unknown };
  if (typeof channel !== 'string' || !Object.hasOwn(eventContract, channel)) return null;
  const parsed = eventContract[channel as EventChannel].safeParse(payload);
  return parsed.success ? ({ channel, payload: parsed.data } as EngineEvent) : null;
}
