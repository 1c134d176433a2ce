import { randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import { LRUCache } from 'lru-cache';
import { AppError } from '../../../shared/errors.ts';
import type { SnapshotInfo, SourceView } from '../../../shared/ipc-contract.ts';
import type { CatalogStore, SnapshotDiff, SnapshotRecord, SourceRecord } from '../catalog/catalog-store.ts';
import type { EventHub } from '../platform/event-hub.ts';
import type { CatalogWriter } from '../catalog/catalog-writer.ts';
import { displayUrl, parseConnectionUrl, withPassword, type ConnectionSpec } from './connection-url.ts';
import type { PoolSettings, PoolStats, SourceConnection } from './dialect.ts';
import { connectSource } from './dialects.ts';
import type { SecretStore } from './secret-store.ts';
import type { RefreshResult, SourceRefresher } from './source-refresher.ts';

/** Below this many columns (in the last snapshot) a refresh runs in place, on the pooled connection. */
const IN_PLACE_COLUMNS = 2000;
/** A SQLite file below this size holds a small schema (W200, 10,000 columns with rows, is 2.5 MB). */
const IN_PLACE_SQLITE_BYTES = 8 * 1024 * 1024;

export interface SourceServiceOptions {
  readonly catalog: CatalogStore;
  readonly secrets: SecretStore;
  readonly events: EventHub;
  readonly pool: PoolSettings;
  /** How many sources may hold open pools at once; the least recently used is closed beyond that. */
  readonly maxOpenSources: number;
  /** Resolves relative SQLite paths. */
  readonly baseDir: string;
  /** Saves large snapshots off the main thread; without it they are saved in place. */
  readonly writer?: CatalogWriter;
  /**
   * Introspects and saves off the main thread, with a connection of its own (source-refresher.ts); without it a
   * refresh runs in place. Sources whose last snapshot was small are refreshed in place all the same.
   */
  readonly refresher?: Pick<SourceRefresher, 'refresh'>;
}

export interface ResolvedSnapshot {
  readonly record: SnapshotRecord;
  readonly info: SnapshotInfo;
}

/**
 * Sources and their pools: adds and removes sources (passwords go to the secret store, never to the catalog),
 * opens pooled connections on demand (bounded LRU of open pools), and refreshes schema snapshots.
 */
export class SourceService {
  readonly #options: SourceServiceOptions;
  readonly #open: LRUCache<string, Promise<SourceConnection>>;
  /** Sources whose last live attempt failed as unreachable: answered from the cache until a refresh succeeds. */
  readonly #offline = new Map<string, string>();

  constructor(options: SourceServiceOptions) {
    this.#options = options;
    this.#open = new LRUCache<string, Promise<SourceConnection>>({
      max: options.maxOpenSources,
      dispose: (connection) => void connection.then((open) => open.close()).catch(() => undefined),
    });
  }

  list(): SourceView[] {
    return this.#options.catalog.listSources().map((source) => this.view(source));
  }

  view(source: SourceRecord): SourceView {
    const latest = this.#options.catalog.latestSnapshot(source.id);
    return {
      id: source.id,
      name: source.name,
      engine: source.engine,
      displayUrl: source.displayUrl,
      hasPassword: this.#options.secrets.get(source.id) !== undefined,
      isDemo: source.isDemo,
      lastSnapshotAt: latest?.verifiedAt ?? null,
    };
  }

  add(input: { name: string; url: string; password?: string; id?: string; isDemo?: boolean }): SourceView {
    const spec = parseConnectionUrl(input.url, this.#options.baseDir);
    const id = input.id ?? randomUUID();
    const password = input.password || spec.password;
    const record = this.#options.catalog.upsertSource({
      id,
      name: input.name,
      engine: spec.engine,
      displayUrl: displayUrl(spec),
      isDemo: input.isDemo ?? false,
    });
    if (password) this.#options.secrets.set(id, password);
    this.#options.events.emit('sources/changed', {});
    return this.view(record);
  }

  update(input: { id: string; name?: string; url?: string; password?: string }): SourceView {
    const current = this.#options.catalog.getSource(input.id);
    const spec = input.url ? parseConnectionUrl(input.url, this.#options.baseDir) : undefined;
    const record = this.#options.catalog.upsertSource({
      id: current.id,
      name: input.name ?? current.name,
      engine: spec?.engine ?? current.engine,
      displayUrl: spec ? displayUrl(spec) : current.displayUrl,
      isDemo: current.isDemo,
    });
    const password = input.password || spec?.password;
    if (password) this.#options.secrets.set(current.id, password);
    this.#open.delete(current.id); // reconnect with the new settings
    this.#offline.delete(current.id);
    this.#options.events.emit('sources/changed', {});
    return this.view(record);
  }

  remove(id: string): boolean {
    this.#open.delete(id);
    this.#options.secrets.delete(id);
    this.#offline.delete(id);
    const removed = this.#options.catalog.removeSource(id);
    if (removed) this.#options.events.emit('sources/changed', {});
    return removed;
  }

  /** Connects once with the given URL or source, reports the server version, and closes. */
  async test(input: {
    id?: string;
    url?: string;
    password?: string;
  }): Promise<{ ok: true; ms: number; serverVersion: string }> {
    const started = performance.now();
    let spec: ConnectionSpec;
    if (input.url)
      spec = withPassword(parseConnectionUrl(input.url, this.#options.baseDir), input.password || undefined);
    else if (input.id) spec = this.spec(input.id);
    else throw new AppError('invalid_input', 'Give a connection URL or a source id to test.');
    const connection = await connectSource(spec, { ...this.#options.pool, connectionLimit: 1 });
    try {
      const serverVersion = await connection.serverVersion();
      return { ok: true, ms: performance.now() - started, serverVersion };
    } finally {
      await connection.close();
    }
  }

  spec(id: string): ConnectionSpec {
    const source = this.#options.catalog.getSource(id);
    return withPassword(parseConnectionUrl(source.displayUrl, this.#options.baseDir), this.#options.secrets.get(id));
  }

  /** The pooled connection of a source, opened on first use. A failed open is not cached. */
  async connection(id: string): Promise<SourceConnection> {
    const cached = this.#open.get(id);
    if (cached) return cached;
    const opening = connectSource(this.spec(id), this.#options.pool);
    this.#open.set(id, opening);
    try {
      return await opening;
    } catch (error) {
      if (this.#open.peek(id) === opening) this.#open.delete(id);
      throw error;
    }
  }

  /** Introspects live and stores the snapshot; an unreachable database marks the source offline. */
  async refresh(
    id: string,
    signal?: AbortSignal,
  ): Promise<{ record: SnapshotRecord; diff: SnapshotDiff; counts: { queries: number; ms: number } }> {
    try {
      const refresher = this.#options.refresher;
      const spec = this.spec(id);
      const saved =
        refresher && !this.#looksSmall(id, spec)
          ? await refresher.refresh(id, spec, this.#options.pool, signal)
          : await this.#introspectAndSave(id, signal);
      this.#offline.delete(id);
      this.#options.events.emit('schema/changed', { sourceId: id });
      return { record: saved.snapshot, diff: saved.diff, counts: saved.stats };
    } catch (error) {
      if (error instanceof AppError && (error.kind === 'unreachable' || error.kind === 'not_found')) {
        this.#offline.set(id, error.message);
        this.#open.delete(id);
      }
      throw error;
    }
  }

  /**
   * Small enough to refresh in place: the last snapshot had fewer columns than make a worker round trip worth it;
   * with none yet, a SQLite file under a few megabytes (or missing: the error is the same either way). A server's
   * first refresh goes to the worker (its size is unknown).
   */
  #looksSmall(id: string, spec: ConnectionSpec): boolean {
    const latest = this.#options.catalog.latestSnapshot(id);
    if (latest) return latest.columnCount < IN_PLACE_COLUMNS;
    if (spec.engine !== 'sqlite') return false;
    try {
      return statSync(spec.file!).size < IN_PLACE_SQLITE_BYTES;
    } catch {
      return true;
    }
  }

  async #introspectAndSave(id: string, signal?: AbortSignal): Promise<RefreshResult> {
    const connection = await this.connection(id);
    const { snapshot, stats } = await connection.introspect(signal);
    const saved = this.#options.writer
      ? await this.#options.writer.saveSnapshot(id, snapshot, stats)
      : this.#options.catalog.saveSnapshot(id, snapshot, stats);
    return { ...saved, stats };
  }

  /**
   * The snapshot to answer from: the latest stored one (labelled offline when the database was unreachable at the
   * last attempt); when none is stored yet, a live introspection first. `offline` never connects.
   */
  async snapshot(id: string, options: { offline?: boolean } = {}): Promise<ResolvedSnapshot> {
    this.#options.catalog.getSource(id);
    let record = this.#options.catalog.latestSnapshot(id);
    let liveError: string | undefined;
    if (!record && !options.offline) {
      try {
        record = (await this.refresh(id)).record;
      } catch (error) {
        liveError = error instanceof Error ? error.message : String(error);
        record = this.#options.catalog.latestSnapshot(id);
        if (!record) throw error;
      }
    }
    if (!record)
      throw new AppError('offline', 'No cached snapshot of this source yet: connect to it once to cache its schema.');
    const offlineReason = liveError ?? this.#offline.get(id);
    const offline = Boolean(options.offline || offlineReason);
    return {
      record,
      info: {
        id: record.id,
        takenAt: record.verifiedAt,
        offline,
        warning: offline
          ? `Offline: showing the schema cached at ${record.verifiedAt}${offlineReason ? ` (${offlineReason})` : ''}.`
          : null,
      },
    };
  }

  /** Pool statistics of the sources open now (the metrics panel), and the LRU of open pools itself. */
  async poolStats(): Promise<{ sourceId: string; stats: PoolStats }[]> {
    const entries = [...this.#open.entries()];
    const settled = await Promise.all(
      entries.map(async ([sourceId, opening]) => {
        try {
          // A pool still connecting is skipped, not waited for: the metrics panel polls every second.
          const open = await Promise.race([opening, Promise.resolve(undefined)]);
          return open ? { sourceId, stats: open.stats() } : undefined;
        } catch {
          return undefined;
        }
      }),
    );
    return settled.filter((entry) => entry !== undefined);
  }

  openPoolsCache(): { size: number; max: number; offline: number } {
    return { size: this.#open.size, max: this.#open.max, offline: this.#offline.size };
  }

  isOffline(id: string): boolean {
    return this.#offline.has(id);
  }

  async closeAll(): Promise<void> {
    const open = [...this.#open.values()];
    this.#open.clear();
    await Promise.all(open.map((connection) => connection.then((c) => c.close()).catch(() => undefined)));
  }
}
