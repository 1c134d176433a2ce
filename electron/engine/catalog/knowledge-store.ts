import { AppError } from '../../../shared/errors.ts';
import {
  KNOWLEDGE_LIMITS,
  type ExampleView,
  type GlossaryView,
  type NoteView,
} from '../../../shared/knowledge-types.ts';
import { formatObjectPath, type ObjectTarget } from '../../../shared/object-path.ts';
import type { CatalogStore } from './catalog-store.ts';
import { tablesNamedIn } from './sql-table-names.ts';

/** A glossary term as stored and as packed: its definition and the tables and columns it is about. */
export interface GlossaryEntry {
  readonly term: string;
  readonly definition: string;
  readonly links: readonly ObjectTarget[];
}

/** Everything a source's team wrote, as a pack carries it. */
export interface KnowledgeContent {
  readonly notes: readonly {
    readonly schema: string;
    readonly table: string;
    readonly column: string | null;
    readonly text: string;
  }[];
  readonly glossary: readonly GlossaryEntry[];
  readonly examples: readonly { readonly question: string; readonly sql: string }[];
}

const REVISION_PREFIX = 'knowledge-revision:';

/**
 * Team knowledge in the catalog (migration v4), per source: notes on tables and columns, glossary terms and
 * examples. Keyed by names, not by snapshot: a refresh that drops a table leaves its note waiting (shown as not
 * attached), and the note is back on the table when it returns. Bounded per source ({@link KNOWLEDGE_LIMITS}).
 * Every write bumps the source's revision, which is how retrieval knows to rebuild what it derived.
 */
export class KnowledgeStore {
  readonly #catalog: CatalogStore;

  constructor(catalog: CatalogStore) {
    this.#catalog = catalog;
  }

  get #db() {
    return this.#catalog.db;
  }

  /** Changes with every write to the source's knowledge. */
  revision(sourceId: string): number {
    const row = this.#db
      .prepare('SELECT value_json FROM settings WHERE key = ?')
      .get(`${REVISION_PREFIX}${sourceId}`) as { value_json: string } | undefined;
    return row ? Number(JSON.parse(row.value_json)) : 0;
  }

  #bump(sourceId: string): void {
    this.#db
      .prepare(
        `INSERT INTO settings (key, value_json, updated_at) VALUES (?, '1', ?)
         ON CONFLICT(key) DO UPDATE SET value_json = CAST(CAST(value_json AS INTEGER) + 1 AS TEXT), updated_at = excluded.updated_at`,
      )
      .run(`${REVISION_PREFIX}${sourceId}`, new Date().toISOString());
  }

  // ---- notes -----------------------------------------------------------------------------------------------------

  setNote(sourceId: string, target: ObjectTarget, text: string): NoteView {
    this.#catalog.getSource(sourceId);
    const db = this.#db;
    db.transaction(() => {
      const exists = db
        .prepare(
          'SELECT 1 FROM knowledge_notes WHERE source_id = ? AND schema_name = ? AND table_name = ? AND target = ? AND column_name = ?',
        )
        .get(sourceId, target.schema, target.table, targetKind(target), target.column ?? '');
      if (!exists) this.#checkRoom('knowledge_notes', sourceId, KNOWLEDGE_LIMITS.notesPerSource, 'notes');
      db.prepare(
        `INSERT INTO knowledge_notes (source_id, schema_name, table_name, target, column_name, text, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(source_id, schema_name, table_name, target, column_name) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at`,
      ).run(
        sourceId,
        target.schema,
        target.table,
        targetKind(target),
        target.column ?? '',
        text,
        new Date().toISOString(),
      );
      this.#bump(sourceId);
    }).immediate();
    return this.notes(sourceId).find(
      (note) => note.schema === target.schema && note.table === target.table && note.column === target.column,
    )!;
  }

  removeNote(sourceId: string, target: ObjectTarget): boolean {
    const removed =
      this.#db
        .prepare(
          'DELETE FROM knowledge_notes WHERE source_id = ? AND schema_name = ? AND table_name = ? AND target = ? AND column_name = ?',
        )
        .run(sourceId, target.schema, target.table, targetKind(target), target.column ?? '').changes > 0;
    if (removed) this.#bump(sourceId);
    return removed;
  }

  /** The source's notes, tables before their columns, each flagged attached or not against the latest snapshot. */
  notes(sourceId: string): NoteView[] {
    const snapshotId = this.#catalog.latestSnapshot(sourceId)?.id ?? -1;
    const multiSchema = this.#multiSchema(sourceId);
    const rows = this.#db
      .prepare(
        `SELECT n.schema_name, n.table_name, n.target, n.column_name, n.text, n.updated_at,
                CASE WHEN n.target = 'table'
                  THEN EXISTS (SELECT 1 FROM catalog_tables t WHERE t.snapshot_id = $snapshot AND t.schema_name = n.schema_name AND t.table_name = n.table_name)
                  ELSE EXISTS (SELECT 1 FROM catalog_columns c WHERE c.snapshot_id = $snapshot AND c.schema_name = n.schema_name AND c.table_name = n.table_name AND c.column_name = n.column_name)
                END AS attached
           FROM knowledge_notes n WHERE n.source_id = $source
          ORDER BY n.schema_name, n.table_name, n.target DESC, n.column_name`,
      )
      .all({ snapshot: snapshotId, source: sourceId }) as {
      schema_name: string;
      table_name: string;
      target: string;
      column_name: string;
      text: string;
      updated_at: string;
      attached: number;
    }[];
    return rows.map((row) => {
      const target = {
        schema: row.schema_name,
        table: row.table_name,
        column: row.target === 'column' ? row.column_name : null,
      };
      return {
        ...target,
        object: formatObjectPath(target, multiSchema),
        text: row.text,
        attached: row.attached === 1,
        updatedAt: row.updated_at,
      };
    });
  }

  // ---- glossary --------------------------------------------------------------------------------------------------

  setTerm(sourceId: string, entry: GlossaryEntry): GlossaryView {
    this.#catalog.getSource(sourceId);
    const db = this.#db;
    db.transaction(() => {
      const exists = db
        .prepare('SELECT 1 FROM knowledge_glossary WHERE source_id = ? AND term = ?')
        .get(sourceId, entry.term);
      if (!exists) this.#checkRoom('knowledge_glossary', sourceId, KNOWLEDGE_LIMITS.termsPerSource, 'glossary terms');
      db.prepare(
        `INSERT INTO knowledge_glossary (source_id, term, definition, links_json, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(source_id, term) DO UPDATE SET definition = excluded.definition, links_json = excluded.links_json, updated_at = excluded.updated_at`,
      ).run(
        sourceId,
        entry.term,
        entry.definition,
        JSON.stringify(entry.links.map(({ schema, table, column }) => ({ schema, table, column }))),
        new Date().toISOString(),
      );
      this.#bump(sourceId);
    }).immediate();
    return this.glossary(sourceId).find((view) => view.term === entry.term)!;
  }

  removeTerm(sourceId: string, term: string): boolean {
    const removed =
      this.#db.prepare('DELETE FROM knowledge_glossary WHERE source_id = ? AND term = ?').run(sourceId, term).changes >
      0;
    if (removed) this.#bump(sourceId);
    return removed;
  }

  glossary(sourceId: string): GlossaryView[] {
    const rows = this.#db
      .prepare(
        'SELECT term, definition, links_json, updated_at FROM knowledge_glossary WHERE source_id = ? ORDER BY term COLLATE NOCASE',
      )
      .all(sourceId) as {
      term: string;
      definition: string;
      links_json: string;
      updated_at: string;
    }[];
    const multiSchema = this.#multiSchema(sourceId);
    const names = rows.length > 0 ? this.#names(sourceId) : undefined;
    return rows.map((row) => ({
      term: row.term,
      definition: row.definition,
      links: (JSON.parse(row.links_json) as ObjectTarget[]).map((link) => ({
        ...link,
        object: formatObjectPath(link, multiSchema),
        attached: names!.has(link),
      })),
      updatedAt: row.updated_at,
    }));
  }

  // ---- examples --------------------------------------------------------------------------------------------------

  addExample(sourceId: string, question: string, sql: string): ExampleView {
    this.#catalog.getSource(sourceId);
    const db = this.#db;
    const id = db
      .transaction(() => {
        const same = db
          .prepare('SELECT id FROM knowledge_examples WHERE source_id = ? AND question = ? AND sql = ?')
          .get(sourceId, question, sql) as { id: number } | undefined;
        if (same) return same.id; // marking the same answer good twice keeps one example
        this.#checkRoom('knowledge_examples', sourceId, KNOWLEDGE_LIMITS.examplesPerSource, 'examples');
        const now = new Date().toISOString();
        const inserted = Number(
          db
            .prepare(
              'INSERT INTO knowledge_examples (source_id, question, sql, created_at, updated_at) VALUES (?, ?, ?, ?, ?)',
            )
            .run(sourceId, question, sql, now, now).lastInsertRowid,
        );
        this.#bump(sourceId);
        return inserted;
      })
      .immediate();
    return this.example(id)!;
  }

  updateExample(id: number, change: { question?: string; sql?: string }): ExampleView {
    const current = this.#exampleRow(id);
    if (!current) throw new AppError('not_found', `No example ${id}.`);
    this.#db
      .prepare('UPDATE knowledge_examples SET question = ?, sql = ?, updated_at = ? WHERE id = ?')
      .run(change.question ?? current.question, change.sql ?? current.sql, new Date().toISOString(), id);
    this.#bump(current.source_id);
    return this.example(id)!;
  }

  removeExample(id: number): boolean {
    const current = this.#exampleRow(id);
    if (!current) return false;
    this.#db.prepare('DELETE FROM knowledge_examples WHERE id = ?').run(id);
    this.#bump(current.source_id);
    return true;
  }

  example(id: number): ExampleView | undefined {
    const row = this.#exampleRow(id);
    return row ? this.#exampleViews(row.source_id, [row])[0] : undefined;
  }

  examples(sourceId: string): ExampleView[] {
    const rows = this.#db
      .prepare('SELECT * FROM knowledge_examples WHERE source_id = ? ORDER BY id')
      .all(sourceId) as ExampleRow[];
    return this.#exampleViews(sourceId, rows);
  }

  #exampleRow(id: number): ExampleRow | undefined {
    return this.#db.prepare('SELECT * FROM knowledge_examples WHERE id = ?').get(id) as ExampleRow | undefined;
  }

  #exampleViews(sourceId: string, rows: readonly ExampleRow[]): ExampleView[] {
    if (rows.length === 0) return [];
    const snapshot = this.#catalog.latestSnapshot(sourceId);
    const tables = snapshot ? this.#catalog.listTables(snapshot.id) : [];
    const multiSchema = new Set(tables.map((table) => table.schema)).size > 1;
    return rows.map((row) => ({
      id: row.id,
      question: row.question,
      sql: row.sql,
      tables: tablesNamedIn(row.sql, tables).map((table) =>
        formatObjectPath({ schema: table.schema, table: table.name, column: null }, multiSchema),
      ),
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    }));
  }

  // ---- whole ---------------------------------------------------------------------------------------------------

  content(sourceId: string): KnowledgeContent {
    return {
      notes: this.notes(sourceId).map(({ schema, table, column, text }) => ({ schema, table, column, text })),
      glossary: this.glossary(sourceId).map(({ term, definition, links }) => ({
        term,
        definition,
        links: links.map(({ schema, table, column }) => ({ schema, table, column })),
      })),
      examples: (
        this.#db
          .prepare('SELECT question, sql FROM knowledge_examples WHERE source_id = ? ORDER BY id')
          .all(sourceId) as { question: string; sql: string }[]
      ).map(({ question, sql }) => ({ question, sql })),
    };
  }

  /**
   * Merges imported knowledge (a pack's): notes and terms replace the ones of the same object or term, examples are
   * added unless the same question and SQL is there. Runs inside the caller's transaction when there is one; the
   * limits are checked before anything is written.
   */
  merge(sourceId: string, content: KnowledgeContent): { notes: number; glossary: number; examples: number } {
    const db = this.#db;
    return db.transaction(() => {
      const now = new Date().toISOString();
      const note = db.prepare(
        `INSERT INTO knowledge_notes (source_id, schema_name, table_name, target, column_name, text, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(source_id, schema_name, table_name, target, column_name) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at`,
      );
      for (const entry of content.notes)
        note.run(sourceId, entry.schema, entry.table, targetKind(entry), entry.column ?? '', entry.text, now);
      const term = db.prepare(
        `INSERT INTO knowledge_glossary (source_id, term, definition, links_json, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(source_id, term) DO UPDATE SET definition = excluded.definition, links_json = excluded.links_json, updated_at = excluded.updated_at`,
      );
      for (const entry of content.glossary)
        term.run(
          sourceId,
          entry.term,
          entry.definition,
          JSON.stringify(entry.links.map(({ schema, table, column }) => ({ schema, table, column }))),
          now,
        );
      const same = db.prepare('SELECT 1 FROM knowledge_examples WHERE source_id = ? AND question = ? AND sql = ?');
      const example = db.prepare(
        'INSERT INTO knowledge_examples (source_id, question, sql, created_at, updated_at) VALUES (?, ?, ?, ?, ?)',
      );
      let examples = 0;
      for (const entry of content.examples) {
        if (same.get(sourceId, entry.question, entry.sql)) continue;
        example.run(sourceId, entry.question, entry.sql, now, now);
        examples += 1;
      }
      this.#checkRoom('knowledge_notes', sourceId, KNOWLEDGE_LIMITS.notesPerSource, 'notes', 0);
      this.#checkRoom('knowledge_glossary', sourceId, KNOWLEDGE_LIMITS.termsPerSource, 'glossary terms', 0);
      this.#checkRoom('knowledge_examples', sourceId, KNOWLEDGE_LIMITS.examplesPerSource, 'examples', 0);
      this.#bump(sourceId);
      return { notes: content.notes.length, glossary: content.glossary.length, examples };
    })();
  }

  /** Refuses when `adding` more rows would pass the limit (the transaction around it rolls back what was written). */
  #checkRoom(
    table: 'knowledge_notes' | 'knowledge_glossary' | 'knowledge_examples',
    sourceId: string,
    limit: number,
    what: string,
    adding = 1,
  ): void {
    const { n } = this.#db.prepare(`SELECT count(*) AS n FROM ${table} WHERE source_id = ?`).get(sourceId) as {
      n: number;
    };
    if (n + adding > limit)
      throw new AppError('invalid_input', `A source keeps at most ${limit} ${what}: remove some first.`);
  }

  #multiSchema(sourceId: string): boolean {
    const latest = this.#catalog.latestSnapshot(sourceId);
    if (!latest) return false;
    const { n } = this.#db
      .prepare('SELECT count(DISTINCT schema_name) AS n FROM catalog_tables WHERE snapshot_id = ?')
      .get(latest.id) as { n: number };
    return n > 1;
  }

  /** Whether a table or column exists in the latest snapshot. */
  #names(sourceId: string): { has(target: ObjectTarget): boolean } {
    const snapshotId = this.#catalog.latestSnapshot(sourceId)?.id ?? -1;
    const table = this.#db.prepare(
      'SELECT 1 FROM catalog_tables WHERE snapshot_id = ? AND schema_name = ? AND table_name = ?',
    );
    const column = this.#db.prepare(
      'SELECT 1 FROM catalog_columns WHERE snapshot_id = ? AND schema_name = ? AND table_name = ? AND column_name = ?',
    );
    return {
      has: (target) =>
        Boolean(
          target.column === null
            ? table.get(snapshotId, target.schema, target.table)
            : column.get(snapshotId, target.schema, target.table, target.column),
        ),
    };
  }
}

interface ExampleRow {
  id: number;
  source_id: string;
  question: string;
  sql: string;
  created_at: string;
  updated_at: string;
}

function targetKind(target: { readonly column: string | null }): 'table' | 'column' {
  return target.column === null ? 'table' : 'column';
}
