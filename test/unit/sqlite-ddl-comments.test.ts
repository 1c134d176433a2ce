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
    expect(Object.fromEntries(columns)).toEqual({
      'Order ID': 'Which order',
      'Unit Price': 'Price -- with dashes',
      note: 'Free text',
      'say "hi"': 'quoted quotes',
    });
  });

  it('copes with no SQL and no comments', () => {
    expect(parseDdlComments(null).columns.size).toBe(0);
    expect(parseDdlComments('CREATE TABLE t (a, b)').table).toBeNull();
  });

  it('keeps the comments of quoted columns named like table constraints, and undoubles only the opening quote', () => {
    const sql = `CREATE TABLE t ( -- about t
  "primary" INTEGER, -- first
  \`check\` TEXT, -- second
  [unique] TEXT, -- third
  "a\`\`b" TEXT, -- fourth
  \`c""d\` TEXT, -- fifth
  PRIMARY KEY ("primary") -- a constraint, not a column
)`;
    expect(Object.fromEntries(parseDdlComments(sql).columns)).toEqual({
      primary: 'first',
      check: 'second',
      unique: 'third',
      'a``b': 'fourth',
      'c""d': 'fifth',
    });
  });
});
