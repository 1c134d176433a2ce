import { describe, expect, it } from 'vitest';
import { expandIdentifier, splitIdentifier } from '../../electron/engine/search/identifier-words.ts';
import { LocalEmbeddingProvider } from '../../electron/engine/search/local-provider.ts';
import { lexicalWords } from '../../electron/engine/search/identifier-words.ts';
import { LexicalIndex } from '../../electron/engine/search/lexical-index.ts';
import { extractSql } from '../../electron/engine/ask/sql-extract.ts';
import { ownValue } from '../../shared/own-value.ts';
import { completionNamespace } from '../../renderer/src/components/completion-namespace.ts';
import { parseConnectionUrl } from '../../electron/engine/sources/connection-url.ts';
import { toSourceError } from '../../electron/engine/sources/driver-errors.ts';
import type { TableInfo } from '../../shared/schema-types.ts';
import { buildDocuments } from '../../electron/engine/search/embedding-documents.ts';
import { openTableSql, tableReference } from '../../shared/sql-identifiers.ts';
import { packContext } from '../../electron/engine/ask/context-packer.ts';
import { JoinGraph } from '../../electron/engine/search/join-graph.ts';
import { rankTables } from '../../electron/engine/ask/retriever.ts';

/** Every own property name of Object.prototype, plus the ones that matter most: the words a plain-object lookup finds. */
export const PROTOTYPE_WORDS = [
  ...new Set([...Object.getOwnPropertyNames(Object.prototype), 'constructor', '__proto__', 'prototype']),
];

describe('words that are Object.prototype property names', () => {
  it('are plain words to the identifier splitter, the lexical words and the offline embedding', () => {
    const provider = new LocalEmbeddingProvider();
    for (const word of PROTOTYPE_WORDS) {
      for (const identifier of [word, `${word}Id`, `${word}_id`, `x_${word}`]) {
        expect(typeof expandIdentifier(identifier)).toBe('string');
        for (const part of lexicalWords(identifier)) expect(typeof part).toBe('string');
        const vector = provider.embedOne(identifier);
        expect(vector.every(Number.isFinite)).toBe(true);
      }
      expect(splitIdentifier(`${word}Id`).at(-1)).toBe('id');
    }
  });

  it('are found by the BM25 index like any other word', () => {
    const tables: TableInfo[] = PROTOTYPE_WORDS.map((word, index) => ({
      schema: 'main',
      name: `${word}_${index}`,
      kind: 'table',
      comment: `about ${word}`,
      rowEstimate: null,
      columns: [{ name: `${word}Id`, ordinal: 1, type: 'int', nullable: false, defaultValue: null, comment: null }],
      primaryKey: [`${word}Id`],
      foreignKeys: [],
      indexes: [],
    }));
    const index = new LexicalIndex(tables);
    const hits = index.search('constructor standings');
    expect(hits.some((hit) => tables[hit.table]!.name.startsWith('constructor'))).toBe(true);
  });

  it('find nothing in constant lookup tables', () => {
    for (const word of PROTOTYPE_WORDS) expect(ownValue({ a: 1 }, word)).toBeUndefined();
    for (const code of PROTOTYPE_WORDS)
      expect(toSourceError('mysql', Object.assign(new Error('boom'), { code }), 'here').kind).toBe('invalid_input');
  });

  it('stay ordinary keys in URL options and in the editor completion namespace', () => {
    const spec = parseConnectionUrl('postgres://u@h/db?__proto__=x&constructor=y&sslmode=require');
    expect(Object.getPrototypeOf(spec.options)).toBe(Object.prototype);
    expect(spec.options.sslmode).toBe('require');
    expect(Object.hasOwn(spec.options, '__proto__')).toBe(true);

    const namespace = completionNamespace([
      { schema: 'constructor', name: '__proto__', columns: ['toString'] },
      { schema: '__proto__', name: 'a.b', columns: ['c'] },
    ]) as Record<string, Record<string, string[]>>;
    expect(Object.keys(namespace).sort()).toEqual(['__proto__', 'constructor']);
    expect(namespace['constructor']!['__proto__']).toEqual(['toString']);
    expect(namespace['__proto__']!['a\\.b']).toEqual(['c']);
  });
});

describe('names that hold dots, and schemas off the search path', () => {
  const table = (schema: string, name: string, foreignKeys: TableInfo['foreignKeys'] = []): TableInfo => ({
    schema,
    name,
    kind: 'table',
    comment: null,
    rowEstimate: null,
    columns: [{ name: 'id', ordinal: 1, type: 'int', nullable: false, defaultValue: null, comment: null }],
    primaryKey: ['id'],
    foreignKeys,
    indexes: [],
  });

  it('keep `a.b`.`c` and `a`.`b.c` apart in the documents that are embedded', () => {
    const documents = buildDocuments({
      tables: [
        table('a.b', 'c'),
        table('a', 'b.c'),
        table('a', 'kid', [{ name: 'fk', columns: ['id'], refSchema: 'a.b', refTable: 'c', refColumns: ['id'] }]),
      ],
    });
    const text = (schema: string, name: string) =>
      documents.find((document) => document.kind === 'table' && document.schema === schema && document.table === name)!
        .text;
    expect(text('a.b', 'c')).toContain('referenced by: kid');
    expect(text('a', 'b.c')).not.toContain('referenced by');
  });

  it('write runnable table names: qualified where a bare name would not find the table', () => {
    expect(tableReference('postgres', 'Sales Data', 'order')).toBe('"Sales Data"."order"');
    expect(tableReference('mysql', 'ss_x', 'a`b')).toBe('`ss_x`.`a``b`');
    expect(tableReference('sqlite', 'main', 'a"b')).toBe('"a""b"');
    expect(openTableSql('postgres', { schema: 'hr', name: 'Order' }, 1)).toBe('SELECT * FROM hr."Order"');
    expect(openTableSql('postgres', { schema: 'public', name: 'order' }, 1)).toBe('SELECT * FROM "order"');
    expect(openTableSql('postgres', { schema: 'public', name: 'people' }, 2)).toBe('SELECT * FROM public.people');
    expect(openTableSql('mysql', { schema: 'ss_shop', name: 'constructor' }, 1)).toBe('SELECT * FROM constructor');
    expect(openTableSql('sqlite', { schema: 'main', name: 'a.b' }, 1)).toBe('SELECT * FROM "a.b"');
  });

  it('name a PostgreSQL table outside public with its schema in the context, even when it is the only schema', () => {
    const tables = [
      table('hr', 'people'),
      table('hr', 'toString', [
        { name: 'fk', columns: ['id'], refSchema: 'hr', refTable: 'people', refColumns: ['id'] },
      ]),
    ];
    const graph = new JoinGraph(tables);
    const ranked = rankTables({
      tables,
      lexical: new LexicalIndex(tables),
      graph,
      question: 'people toString',
      vectorHits: [],
    });
    const packed = packContext({
      engine: 'postgres',
      question: 'people toString',
      ranked,
      graph,
      budget: 2000,
      model: 'gpt-4o-mini',
    });
    expect(packed.text).toContain('hr.people(');
    expect(packed.text).toContain('hr."toString"(id int PK -> hr.people.id');
    const inPublic = [table('public', 'people')];
    const publicGraph = new JoinGraph(inPublic);
    const publicRanked = rankTables({
      tables: inPublic,
      lexical: new LexicalIndex(inPublic),
      graph: publicGraph,
      question: 'people',
      vectorHits: [],
    });
    expect(
      packContext({
        engine: 'postgres',
        question: 'people',
        ranked: publicRanked,
        graph: publicGraph,
        budget: 2000,
        model: 'gpt-4o-mini',
      }).text,
    ).toMatch(/^people\(/m);
  });
});

describe("quoted names in a model's answer", () => {
  it('keep the fenced SQL whole when a MySQL name is one backtick (written ````)', () => {
    expect(extractSql("Here:\n```sql\nSELECT `'x`, ```` FROM `'` ORDER BY 1\n```\nThat lists them.")).toBe(
      "SELECT `'x`, ```` FROM `'` ORDER BY 1",
    );
    expect(extractSql('````sql\nSELECT ```` FROM t\n````')).toBe('SELECT ```` FROM t');
  });

  it('still read fences closed on the SQL line, indented, or never closed', () => {
    expect(extractSql('```sql\nSELECT 1;```\nprose')).toBe('SELECT 1;');
    expect(extractSql('x ```sql\nSELECT 2\n  ```  \nmore ```sql\nSELECT 3\n```')).toBe('SELECT 2');
    expect(extractSql('```\nSELECT 4')).toBe('SELECT 4');
    expect(extractSql('SELECT 5')).toBe('SELECT 5');
  });
});
