import { describe, expect, it } from 'vitest';
import type { TableInfo } from '../../shared/schema-types.ts';
import { ValueIndex } from '../../electron/engine/ask/value-index.ts';
import { parsePostgresArray, profiledColumns } from '../../electron/engine/ask/value-profiler.ts';

const column = (name: string, type = 'text') => ({
  name,
  ordinal: 1,
  type,
  nullable: true,
  defaultValue: null,
  comment: null,
});
const table = (name: string, columns: ReturnType<typeof column>[], primaryKey: string[] = []): TableInfo => ({
  schema: 'main',
  name,
  kind: 'table',
  comment: null,
  rowEstimate: null,
  columns,
  primaryKey,
  foreignKeys: [],
  indexes: [],
});

describe('value profiles', () => {
  const tables = [
    table('schools', [column('id', 'int'), column('county'), column('status')], ['id']),
    table('domain', [column('did', 'int'), column('name')]),
    table('constructor', [column('__proto__'), column('toString')]),
  ];
  const index = new ValueIndex(tables, [
    {
      schema: 'main',
      table: 'schools',
      column: 'county',
      values: ['Alameda', 'Contra Costa', 'Fresno'],
      origin: 'sample',
    },
    { schema: 'main', table: 'schools', column: 'status', values: ['Active', 'Closed', 'first'], origin: 'statistics' },
    { schema: 'main', table: 'domain', column: 'name', values: ['Machine Learning', 'Data Science'], origin: 'sample' },
    { schema: 'main', table: 'constructor', column: '__proto__', values: ['constructor', 'valueOf'], origin: 'sample' },
    { schema: 'main', table: 'gone', column: 'x', values: ['Alameda'], origin: 'sample' },
  ]);

  it('finds the column of a value the question names: phrases, names and quoted words', () => {
    const hits = (question: string) =>
      index
        .search(question)
        .map((hit) => `${tables[hit.table]!.name}.${tables[hit.table]!.columns[hit.column]!.name}=${hit.value}`)
        .sort();
    expect(hits('How many schools are in Alameda?')).toEqual(['schools.county=Alameda']);
    expect(hits('schools in contra costa county')).toEqual(['schools.county=Contra Costa']);
    expect(hits('authors in the domain "Machine Learning"')).toEqual(['domain.name=Machine Learning']);
    expect(hits("schools whose status is 'closed'")).toEqual(['schools.status=Closed']);
    // Ordinary lower-case words are not taken for values: "first" and "active" are everyday words.
    expect(hits('the first active schools')).toEqual([]);
    expect(hits('First, list the schools')).toEqual([]);
    // Strangers' names and values are data: no prototype lookups.
    expect(hits('rows where it is "valueOf"')).toEqual(['constructor.__proto__=valueOf']);
    expect(hits('rows where it is "hasOwnProperty"')).toEqual([]);
    expect(index.valuesOf(0, 1)).toEqual(['Alameda', 'Contra Costa', 'Fresno']);
  });

  it('profiles text columns only, never keys or sensitive ones', () => {
    const people = table(
      'people',
      [
        column('id', 'int'),
        column('customer_id', 'varchar(20)'),
        column('city'),
        column('password_hash'),
        column('email'),
        column('notes', 'jsonb'),
        column('tier', "enum('a','b')"),
      ],
      ['id'],
    );
    expect(profiledColumns(people)).toEqual(['city', 'tier']);
  });

  it('reads PostgreSQL array literals', () => {
    expect(parsePostgresArray('{a,"b c",NULL,"d\\"e","x,y"}')).toEqual(['a', 'b c', 'd"e', 'x,y']);
    expect(parsePostgresArray('{}')).toEqual([]);
    expect(parsePostgresArray('not an array')).toEqual([]);
  });
});
