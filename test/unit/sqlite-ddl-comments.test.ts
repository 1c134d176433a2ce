import { describe, expect, it } from 'vitest';
import { parseDdlComments } from '../../electron/engine/sources/sqlite/sqlite-ddl-comments.ts';

describe('SQLite DDL comments', () => {
  it('reads table and column comments written as -- comments', () => {
    const sql = `CREATE TABLE "Order Details" ( -- Legacy import
  "Order ID" INTEGER NOT NULL, -- Which order
  [Unit Price] NUMERIC, -- Price -- with dashes
  \`qty\` INTEGER,
  note TEXT DEFAULT '-- not a comment', -- Free text
  "say ""hi""" TEXT, -- quoted quotes
  FOREIGN KEY ("Order ID") REFERENCES o (id) -- not a column
)`;
    const { table, columns } = parseDdlComments(sql);
    expect(table).toBe('Legacy import');
    expect(Object.fromEntries(columns)).toEqual({ 'Order ID': 'Which order', 'Unit Price': 'Price -- with dashes', note: 'Free text', 'say "hi"': 'quoted quotes' });
  });

  it('copes with no SQL and no comments', () => {
    expect(parseDdlComments(null).columns.size).toBe(0);
    expect(parseDdlComments('CREATE TABLE t (a, b)').table).toBeNull();
  });
});
