import { createHash } from 'node:crypto';
import { tableId, type SchemaSnapshot, type TableInfo } from '../../../shared/schema-types.ts';
import { expandIdentifier } from './identifier-words.ts';

export interface EmbeddingDocument {
  /** {@link itemId}: stable across runs, unambiguous whatever the names hold. */
  readonly id: string;
  readonly kind: 'table' | 'column';
  readonly schema: string;
  readonly table: string;
  readonly column: string | null;
  readonly text: string;
  /** sha256 of the text: with provider, model and dimensions it is the cache key. */
  readonly hash: string;
}

const MAX_COMMENT_CHARS = 400;
const MAX_LISTED_COLUMNS = 40;

function clip(text: string | null, max = MAX_COMMENT_CHARS): string {
  if (!text) return '';
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

/**
 * `table:["schema","table"]` or `column:["schema","table","column"]`. JSON, because names may hold dots: with
 * `schema.table.column`, table `a.b` column `c` and table `a` column `b.c` would share an id.
 */
export function itemId(schema: string, table: string, column: string | null = null): string {
  return column === null
    ? `table:${JSON.stringify([schema, table])}`
    : `column:${JSON.stringify([schema, table, column])}`;
}

function hashOf(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * The table's document: its name (raw and expanded), comment, key columns, relations and the names of its columns.
 * Deterministic: the same table always gives the same text and hash.
 */
export function tableDocumentText(table: TableInfo, incoming: readonly string[]): string {
  const lines = [`table ${table.schema}.${table.name} (${expandIdentifier(table.name)})`];
  if (table.kind === 'view') lines.push('view');
  const comment = clip(table.comment);
  if (comment) lines.push(`comment: ${comment}`);
  if (table.primaryKey.length > 0) lines.push(`key: ${table.primaryKey.join(', ')}`);
  const references = table.foreignKeys.map((fk) => `${fk.refTable} (${expandIdentifier(fk.refTable)})`);
  if (references.length > 0) lines.push(`references: ${[...new Set(references)].join(', ')}`);
  if (incoming.length > 0) lines.push(`referenced by: ${[...new Set(incoming)].slice(0, 20).join(', ')}`);
  const columns = table.columns.slice(0, MAX_LISTED_COLUMNS).map((column) => column.name);
  lines.push(
    `columns: ${columns.join(', ')}${table.columns.length > MAX_LISTED_COLUMNS ? ` and ${table.columns.length - MAX_LISTED_COLUMNS} more` : ''}`,
  );
  return lines.join('\n');
}

/** One document per table and one per column, for a whole snapshot. */
export function buildDocuments(snapshot: Pick<SchemaSnapshot, 'tables'>): EmbeddingDocument[] {
  return [...documentsOf([...snapshot.tables])];
}

/**
 * The same documents one at a time, table by table; each entry of `tables` is cleared once its documents are made, so
 * a caller that owns the array holds the schema and its documents never both whole (W10k: ~0.5 GB less at once).
 */
export function* documentsOf(tables: (TableInfo | undefined)[]): Generator<EmbeddingDocument> {
  const incoming = incomingReferences(tables);
  for (let at = 0; at < tables.length; at += 1) {
    const table = tables[at];
    if (!table) continue;
    tables[at] = undefined;
    yield* tableDocuments(table, incoming.get(tableId(table.schema, table.name)) ?? []);
  }
}

/** The tables that reference each table, by tableId (not `schema.table`: names may hold dots). */
function incomingReferences(tables: readonly (TableInfo | undefined)[]): Map<string, string[]> {
  const incoming = new Map<string, string[]>();
  for (const table of tables) {
    for (const fk of table?.foreignKeys ?? []) {
      const key = tableId(fk.refSchema, fk.refTable);
      const list = incoming.get(key) ?? [];
      list.push(table!.name);
      incoming.set(key, list);
    }
  }
  return incoming;
}

/** A table's document, then one per column. */
function tableDocuments(table: TableInfo, incoming: readonly string[]): EmbeddingDocument[] {
  const tableText = tableDocumentText(table, incoming);
  const documents: EmbeddingDocument[] = [
    {
      id: itemId(table.schema, table.name),
      kind: 'table',
      schema: table.schema,
      table: table.name,
      column: null,
      text: tableText,
      hash: hashOf(tableText),
    },
  ];
  const tableWords = expandIdentifier(table.name);
  const tableComment = clip(table.comment, 120);
  const foreign = new Map(
    table.foreignKeys.flatMap((fk) =>
      fk.columns.map((column, index) => [column, `${fk.refTable}.${fk.refColumns[index] ?? ''}`] as const),
    ),
  );
  const primary = new Set(table.primaryKey);
  for (const column of table.columns) {
    const lines = [
      `column ${table.name}.${column.name} (${expandIdentifier(column.name)})`,
      `type: ${column.type}${primary.has(column.name) ? ', primary key' : ''}${column.nullable ? '' : ', not null'}`,
    ];
    const comment = clip(column.comment);
    if (comment) lines.push(`comment: ${comment}`);
    if (foreign.has(column.name)) lines.push(`references: ${foreign.get(column.name)}`);
    lines.push(`in table ${table.name} (${tableWords})${tableComment ? `: ${tableComment}` : ''}`);
    const text = lines.join('\n');
    documents.push({
      id: itemId(table.schema, table.name, column.name),
      kind: 'column',
      schema: table.schema,
      table: table.name,
      column: column.name,
      text,
      hash: hashOf(text),
    });
  }
  return documents;
}
