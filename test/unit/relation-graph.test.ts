import { describe, expect, it } from 'vitest';
import { contract } from '../../shared/ipc-contract.ts';
import type { TableInfo } from '../../shared/schema-types.ts';
import { JoinGraph } from '../../electron/engine/search/join-graph.ts';
import { relationGraph } from '../../electron/engine/ask/relation-graph.ts';

function table(name: string, columns: string[], foreignKeys: { column: string; to: string }[] = []): TableInfo {
  return {
    schema: 'public',
    name,
    kind: 'table',
    comment: null,
    rowEstimate: 1000,
    columns: columns.map((column, ordinal) => ({
      name: column,
      ordinal: ordinal + 1,
      type: 'integer',
      nullable: false,
      defaultValue: null,
      comment: null,
    })),
    primaryKey: ['id'],
    foreignKeys: foreignKeys.map(({ column, to }) => ({
      name: `${name}_${column}_fk`,
      columns: [column],
      refSchema: 'public',
      refTable: to,
      refColumns: ['id'],
    })),
    indexes: [],
  };
}

/** 10,000 tables: every `t_N` references `customers` (declared), and names `orders` by `order_id` (inferred). */
function bigSchema(): TableInfo[] {
  const tables = [
    table('customers', ['id', 'name']),
    table('orders', ['id', 'customer_id', 'total'], [{ column: 'customer_id', to: 'customers' }]),
  ];
  for (let index = 0; index < 9_998; index += 1)
    tables.push(
      table(`t_${index}`, ['id', 'customer_id', 'order_id', 'note'], [{ column: 'customer_id', to: 'customers' }]),
    );
  return tables;
}

describe('relationship pictures are always scoped', () => {
  const tables = bigSchema();
  const graph = new JoinGraph(tables);

  it('draws a hub of a 10,000-table schema as at most the limit, counts what it left out, and stays instant', () => {
    const median = (run: () => unknown) => {
      const times = Array.from({ length: 5 }, () => {
        const started = performance.now();
        run();
        return performance.now() - started;
      }).sort((a, b) => a - b);
      return times[2]!;
    };
    const picture = relationGraph(tables, graph, { focus: { schema: 'public', table: 'customers' }, depth: 2 });
    // the hub (10,000 neighbours) is the worst case; a table with a few neighbours costs next to nothing
    const hubMs = median(() =>
      relationGraph(tables, graph, { focus: { schema: 'public', table: 'customers' }, depth: 2 }),
    );
    const leafMs = median(() => relationGraph(tables, graph, { focus: { schema: 'public', table: 't_5' }, depth: 1 }));
    expect(picture.tables.length).toBe(40);
    expect(picture.limit).toBe(40);
    expect(picture.omitted).toBe(10_000 - 40);
    expect(picture.tables[0]).toMatchObject({ name: 'customers', depth: 0 });
    expect(picture.tables.find((entry) => entry.name === 'orders')).toMatchObject({ depth: 1 });
    expect(hubMs).toBeLessThan(150);
    expect(leafMs).toBeLessThan(10);
  });

  it('shows key and join columns only, declared and inferred relations among the drawn tables', () => {
    const picture = relationGraph(tables, graph, { focus: { schema: 'public', table: 't_7' }, depth: 1 });
    expect(picture.tables.map((entry) => entry.name).sort()).toEqual(['customers', 'orders', 't_7']);
    const t7 = picture.tables.find((entry) => entry.name === 't_7')!;
    expect(t7.columns.map((column) => column.name)).toEqual(['id', 'customer_id', 'order_id']);
    expect(t7.otherColumns).toBe(1);
    const byTarget = new Map(
      picture.relations
        .filter((relation) => relation.from.endsWith('t_7'))
        .map((relation) => [relation.to.split('\u0000')[1], relation.inferred]),
    );
    expect(byTarget.get('customers')).toBe(false);
    expect(byTarget.get('orders')).toBe(true);
    // orders -> customers is drawn too: both ends are in the picture
    expect(
      picture.relations.some((relation) => relation.from.endsWith('orders') && relation.to.endsWith('customers')),
    ).toBe(true);
  });

  it('draws the tables of a context, by schema.table or by a name that is unambiguous', () => {
    const picture = relationGraph(tables, graph, { tables: ['public.orders', 'customers', 'no_such_table'] });
    expect(picture.tables.map((entry) => entry.name)).toEqual(['orders', 'customers']);
    expect(picture.relations).toHaveLength(1);
  });

  it('refuses what would draw everything or nothing, with the reason', () => {
    expect(() => relationGraph(tables, graph, {})).toThrow(/whole schema is never drawn/);
    expect(() => relationGraph(tables, graph, { focus: { schema: 'public', table: 'nope' } })).toThrow(
      /No table public\.nope/,
    );
    expect(() => relationGraph(tables, graph, { focus: { schema: 'public', table: 'customers' }, depth: 3 })).toThrow(
      /1 or 2 hops/,
    );
    expect(() => relationGraph(tables, graph, { tables: ['gone.a', 'gone.b'] })).toThrow(/None of these tables/);
    const request = contract['schema/graph'].request;
    expect(
      request.safeParse({ sourceId: 's', focus: { schema: 'public', table: 'customers' }, depth: 3 }).error?.issues[0]
        ?.message,
    ).toBe('The depth is 1 or 2 hops.');
    expect(
      request.safeParse({ sourceId: 's', tables: Array.from({ length: 151 }, (_, index) => `t_${index}`) }).error
        ?.issues[0]?.message,
    ).toBe('At most 150 tables can be drawn at once.');
    expect(request.safeParse({ sourceId: 's', limit: 10_000 }).success).toBe(false);
  });
});
