import type { ModelColumn, ModelTable, SchemaModel, ValueKind } from '../../electron/engine/demo/schema-model.ts';

/** The reference workloads of targets.md: W200 = 200 tables x 50 columns, W1000 = 1,000 x 100, W10k = 10,000 x 50. */
export const WORKLOADS = {
  w200: { tables: 200, columns: 50 },
  w1000: { tables: 1000, columns: 100 },
  /** The largest schemas (ERP, warehouses): 500,000 columns. Benchmarks only (`npm run bench -- --suite largest-schemas`). */
  w10k: { tables: 10000, columns: 50 },
} as const;

export type WorkloadName = keyof typeof WORKLOADS;

/** Bumped whenever the generated workload changes; written into the first table's comment so caches notice. */
export const WORKLOAD_VERSION = 2;
export const WORKLOAD_MARKER = `generator v${WORKLOAD_VERSION}`;

const ENTITIES = [
  ['cust_acct', 'customer account'],
  ['ord_hdr', 'order header'],
  ['ord_ln', 'order line'],
  ['invc', 'invoice'],
  ['pmt', 'payment'],
  ['rfnd', 'refund'],
  ['shpmt', 'shipment'],
  ['itm', 'item'],
  ['whse', 'warehouse'],
  ['vndr', 'vendor'],
  ['emp', 'employee'],
  ['dept', 'department'],
  ['gl_jrnl', 'journal entry'],
  ['bdgt', 'budget'],
  ['tkt', 'support ticket'],
  ['cmpgn', 'campaign'],
  ['lead', 'lead'],
  ['cntrct', 'contract'],
  ['asset', 'fixed asset'],
  ['prj', 'project'],
] as const;

const ATTRIBUTES: [abbr: string, words: string, kind: ValueKind][] = [
  ['amt', 'amount', 'money'],
  ['qty', 'quantity', 'qty'],
  ['dt', 'date', 'date'],
  ['ts', 'timestamp', 'ts'],
  ['cd', 'code', 'code'],
  ['nm', 'name', 'str'],
  ['desc', 'description', 'text'],
  ['flg', 'flag', 'flag'],
  ['cnt', 'count', 'int'],
  ['pct', 'percent', 'pct'],
  ['stat', 'status', 'status'],
  ['ccy', 'currency', 'currency'],
  ['cntry', 'country', 'country'],
  ['email', 'email address', 'email'],
  ['ref_no', 'reference number', 'code'],
  ['big', 'large counter', 'big'],
];

/** Table names that trip naive tools, placed at fixed positions. */
const AWKWARD_NAMES: Record<number, string> = {
  3: 'order',
  4: 'group',
  5: 'select',
  7: 'Order Details',
  11: 'größe_übersicht',
  13: "o'hara_ledger",
};

/**
 * Generates a workload deterministically: every table has a primary key, a foreign key to the previous table (a
 * chain), one secondary index, a comment on the table and on every column, and a few awkward names.
 */
export function workloadSchema(tableCount: number, columnsPerTable: number): SchemaModel {
  const tables: ModelTable[] = [];
  for (let t = 0; t < tableCount; t += 1) {
    const [entity, entityWords] = ENTITIES[t % ENTITIES.length]!;
    const name = AWKWARD_NAMES[t] ?? `t${String(t + 1).padStart(4, '0')}_${entity}`;
    const columns: ModelColumn[] = [
      { name: 'id', kind: 'id', nullable: false, comment: `Primary key of ${entityWords}` },
    ];
    if (t > 0)
      columns.push({
        name: 'prev_id',
        kind: 'int',
        nullable: true,
        comment: `Link to the previous table ${tables[t - 1]!.name}`,
        ref: tables[t - 1]!.name,
      });
    for (let c = columns.length; c < columnsPerTable; c += 1) {
      const [abbr, words, kind] = ATTRIBUTES[(c + t) % ATTRIBUTES.length]!;
      const columnName =
        c === 9 && t % 10 === 0
          ? `Unit Price ${c}`
          : c === 10 && t % 10 === 0
            ? 'from'
            : `${entity.split('_')[0]}_${abbr}_${c}`;
      columns.push({ name: columnName, kind, nullable: c % 3 === 0, comment: `${words} ${c} of the ${entityWords}` });
    }
    tables.push({
      name,
      comment: `${entityWords} data, table ${t + 1} of ${tableCount}${t === 0 ? ` (${WORKLOAD_MARKER})` : ''}`,
      columns,
      index: [columns[2]!.name],
      rows: 0,
    });
  }
  return { tables, views: [] };
}
