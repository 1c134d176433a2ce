import { describe, expect, it } from 'vitest';
import type { TableInfo } from '../../shared/schema-types.ts';
import { columnPrefixOf, withoutPrefix } from '../../electron/engine/search/column-prefix.ts';
import { JoinGraph } from '../../electron/engine/search/join-graph.ts';
import { tableId } from '../../shared/schema-types.ts';
import { LexicalIndex } from '../../electron/engine/search/lexical-index.ts';
import { rankTables } from '../../electron/engine/ask/retriever.ts';
import { packContext } from '../../electron/engine/ask/context-packer.ts';
import { asksAboutTime, holdsTime } from '../../electron/engine/ask/time-intent.ts';
import { tokensOf } from '../helpers/token-count.ts';

function table(schema: string, name: string, columns: [string, string][], primaryKey: string[] = []): TableInfo {
  return {
    schema,
    name,
    kind: 'table',
    comment: null,
    rowEstimate: 100,
    columns: columns.map(([columnName, type], index) => ({
      name: columnName,
      ordinal: index + 1,
      type,
      nullable: true,
      defaultValue: null,
      comment: null,
    })),
    primaryKey,
    foreignKeys: [],
    indexes: [],
  };
}

/**
 * A lending library written `lbMember(lbMbrId, lbMbrName, ...)` in its DDL and folded to lower case by PostgreSQL,
 * no foreign keys; beside it a schema of plainly named distractors that share the question's words.
 */
function library(): TableInfo[] {
  return [
    table(
      'lib',
      'lbmember',
      [
        ['lbmbrid', 'integer'],
        ['lbmbrname', 'text'],
        ['lbmbrcity', 'text'],
        ['lbmbrcountry', 'text'],
        ['lbmbrjoined', 'date'],
      ],
      ['lbmbrid'],
    ),
    table(
      'lib',
      'lbbook',
      [
        ['lbbkid', 'integer'],
        ['lbbktitle', 'text'],
        ['lbbkauthor', 'text'],
        ['lbbkgenre', 'text'],
      ],
      ['lbbkid'],
    ),
    table(
      'lib',
      'lbloan',
      [
        ['lblnid', 'integer'],
        ['lblnmbrid', 'integer'],
        ['lblnbkid', 'integer'],
        ['lblnfee', 'numeric(8,2)'],
        ['lblnstamp', 'timestamp without time zone'],
        ['lblnstatus', 'text'],
      ],
      ['lblnid'],
    ),
    table('lib', 'lbbranch', [
      ['lbbrid', 'integer'],
      ['lbbrname', 'text'],
      ['lbbrcity', 'text'],
      ['lbbrphone', 'text'],
    ]),
    ...Array.from({ length: 30 }, (_unused, index) =>
      table(
        `shop_${index}`,
        index % 2 === 0 ? 'members' : 'loans',
        [
          ['id', 'integer'],
          ['member_name', 'text'],
          ['loan_fee', 'numeric'],
          ['country', 'text'],
          ['notes', 'text'],
        ],
        ['id'],
      ),
    ),
  ];
}

describe('tagged names: a shared tag before the names of a table or a schema', () => {
  it('finds the tag most names share, up to the last separator, and none where names share nothing', () => {
    expect(columnPrefixOf(['lblnid', 'lblnmbrid', 'lblnbkid', 'lblnfee', 'lblnstamp'])).toBe('lbln');
    expect(columnPrefixOf(['cust_id', 'cust_name', 'cust_city', 'cust_phone', 'email'])).toBe('cust_');
    // `order_d` is shared, but the tag stops after the separator: `date`, `day`, `dow` are the words.
    expect(columnPrefixOf(['order_date', 'order_day', 'order_dow', 'order_dom'])).toBe('order_');
    expect(columnPrefixOf(['id', 'name', 'price', 'created_at'])).toBe('');
    expect(columnPrefixOf(['ab1', 'ab2', 'ab3'])).toBe(''); // too few names to tell
    expect(columnPrefixOf(['x1', 'x2', 'x3', 'x4'])).toBe(''); // one letter is no tag
    // Two of five do not share it: not a tag of the table.
    expect(columnPrefixOf(['cust_id', 'cust_name', 'cust_city', 'email', 'phone'])).toBe('');
  });

  it('takes the tag off a name only when something is left, whatever the name', () => {
    expect(withoutPrefix('lblnMbrId', 'lbln')).toBe('mbrid');
    expect(withoutPrefix('lbln', 'lbln')).toBe('lbln');
    expect(withoutPrefix('constructor', '')).toBe('constructor');
    expect(withoutPrefix('__proto__x', '__proto__')).toBe('x');
  });

  it('infers joins from tagged keys: `lblnmbrid` -> the table tagged `lbmbr` whose key is `lbmbrid`', () => {
    const graph = new JoinGraph(library());
    const name = (id: string) => id.replace('\u0000', '.');
    const joins = graph
      .around(tableId('lib', 'lbloan'))
      .map((edge) => `${name(edge.from)}.${edge.fromColumns.join()} -> ${name(edge.to)}.${edge.toColumns.join()}`);
    expect(joins).toEqual(
      expect.arrayContaining([
        'lib.lbloan.lblnmbrid -> lib.lbmember.lbmbrid',
        'lib.lbloan.lblnbkid -> lib.lbbook.lbbkid',
      ]),
    );
    expect(graph.around(tableId('lib', 'lbloan')).every((edge) => edge.inferred)).toBe(true);
    // A table without a key owns nothing: no column points at `lbbranch`.
    expect(graph.around(tableId('lib', 'lbbranch'))).toEqual([]);
  });

  it('does not infer a join where two tables could own the stem', () => {
    const tables = [
      table(
        's',
        'aa',
        [
          ['aacatid', 'int'],
          ['aacatname', 'text'],
          ['aacatx', 'text'],
          ['aacaty', 'text'],
        ],
        ['aacatid'],
      ),
      table(
        's',
        'bb',
        [
          ['bbcatid', 'int'],
          ['bbcatname', 'text'],
          ['bbcatx', 'text'],
          ['bbcaty', 'text'],
        ],
        ['bbcatid'],
      ),
      table(
        's',
        'cc',
        [
          ['ccid', 'int'],
          ['cccatid', 'int'],
          ['ccname', 'text'],
          ['ccnote', 'text'],
        ],
        ['ccid'],
      ),
    ];
    expect(new JoinGraph(tables).around(tableId('s', 'cc'))).toEqual([]);
  });

  it("indexes a tagged name's own words: `lbloan` gives `loan`, `lblnfee` gives `fee`, as whole words", () => {
    const tables = library().filter((candidate) => candidate.schema === 'lib');
    const index = new LexicalIndex(tables);
    for (const word of ['loan', 'fee', 'member', 'countri', 'statu']) expect(index.idOf(word), word).toBeDefined();
    // Whole words score above a match inside a name: with distractors named plainly, the tagged table leads by far.
    const all = library();
    const hits = new LexicalIndex(all).search('loans').filter((hit) => hit.column === -1);
    const best = hits.reduce((top, hit) => (hit.score > top.score ? hit : top));
    const plain = Math.max(...hits.filter((hit) => all[hit.table]!.name === 'loans').map((hit) => hit.score));
    expect(all[best.table]!.name).toBe('lbloan');
    expect(best.score).toBeGreaterThan(2 * plain);
  });

  it('matches a plural whose Porter stem differs from its singular (`statuses` finds `status`)', () => {
    const tables = [
      table(
        's',
        'ticket',
        [
          ['id', 'int'],
          ['status', 'text'],
          ['opened', 'date'],
        ],
        ['id'],
      ),
    ];
    const hits = new LexicalIndex(tables).search('ticket statuses');
    expect(hits.some((hit) => hit.column === 1 && hit.score > 0)).toBe(true);
  });

  it('packs what a question about the tagged tables needs: both tables, the join keys, the fee and the date', () => {
    const tables = library();
    const graph = new JoinGraph(tables);
    const question = 'Total loan fee per member country in 2024';
    const ranked = rankTables({ tables, lexical: new LexicalIndex(tables), graph, question, vectorHits: [] });
    const packed = packContext({ engine: 'postgres', question, ranked, graph, budget: 400 });
    expect(packed.columns).toEqual(
      expect.arrayContaining([
        'lib.lbloan.lblnmbrid',
        'lib.lbloan.lblnfee',
        'lib.lbloan.lblnstamp',
        'lib.lbmember.lbmbrid',
        'lib.lbmember.lbmbrcountry',
      ]),
    );
    expect(packed.joins.map((join) => join.on)).toContain('lib.lbloan.lblnmbrid = lib.lbmember.lbmbrid');
    expect(tokensOf(packed.text, packed.encoding)).toBe(packed.tokens);
    expect(packed.tokens).toBeLessThanOrEqual(400);
  });
  it('lifts a matched table that joins a likelier one: "countries by loan fee" brings `lbmember` beside `lbloan`', () => {
    const tables = library();
    const graph = new JoinGraph(tables);
    const question = 'top countries by total loan fee';
    const ranked = rankTables({ tables, lexical: new LexicalIndex(tables), graph, question, vectorHits: [] });
    const loan = ranked.find((entry) => entry.table.name === 'lbloan')!;
    const member = ranked.find((entry) => entry.table.name === 'lbmember')!;
    expect(member.weight).toBeGreaterThanOrEqual(0.5 * loan.weight);
    // Lifted above the plainly named tables that match `country` too but join nothing likely.
    const distractors = ranked.filter((entry) => entry.table.name === 'members');
    expect(distractors.every((entry) => entry.weight <= member.weight)).toBe(true);
  });
});

describe('tagged names from strangers', () => {
  it('reads tags of names such as __proto__, constructor, toString, select, "a.b" and größe unharmed', () => {
    const tables = [
      table(
        'main',
        'toString',
        [
          ['__proto__id', 'integer'],
          ['__proto__name', 'text'],
          ['__proto__a.b', 'text'],
          ['__proto__größe', 'numeric'],
        ],
        ['__proto__id'],
      ),
      table(
        'main',
        'select',
        [
          ['constructorid', 'integer'],
          ['constructorprotoid', 'integer'],
          ['constructorgröße', 'numeric'],
          ['constructora.b', 'date'],
        ],
        ['constructorid'],
      ),
    ];
    expect(columnPrefixOf(tables[0]!.columns.map((column) => column.name))).toBe('__proto__');
    const graph = new JoinGraph(tables);
    expect(
      graph.around(tableId('main', 'select')).map((edge) => `${edge.fromColumns[0]} -> ${edge.toColumns[0]}`),
    ).toEqual(['constructorprotoid -> __proto__id']);
    const lexical = new LexicalIndex(tables);
    expect(lexical.idOf('größe')).toBeDefined();
    const question = 'größe of each proto by constructor in 2024';
    const ranked = rankTables({ tables, lexical, graph, question, vectorHits: [] });
    const packed = packContext({ engine: 'sqlite', question, ranked, graph, budget: 300 });
    expect(packed.tables.sort()).toEqual(['select', 'toString']);
    expect(packed.columns).toEqual(expect.arrayContaining(['select.constructorprotoid', 'toString.__proto__id']));
    expect(packed.text).toContain('"__proto__a.b"');
    expect(tokensOf(packed.text, packed.encoding)).toBe(packed.tokens);
    expect(Object.prototype).not.toHaveProperty('id');
  });
});

describe('questions about time', () => {
  it('tells a question about a period from one without', () => {
    for (const question of [
      'monthly revenue',
      'orders in the past 30 days',
      'sales in 2023',
      'tickets opened since 2024-01-05',
      'how many loans last week',
      'average fee per quarter',
      'when did each member join',
    ])
      expect(asksAboutTime(question), question).toBe(true);
    for (const question of ['top 5 countries by customers', 'members named Smith', 'books per genre', 'order 20 items'])
      expect(asksAboutTime(question), question).toBe(false);
  });

  it('finds time columns by type, and by name where the type says little', () => {
    expect(holdsTime({ name: 'lblnstamp', type: 'timestamp without time zone' })).toBe(true);
    expect(holdsTime({ name: 'joined', type: 'date' })).toBe(true);
    expect(holdsTime({ name: 'created_at', type: 'TEXT' })).toBe(true);
    expect(holdsTime({ name: 'OrderDate', type: '' })).toBe(true);
    expect(holdsTime({ name: 'order_dt', type: 'TEXT' })).toBe(true);
    expect(holdsTime({ name: 'at', type: 'TEXT' })).toBe(false);
    expect(holdsTime({ name: 'status', type: 'varchar(10)' })).toBe(false);
    expect(holdsTime({ name: 'updatecount', type: 'integer' })).toBe(false);
  });

  it('gives each matched table of a question about a period its time column, and none otherwise', () => {
    const tables = library();
    const graph = new JoinGraph(tables);
    const lexical = new LexicalIndex(tables);
    const stampOf = (question: string) => {
      const ranked = rankTables({ tables, lexical, graph, question, vectorHits: [] });
      const loan = ranked.find((entry) => entry.table.name === 'lbloan')!;
      return loan.columnScores[4]!;
    };
    expect(stampOf('loan fees per month')).toBeGreaterThan(0);
    expect(stampOf('loan fees per genre')).toBe(0);
  });
});
