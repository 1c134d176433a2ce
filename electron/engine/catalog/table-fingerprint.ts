import { createHash } from 'node:crypto';
import type { ColumnInfo, TableInfo } from '../../../shared/schema-types.ts';

/** A stable hash of everything that describes a table; equal fingerprints mean nothing needs re-indexing. */
export function tableFingerprint(table: TableInfo): string {
  const canonical = JSON.stringify([
    table.schema,
    table.name,
    table.kind,
    table.comment,
    table.columns.map(columnCanonical),
    table.primaryKey,
    table.foreignKeys.map((fk) => [fk.name, fk.columns, fk.refSchema, fk.refTable, fk.refColumns]),
    [...table.indexes]
      .sort((a, b) => (a.name < b.name ? -1 : 1))
      .map((index) => [index.name, index.columns, index.unique, index.primary]),
  ]);
  return createHash('sha1').update(canonical).digest('hex');
}

export function columnFingerprint(column: ColumnInfo): string {
  return createHash('sha1')
    .update(JSON.stringify(columnCanonical(column)))
    .digest('hex');
}

function columnCanonical(column: ColumnInfo): unknown[] {
  return [column.name, column.type, column.nullable, column.defaultValue, column.comment];
}
