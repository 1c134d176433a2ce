import type { CatalogStore } from './catalog-store.ts';

/** Example values of one column: its most common values (statistics) or the distinct values of a bounded sample. */
export interface ValueProfile {
  readonly schema: string;
  readonly table: string;
  readonly column: string;
  readonly values: readonly string[];
  readonly origin: 'statistics' | 'sample';
}

const SETTING_PREFIX = 'value-profiles:';

/**
 * Value profiles in the catalog (migration v3), per source, and whether the user turned them on for that source.
 * Off by default: values are data, and they only ever leave the laptop (in a prompt) when the user said so.
 */
export class ValueProfileStore {
  readonly #catalog: CatalogStore;

  constructor(catalog: CatalogStore) {
    this.#catalog = catalog;
  }

  enabled(sourceId: string): boolean {
    const row = this.#catalog.db
      .prepare('SELECT value_json FROM settings WHERE key = ?')
      .get(`${SETTING_PREFIX}${sourceId}`) as { value_json: string } | undefined;
    return row ? JSON.parse(row.value_json) === true : false;
  }

  /** Turning them off also deletes what was collected. */
  setEnabled(sourceId: string, enabled: boolean): void {
    const db = this.#catalog.db;
    db.transaction(() => {
      db.prepare(
        'INSERT INTO settings (key, value_json, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value_json = excluded.value_json, updated_at = excluded.updated_at',
      ).run(`${SETTING_PREFIX}${sourceId}`, JSON.stringify(enabled), new Date().toISOString());
      if (!enabled) db.prepare('DELETE FROM value_profiles WHERE source_id = ?').run(sourceId);
    })();
  }

  /** Replaces a source's profiles in one transaction. */
  replace(sourceId: string, profiles: readonly ValueProfile[]): void {
    const db = this.#catalog.db;
    const insert = db.prepare(
      'INSERT INTO value_profiles (source_id, schema_name, table_name, column_name, values_json, origin, collected_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    const now = new Date().toISOString();
    db.transaction(() => {
      db.prepare('DELETE FROM value_profiles WHERE source_id = ?').run(sourceId);
      for (const profile of profiles)
        insert.run(
          sourceId,
          profile.schema,
          profile.table,
          profile.column,
          JSON.stringify(profile.values),
          profile.origin,
          now,
        );
    }).immediate();
  }

  list(sourceId: string): ValueProfile[] {
    const rows = this.#catalog.db
      .prepare(
        'SELECT schema_name, table_name, column_name, values_json, origin FROM value_profiles WHERE source_id = ? ORDER BY schema_name, table_name, column_name',
      )
      .all(sourceId) as {
      schema_name: string;
      table_name: string;
      column_name: string;
      values_json: string;
      origin: ValueProfile['origin'];
    }[];
    return rows.map((row) => ({
      schema: row.schema_name,
      table: row.table_name,
      column: row.column_name,
      values: JSON.parse(row.values_json) as string[],
      origin: row.origin,
    }));
  }

  /** When the source's profiles were last collected (null when never). */
  collectedAt(sourceId: string): string | null {
    const row = this.#catalog.db
      .prepare('SELECT max(collected_at) AS at FROM value_profiles WHERE source_id = ?')
      .get(sourceId) as { at: string | null };
    return row.at;
  }
}
