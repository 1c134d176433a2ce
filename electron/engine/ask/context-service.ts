import { LRUCache } from 'lru-cache';
import type { TiktokenEncoding } from 'tiktoken';
import { AppError } from '../../../shared/errors.ts';
import type { SchemaSnapshot } from '../../../shared/schema-types.ts';
import type { CatalogStore, SnapshotRecord } from '../catalog/catalog-store.ts';
import type { IndexService } from '../search/index-service.ts';
import type { SourceService } from '../sources/source-service.ts';
import { DEFAULT_CONTEXT_BUDGET, packContext, type ContextAudience, type PackedContext } from './context-packer.ts';
import { encoderLoadTime } from '../platform/token-counter.ts';

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
import { JoinGraph } from '../search/join-graph.ts';
import { LexicalIndex, type QueryExpansion } from '../search/lexical-index.ts';
import { prepareParts, PreparedStore } from '../search/prepared-store.ts';
import type { ContextPrepWorker } from './context-prep.ts';
import { rankTables, type RankedTable, type VectorHitRef } from './retriever.ts';
import type { MetricsRegistry } from '../platform/metrics-registry.ts';
import type { ValueProfileStore } from '../catalog/value-profile-store.ts';
import { ValueIndex } from './value-index.ts';
import type { KnowledgeStore } from '../catalog/knowledge-store.ts';
import { KnowledgeIndex } from './knowledge-index.ts';
import type { TeamKnowledge } from './knowledge-block.ts';

export interface ContextRequest {
  readonly sourceId: string;
  readonly question: string;
  readonly budget?: number;
  readonly model?: string;
  readonly encoding?: TiktokenEncoding;
  readonly offline?: boolean;
  /** false: names and comments only (the benchmark's side-by-side); default true. */
  readonly useVectors?: boolean;
  /** Query-side word expansion for the names-and-comments ranking (the offline-meaning benchmark); none by default. */
  readonly expansion?: QueryExpansion;
  /** Who reads the text: a model asked to write SQL (default), or an agent that asked for schema context (MCP). */
  readonly audience?: ContextAudience;
  /**
   * Tables to leave out, as a context names them (`table`, or `schema.table` with several schemas): what earlier
   * pages showed, when an agent pages through a question's context (MCP `get_context` with a cursor).
   */
  readonly excludeTables?: readonly string[];
}

/** The ranking behind a context, without packing (MCP `search_schema`): tables that matched or join matches, best first. */
export interface RankedSchema {
  readonly engine: SchemaSnapshot['engine'];
  readonly snapshot: {
    readonly id: number;
    readonly takenAt: string;
    readonly offline: boolean;
    readonly warning: string | null;
  };
  readonly tables: readonly RankedTable[];
  readonly note: string | null;
  readonly vectors: boolean;
  readonly totalTables: number;
}

export interface BuiltContext extends PackedContext {
  readonly engine: SchemaSnapshot['engine'];
  readonly snapshot: {
    readonly id: number;
    readonly takenAt: string;
    readonly offline: boolean;
    readonly warning: string | null;
  };
  /** Which rankings took part (`vectors` is false when the source has no search index yet) and how long it took. */
  /**
   * `ms`: question to packed context, without `tokenizerMs` (building the tokenizer, once per process and encoding);
   * `prepareMs`: the part spent getting the prepared snapshot (near zero once it is in memory).
   */
  readonly retrieval: {
    readonly vectors: boolean;
    readonly missingVectors: number;
    readonly note: string | null;
    readonly ms: number;
    readonly prepareMs: number;
    readonly tokenizerMs: number;
  };
}

interface PreparedSnapshot {
  readonly snapshot: SchemaSnapshot;
  readonly lexical: LexicalIndex;
  readonly graph: JoinGraph;
}

/**
 * The built-in provider's vectors are lexical too (hashed words and trigrams): on the public benchmark, fusing them
 * with BM25 lowered strict column recall at every budget (BENCHMARKS.md, retrieval-public). So only a semantic
 * model's vectors take part in ranking; the built-in index still serves search by meaning.
 */
const LOCAL_PROVIDER_PREFIX = 'local:';
const LOCAL_VECTORS_NOTE =
  'Names and comments rank the schema: the built-in index is lexical too, and adds nothing measured to them.';

/** Vector hits asked of the index per question: enough to rank the tables and columns that can fit any budget. */
const VECTOR_CANDIDATES = 100;
/** Examples and glossary terms offered to the packer per question (it takes what fits its share of the budget). */
const KNOWLEDGE_EXAMPLES = 5;
const KNOWLEDGE_TERMS = 8;
/** From this many columns a snapshot is prepared in the context worker. */
const IN_WORKER_COLUMNS = 5000;
export const MIN_BUDGET = 100;
export const MAX_BUDGET = 1_000_000;

/**
 * Builds the schema context for a question: the snapshot (live or cached), hybrid ranking, join paths and exact
 * token packing. Prepared snapshots (tables, BM25 index, join graph) are kept in a small LRU keyed by the snapshot's
 * identity (source, id, time taken): building them is the only cost that grows with the schema. Not by id alone:
 * SQLite hands the newest deleted id out again, so after a source is removed the next source's snapshot may carry
 * the same id and would be answered with the removed source's tables.
 */
/** The ranking without the tables named (`schema.table`, or `table` alone where it is unique to the snapshot's schemas). */
function withoutTables(ranked: readonly RankedTable[], names: readonly string[]): RankedTable[] {
  const excluded = new Set(names);
  const multiSchema = new Set(ranked.map((entry) => entry.table.schema)).size > 1;
  return ranked.filter(
    ({ table }) => !excluded.has(`${table.schema}.${table.name}`) && (multiSchema || !excluded.has(table.name)),
  );
}

export class ContextService {
  readonly #catalog: CatalogStore;
  readonly #sources: SourceService;
  readonly #indexes: IndexService;
  readonly #metrics: MetricsRegistry | undefined;
  readonly #prepared = new LRUCache<string, PreparedSnapshot>({ max: 3 });
  readonly #preparing = new Map<string, Promise<PreparedSnapshot>>();
  readonly #worker: ContextPrepWorker | undefined;
  #hits = 0;
  #misses = 0;
  #inWorker = 0;

  readonly #profiles: ValueProfileStore | undefined;
  /** Value indexes per source, for the snapshot and the collection they were built from. */
  readonly #valueIndexes = new LRUCache<string, { stamp: string; index: ValueIndex }>({ max: 4 });

  /** Where prepared snapshots are kept between processes (none in tests that build in place). */
  readonly #store: PreparedStore | undefined;
  readonly #home: string | undefined;
  #loaded = 0;

  readonly #knowledge: KnowledgeStore | undefined;
  /** Knowledge indexes per source, for the snapshot and knowledge revision they were built from. */
  readonly #knowledgeIndexes = new LRUCache<string, { stamp: string; index: KnowledgeIndex }>({ max: 4 });

  constructor(deps: {
    catalog: CatalogStore;
    sources: SourceService;
    indexes: IndexService;
    metrics?: MetricsRegistry;
    worker?: ContextPrepWorker;
    profiles?: ValueProfileStore;
    knowledge?: KnowledgeStore;
    home?: string;
  }) {
    this.#profiles = deps.profiles;
    this.#knowledge = deps.knowledge;
    this.#home = deps.home;
    this.#store = deps.home ? new PreparedStore(deps.home) : undefined;
    this.#metrics = deps.metrics;
    this.#worker = deps.worker;
    this.#catalog = deps.catalog;
    this.#sources = deps.sources;
    this.#indexes = deps.indexes;
  }

  async build(request: ContextRequest): Promise<BuiltContext> {
    const budget = request.budget ?? DEFAULT_CONTEXT_BUDGET;
    if (!Number.isInteger(budget) || budget < MIN_BUDGET || budget > MAX_BUDGET) {
      throw new AppError(
        'invalid_input',
        `The token budget must be a whole number from ${MIN_BUDGET} to ${MAX_BUDGET}; got ${budget}.`,
      );
    }
    const retrieved = await this.#retrieve(request);
    const { prepared, values, valueHits } = retrieved;
    const named = new Map(valueHits.map((hit) => [`${hit.table}:${hit.column}`, hit.value]));
    const packed = packContext({
      engine: prepared.snapshot.engine,
      question: retrieved.question,
      ranked: request.excludeTables?.length ? withoutTables(retrieved.ranked, request.excludeTables) : retrieved.ranked,
      graph: prepared.graph,
      budget,
      model: request.model,
      encoding: request.encoding,
      audience: request.audience,
      values: values ? { valuesOf: (table, column) => values.valuesOf(table, column), named } : undefined,
      notes: retrieved.knowledge,
      knowledge: retrieved.knowledge
        ? teamKnowledge(retrieved.knowledge, retrieved.question, prepared.snapshot)
        : undefined,
    });
    const tokenizerMs = encoderLoadTime() - retrieved.encodersBefore;
    const ms = performance.now() - retrieved.started - tokenizerMs;
    this.#metrics?.observe('context.ms', ms);
    this.#metrics?.observe('context.tokens', packed.tokens);
    return {
      ...packed,
      engine: prepared.snapshot.engine,
      snapshot: retrieved.resolved.info,
      retrieval: {
        vectors: retrieved.vectors,
        missingVectors: retrieved.missingVectors,
        note: retrieved.note,
        ms: round(ms),
        prepareMs: round(retrieved.preparedMs),
        tokenizerMs: round(tokenizerMs),
      },
    };
  }

  /**
   * The same hybrid ranking a context is packed from, without packing: the tables the text matched (and those on the
   * join paths between them), best first, each with its matching columns. What `search_schema` of the MCP server
   * answers; it needs no search index (names and comments rank alone) and works from the cached snapshot.
   */
  async rank(request: Omit<ContextRequest, 'budget' | 'model' | 'encoding' | 'audience'>): Promise<RankedSchema> {
    const retrieved = await this.#retrieve(request);
    const tables = retrieved.ranked.filter((ranked) => ranked.reason !== 'rest');
    return {
      engine: retrieved.prepared.snapshot.engine,
      snapshot: retrieved.resolved.info,
      tables,
      note: retrieved.note,
      vectors: retrieved.vectors,
      totalTables: retrieved.prepared.snapshot.tables.length,
    };
  }

  /** The snapshot (live or cached), its prepared form, and the fused ranking of every table for the text. */
  async #retrieve(request: Omit<ContextRequest, 'budget' | 'model' | 'encoding' | 'audience'>) {
    const question = request.question.trim();
    if (!question) throw new AppError('invalid_input', 'The question is empty.');
    const resolved = await this.#sources.snapshot(request.sourceId, { offline: request.offline });
    const started = performance.now();
    const encodersBefore = encoderLoadTime();
    const prepared = await this.prepare(resolved.record.id);
    const preparedMs = performance.now() - started;
    let vectorHits: readonly VectorHitRef[] = [];
    let note: string | null = null;
    let missingVectors = 0;
    const provider = request.useVectors === false ? undefined : this.#indexes.providerOf(request.sourceId);
    try {
      if (provider?.startsWith(LOCAL_PROVIDER_PREFIX)) {
        note = LOCAL_VECTORS_NOTE;
      } else if (request.useVectors !== false) {
        const searched = await this.#indexes.search(request.sourceId, question, VECTOR_CANDIDATES);
        vectorHits = searched.results;
        missingVectors = searched.coverage.missing;
        if (missingVectors > 0)
          note = `${missingVectors} of ${searched.coverage.total} items have no vector (failed, or added since indexing): they are found by names and comments only.`;
      }
    } catch (error) {
      if (!(error instanceof AppError) || (error.kind !== 'not_found' && error.kind !== 'not_available')) throw error;
      // No index at all is the common case and costs nothing (names and comments rank the schema); an index that
      // cannot be searched now (its provider's settings are missing) is worth saying.
      note = error.kind === 'not_available' ? `Names and comments only: ${error.message}` : null;
    }
    const values = this.#valueIndex(request.sourceId, resolved.record.id, prepared.snapshot.tables);
    const valueHits = values?.search(question) ?? [];
    const knowledge = this.#knowledgeIndex(request.sourceId, resolved.record.id, prepared.snapshot.tables);
    const knowledgeHits = knowledge?.search(question) ?? [];
    const ranked = rankTables({
      tables: prepared.snapshot.tables,
      lexical: prepared.lexical,
      graph: prepared.graph,
      question,
      vectorHits,
      valueHits,
      knowledgeHits,
      expansion: request.expansion,
    });
    return {
      question,
      resolved,
      started,
      encodersBefore,
      prepared,
      preparedMs,
      vectors: vectorHits.length > 0,
      missingVectors,
      note,
      values,
      valueHits,
      ranked,
      knowledge,
    };
  }

  /**
   * The snapshot with its BM25 index and join graph, built once per snapshot id. Large snapshots are read and indexed
   * in the context worker (about 2 s of main-thread work for 100,000 columns otherwise); concurrent callers share one
   * preparation. If the worker fails, the work is done in place.
   */
  async prepare(snapshotId: number): Promise<PreparedSnapshot> {
    const record = this.#catalog.snapshotRecord(snapshotId);
    if (!record) throw new AppError('not_found', `No snapshot ${snapshotId}.`);
    const key = JSON.stringify([record.sourceId, record.id, record.takenAt]);
    const cached = this.#prepared.get(key);
    if (cached) {
      this.#hits += 1;
      return cached;
    }
    let pending = this.#preparing.get(key);
    if (!pending) {
      this.#misses += 1;
      pending = this.#build(record, key).finally(() => this.#preparing.delete(key));
      this.#preparing.set(key, pending);
    }
    return pending;
  }

  async #build(record: SnapshotRecord, key: string): Promise<PreparedSnapshot> {
    const snapshotId = record.id;
    let parts = this.#store?.read(record);
    if (parts) this.#loaded += 1;
    if (!parts && this.#worker && this.#store && record.columnCount >= IN_WORKER_COLUMNS) {
      try {
        // Built and stored by the worker, read here from the file it wrote.
        parts = (await this.#worker.prepare(snapshotId, this.#home!)) ?? this.#store.read(record);
        if (parts) this.#inWorker += 1;
      } catch {
        parts = undefined; // prepared in place below
      }
    }
    if (!parts) {
      const snapshot = this.#catalog.loadSnapshot(snapshotId);
      parts = prepareParts(snapshot);
      try {
        this.#store?.write(record, parts, this.#catalog.snapshotIds(record.sourceId));
      } catch {
        // A read-only or full disk: the next process prepares again; nothing else depends on the file.
      }
    }
    const prepared: PreparedSnapshot = {
      snapshot: parts.snapshot,
      lexical: new LexicalIndex(parts.lexical),
      graph: JoinGraph.fromEdges(parts.edges),
    };
    this.#prepared.set(key, prepared);
    return prepared;
  }

  /** The source's value index when its value profiles are on and collected; rebuilt when either changes. */
  #valueIndex(sourceId: string, snapshotId: number, tables: SchemaSnapshot['tables']): ValueIndex | undefined {
    if (!this.#profiles?.enabled(sourceId)) return undefined;
    const collectedAt = this.#profiles.collectedAt(sourceId);
    if (!collectedAt) return undefined;
    const stamp = `${snapshotId}\u0000${collectedAt}`;
    const cached = this.#valueIndexes.get(sourceId);
    if (cached?.stamp === stamp) return cached.index;
    const index = new ValueIndex(tables, this.#profiles.list(sourceId));
    this.#valueIndexes.set(sourceId, { stamp, index });
    return index;
  }

  /** The source's knowledge index when it has notes, terms or examples; rebuilt when the snapshot or knowledge changes. */
  #knowledgeIndex(sourceId: string, snapshotId: number, tables: SchemaSnapshot['tables']): KnowledgeIndex | undefined {
    if (!this.#knowledge) return undefined;
    const stamp = `${snapshotId}\u0000${this.#knowledge.revision(sourceId)}`;
    const cached = this.#knowledgeIndexes.get(sourceId);
    if (cached?.stamp === stamp) return cached.index.size > 0 ? cached.index : undefined;
    const index = new KnowledgeIndex(tables, this.#knowledge.content(sourceId));
    this.#knowledgeIndexes.set(sourceId, { stamp, index });
    return index.size > 0 ? index : undefined;
  }

  cacheStats(): {
    name: string;
    size: number;
    max: number;
    hits: number;
    misses: number;
    inWorker: number;
    loaded: number;
  } {
    return {
      name: 'prepared snapshots',
      size: this.#prepared.size,
      max: this.#prepared.max,
      hits: this.#hits,
      misses: this.#misses,
      inWorker: this.#inWorker,
      loaded: this.#loaded,
    };
  }
}

/** The terms and examples nearest the question, with their links in the names the context shows. */
function teamKnowledge(index: KnowledgeIndex, question: string, snapshot: SchemaSnapshot): TeamKnowledge {
  const multiSchema = new Set(snapshot.tables.map((table) => table.schema)).size > 1;
  const shown = (link: { schema: string; table: string; column: string | null }) =>
    `${multiSchema ? `${link.schema}.` : ''}${link.table}${link.column === null ? '' : `.${link.column}`}`;
  const tables = new Map(snapshot.tables.map((table) => [`${table.schema}\u0000${table.name}`, table]));
  const exists = (link: { schema: string; table: string; column: string | null }) => {
    const table = tables.get(`${link.schema}\u0000${link.table}`);
    return table !== undefined && (link.column === null || table.columns.some((column) => column.name === link.column));
  };
  return {
    terms: index
      .terms(question, KNOWLEDGE_TERMS)
      .map((term) => ({ term: term.term, definition: term.definition, links: term.links.filter(exists).map(shown) })),
    examples: index.examples(question, KNOWLEDGE_EXAMPLES),
  };
}
