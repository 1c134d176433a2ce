import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../../../shared/errors.ts';
import type { CatalogStore, SnapshotDiff } from './catalog-store.ts';
import type { KnowledgeStore } from './knowledge-store.ts';
import { JobLockStore } from './job-lock-store.ts';
import { MAX_PACK_BYTES, readPack, writePack, type PackPayload, type PackVectors } from './schema-pack-format.ts';
import type { ValueProfileStore } from './value-profile-store.ts';

export interface PackSummary {
  readonly file: string;
  readonly bytes: number;
  readonly checksum: string;
  readonly version: number;
  readonly source: { readonly id: string; readonly name: string; readonly engine: string; readonly url: string };
  readonly tables: number;
  readonly columns: number;
  readonly notes: number;
  readonly glossary: number;
  readonly examples: number;
  /** Columns with example values in the pack (0 unless the exporter included value profiles). */
  readonly values: number;
  /** The provider whose vectors the pack carries, and how many items they cover (null: none). */
  readonly vectors: { readonly provider: string; readonly items: number } | null;
}

/**
 * Reads and writes a source's stored vectors for packs. The search room implements it (it owns embeddings.db); the
 * catalog only asks, so the layers keep pointing down.
 */
export interface PackVectorStore {
  /** The vectors of `providerId`'s index of the source; not_found (naming the providers there are) when it has none. */
  read(sourceId: string, providerId: string): PackVectors;
  /** Stores imported vectors as that provider's index of the source (replacing the one there). */
  write(sourceId: string, vectors: PackVectors): void;
}

export interface ImportSummary extends PackSummary {
  /** Whether the source was already in the catalog, and the import's diff against its latest snapshot. */
  readonly existing: boolean;
  readonly diff: SnapshotDiff;
}

/**
 * A source's URL as a pack carries it: no user, no password, no options (an option can hold a secret). The same
 * form finds the colleague's own source of the same database on import.
 */
export function credentialFreeUrl(displayUrl: string): string {
  if (displayUrl.startsWith('sqlite:')) return displayUrl.replace(/\?.*$/s, '');
  return displayUrl.replace(/^([a-z]+:\/\/)[^@/]*@/i, '$1').replace(/\?.*$/s, '');
}

/** Where the app writes a pack when no file was chosen: `<data folder>/packs/`. */
export function defaultPackFile(home: string, sourceName: string, now = new Date()): string {
  const safe =
    sourceName
      .replace(/[^\w.-]+/g, '_')
      .replace(/^\.+/, '')
      .slice(0, 60) || 'source';
  return path.join(home, 'packs', `${safe}-${now.toISOString().replace(/[:.]/g, '-')}.sspack`);
}

/**
 * Schema packs: export a source's cached snapshot with the team's knowledge (and, when asked and allowed, its value
 * profiles) to one file; import one, offline, into the catalog in a single transaction, after every check passed.
 */
export class SchemaPacks {
  readonly #catalog: CatalogStore;
  readonly #knowledge: KnowledgeStore;
  readonly #profiles: ValueProfileStore;
  readonly #version: string;
  readonly #vectors: PackVectorStore | undefined;
  readonly #locks: JobLockStore;

  constructor(deps: {
    catalog: CatalogStore;
    knowledge: KnowledgeStore;
    profiles: ValueProfileStore;
    version: string;
    vectors?: PackVectorStore;
  }) {
    this.#catalog = deps.catalog;
    this.#vectors = deps.vectors;
    this.#locks = new JobLockStore(deps.catalog);
    this.#knowledge = deps.knowledge;
    this.#profiles = deps.profiles;
    this.#version = deps.version;
  }

  /**
   * `includeValues`: add the value profiles (refused when they are off for the source: nothing was agreed to share).
   * `vectorsOf`: add the vectors of that provider's index of the source (its id, as `index` reports it).
   */
  export(sourceId: string, file: string, options: { includeValues?: boolean; vectorsOf?: string } = {}): PackSummary {
    const source = this.#catalog.getSource(sourceId);
    const latest = this.#catalog.latestSnapshot(sourceId);
    if (!latest)
      throw new AppError(
        'offline',
        'No cached snapshot of this source yet: connect to it once (refresh) before exporting a pack.',
      );
    if (options.includeValues && !this.#profiles.enabled(sourceId)) {
      throw new AppError(
        'invalid_input',
        'Value profiles are off for this source: turn them on and collect them before including example values in a pack.',
      );
    }
    const snapshot = this.#catalog.loadSnapshot(latest.id);
    const knowledge = this.#knowledge.content(sourceId);
    const payload: PackPayload = {
      createdAt: new Date().toISOString(),
      app: this.#version,
      // A source named after its URL (as the CLI names them) would carry the user name: the database's name instead.
      source: {
        name: packName(source.name === source.displayUrl ? snapshot.database || source.engine : source.name),
        engine: source.engine,
        displayUrl: credentialFreeUrl(source.displayUrl),
      },
      snapshot: {
        database: snapshot.database,
        schemas: [...snapshot.schemas],
        warnings: [...snapshot.warnings],
        tables: snapshot.tables as PackPayload['snapshot']['tables'],
      },
      notes: knowledge.notes.map((note) => ({ ...note })),
      glossary: knowledge.glossary.map((term) => ({
        term: term.term,
        definition: term.definition,
        links: term.links.map((link) => ({ ...link })),
      })),
      examples: knowledge.examples.map((example) => ({ ...example })),
      ...(options.includeValues
        ? { values: this.#profiles.list(sourceId).map((profile) => ({ ...profile, values: [...profile.values] })) }
        : {}),
      ...(options.vectorsOf ? { vectors: this.#vectorStore().read(sourceId, options.vectorsOf) } : {}),
    };
    const { bytes, checksum } = writePack(payload);
    if (bytes.length > MAX_PACK_BYTES)
      throw new AppError(
        'invalid_input',
        `The pack would be ${bytes.length} bytes, more than the ${MAX_PACK_BYTES} a pack may be.`,
      );
    mkdirSync(path.dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, bytes);
    renameSync(temporary, file);
    return summary(
      file,
      bytes.length,
      checksum,
      1,
      { id: source.id, name: source.name, engine: source.engine, url: payload.source.displayUrl },
      payload,
    );
  }

  importFile(file: string): ImportSummary {
    let size: number;
    try {
      size = statSync(file).size;
    } catch {
      throw new AppError('not_found', `No pack file at ${file}.`);
    }
    if (size > MAX_PACK_BYTES)
      throw new AppError(
        'invalid_input',
        `The pack is refused: it is ${size} bytes, larger than the ${MAX_PACK_BYTES} a pack may be.`,
      );
    return this.importBytes(readFileSync(file), file);
  }

  /**
   * Imports a pack that passed every check: the source (found by its credential-free URL, or added under the pack's
   * name), its snapshot (diffed against the latest one there), and the knowledge merged, in one transaction. Never
   * connects to the database.
   */
  importBytes(bytes: Buffer, file = '(uploaded)'): ImportSummary {
    const { payload, checksum, version } = readPack(bytes);
    if (payload.vectors) checkVectors(payload.vectors);
    const db = this.#catalog.db;
    const imported = db
      .transaction(() => {
        const existing = this.#catalog
          .listSources()
          .find(
            (source) =>
              source.engine === payload.source.engine &&
              credentialFreeUrl(source.displayUrl) === payload.source.displayUrl,
          );
        const source =
          existing ??
          this.#catalog.upsertSource({
            id: randomUUID(),
            name: payload.source.name,
            engine: payload.source.engine,
            displayUrl: payload.source.displayUrl,
            isDemo: false,
          });
        const saved = this.#catalog.saveSnapshot(
          source.id,
          { engine: payload.source.engine, ...payload.snapshot },
          { queries: 0, ms: 0 },
        );
        this.#knowledge.merge(source.id, payload);
        if (payload.values) {
          this.#profiles.setEnabled(source.id, true);
          this.#profiles.replace(source.id, payload.values);
        }
        return { source, existing: existing !== undefined, diff: saved.diff };
      })
      .immediate();
    if (payload.vectors) this.#importVectors(imported.source.id, payload.vectors);
    return {
      ...summary(
        file,
        bytes.length,
        checksum,
        version,
        {
          id: imported.source.id,
          name: imported.source.name,
          engine: imported.source.engine,
          url: imported.source.displayUrl,
        },
        payload,
      ),
      existing: imported.existing,
      diff: imported.diff,
    };
  }

  #vectorStore(): PackVectorStore {
    if (!this.#vectors) throw new AppError('not_available', 'Vectors cannot be read or written here.');
    return this.#vectors;
  }

  /** Under the source's index lock: the indexer (of this or another process) never writes at the same time. */
  #importVectors(sourceId: string, vectors: PackVectors): void {
    const lock = this.#locks.acquire('index', sourceId);
    if ('holder' in lock)
      throw new AppError(
        'not_available',
        `The schema and knowledge were imported, but not the vectors: another process (pid ${lock.holder.pid}) is indexing this source. Import the pack again once it is done.`,
      );
    try {
      this.#vectorStore().write(sourceId, vectors);
    } finally {
      this.#locks.release('index', sourceId, lock.token);
    }
  }
}

/** Every item's vector is in the pack, once, with the stated size: checked before anything is written. */
function checkVectors(vectors: PackVectors): void {
  const refuse = (message: string): never => {
    throw new AppError('invalid_input', `The pack is refused: its vectors ${message}`);
  };
  const keys = new Set<string>();
  const expected = Math.ceil((vectors.dimensions * 4) / 3) * 4;
  for (const vector of vectors.vectors) {
    if (keys.has(vector.key)) refuse(`hold ${vector.key} twice.`);
    keys.add(vector.key);
    if (vector.data.length !== expected || !/^[A-Za-z0-9+/]*={0,2}$/.test(vector.data))
      refuse(`hold one (${vector.key}) that is not ${vectors.dimensions} floats.`);
  }
  for (const item of vectors.items) if (!keys.has(item.key)) refuse(`miss the vector of ${item.itemId}.`);
}

/** A source name usable in a pack (and as part of a file name): path-like characters replaced. */
function packName(name: string): string {
  const cleaned = name
    // eslint-disable-next-line no-control-regex -- control characters are exactly what this replaces
    .replace(/[/\\\u0000-\u001f]/g, '_')
    .replaceAll('..', '_')
    .replace(/^([A-Za-z]):/, '$1_')
    .slice(0, 200);
  return cleaned.trim() || 'source';
}

function summary(
  file: string,
  bytes: number,
  checksum: string,
  version: number,
  source: PackSummary['source'],
  payload: PackPayload,
): PackSummary {
  return {
    file,
    bytes,
    checksum,
    version,
    source,
    tables: payload.snapshot.tables.length,
    columns: payload.snapshot.tables.reduce((sum, table) => sum + table.columns.length, 0),
    notes: payload.notes.length,
    glossary: payload.glossary.length,
    examples: payload.examples.length,
    values: payload.values?.length ?? 0,
    vectors: payload.vectors ? { provider: payload.vectors.provider, items: payload.vectors.items.length } : null,
  };
}
