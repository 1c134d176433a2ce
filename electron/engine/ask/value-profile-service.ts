import { AppError } from '../../../shared/errors.ts';
import type { CatalogStore } from '../catalog/catalog-store.ts';
import type { ValueProfileStore } from '../catalog/value-profile-store.ts';
import type { SourceService } from '../sources/source-service.ts';
import type { EventHub } from '../platform/event-hub.ts';
import type { SqlDoor } from '../query/sql-door.ts';
import { collectValueProfiles, type ProfileProgress } from './value-profiler.ts';

export interface ValueProfileStatus {
  readonly enabled: boolean;
  /** Columns with a profile. */
  readonly columns: number;
  readonly collectedAt: string | null;
}

export interface ValueProfileSummary extends ValueProfileStatus {
  readonly tables: number;
  readonly fromStatistics: number;
  readonly sampled: number;
  readonly skipped: number;
  readonly firstError: string | null;
  readonly ms: number;
}

/**
 * Value profiles per source: off until the user turns them on (values are data; with them on, the example values of
 * matching columns go into prompts), collected on demand through the SQL door, kept in the catalog, used offline.
 */
export class ValueProfileService {
  readonly #deps: {
    catalog: CatalogStore;
    sources: SourceService;
    door: SqlDoor;
    store: ValueProfileStore;
    events: EventHub;
  };
  readonly #running = new Set<string>();

  constructor(deps: {
    catalog: CatalogStore;
    sources: SourceService;
    door: SqlDoor;
    store: ValueProfileStore;
    events: EventHub;
  }) {
    this.#deps = deps;
  }

  status(sourceId: string): ValueProfileStatus {
    this.#deps.catalog.getSource(sourceId);
    const { store } = this.#deps;
    return {
      enabled: store.enabled(sourceId),
      columns: store.enabled(sourceId) ? store.list(sourceId).length : 0,
      collectedAt: store.collectedAt(sourceId),
    };
  }

  /** Turns profiles on or off for a source; off deletes what was collected. */
  setEnabled(sourceId: string, enabled: boolean): ValueProfileStatus {
    this.#deps.catalog.getSource(sourceId);
    this.#deps.store.setEnabled(sourceId, enabled);
    this.#deps.events.emit('schema/changed', { sourceId });
    return this.status(sourceId);
  }

  async collect(
    sourceId: string,
    options: { signal?: AbortSignal; onProgress?: (progress: ProfileProgress) => void } = {},
  ): Promise<ValueProfileSummary> {
    if (!this.#deps.store.enabled(sourceId))
      throw new AppError(
        'invalid_input',
        'Value profiles are off for this source: turn them on first (they put example values of text columns into prompts).',
      );
    if (this.#running.has(sourceId))
      throw new AppError('invalid_input', 'Value profiles of this source are being collected already.');
    this.#running.add(sourceId);
    try {
      const resolved = await this.#deps.sources.snapshot(sourceId);
      const connection = await this.#deps.sources.connection(sourceId);
      const tables = this.#deps.catalog.loadSnapshot(resolved.record.id).tables;
      const result = await collectValueProfiles({
        connection,
        door: this.#deps.door,
        tables,
        signal: options.signal,
        onProgress: options.onProgress,
      });
      if (!this.#deps.store.enabled(sourceId))
        throw new AppError('cancelled', 'Value profiles were turned off while they were collected; nothing was kept.');
      this.#deps.store.replace(sourceId, result.profiles);
      this.#deps.events.emit('schema/changed', { sourceId });
      const { profiles: _profiles, ...counts } = result;
      return { ...this.status(sourceId), ...counts };
    } finally {
      this.#running.delete(sourceId);
    }
  }
}
