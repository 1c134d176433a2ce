import { describe, expect, it } from 'vitest';
import type { QueryResult } from '../../shared/ipc-contract.ts';
import {
  chartData,
  columnKind,
  defaultSpec,
  MAX_BARS,
  MAX_SCATTER_POINTS,
} from '../../renderer/src/components/chart-data.ts';

function result(columns: { name: string; type: string }[], rows: QueryResult['rows']): QueryResult {
  return { queryId: 'q', columns, rows, rowCount: rows.length, truncated: false, ms: 1 };
}

const STATUSES = ['paid', 'shipped', 'returned'];
// 100,000 rows as PostgreSQL sends them: timestamps as text, NUMERIC as exact text
const big = result(
  [
    { name: 'placed_at', type: 'timestamp' },
    { name: 'amount', type: 'numeric' },
    { name: 'status', type: 'varchar' },
    { name: 'n', type: 'int4' },
  ],
  Array.from({ length: 100_000 }, (_, index) => [
    `2024-01-${String(1 + (index % 28)).padStart(2, '0')} ${String(index % 24).padStart(2, '0')}:00:00`,
    (((index * 37) % 50_000) / 100).toFixed(2),
    STATUSES[index % 3]!,
    index,
  ]),
);

describe('charts of a result: picked by column type, reduced on 100,000 rows, and saying how', () => {
  it('reads column kinds from types, and from values where the type says nothing', () => {
    expect([0, 1, 2, 3].map((column) => columnKind(big, column))).toEqual(['time', 'number', 'category', 'number']);
    const untyped = result(
      [
        { name: 'd', type: '' },
        { name: 'x', type: '' },
      ],
      [
        ['2024-05-01', '12.50'],
        ['2024-05-02', null],
      ],
    );
    expect([columnKind(untyped, 0), columnKind(untyped, 1)]).toEqual(['time', 'number']);
  });

  it('picks line for time and a number, bar for a category and a number, scatter for two numbers', () => {
    expect(defaultSpec(big)).toMatchObject({ type: 'line', x: 0, y: 1 });
    expect(
      defaultSpec(
        result(
          [
            { name: 'country', type: 'text' },
            { name: 'total', type: 'numeric' },
          ],
          [['DE', '1']],
        ),
      ),
    ).toMatchObject({ type: 'bar', x: 0, y: 1, aggregate: 'sum' });
    expect(
      defaultSpec(
        result(
          [
            { name: 'a', type: 'float8' },
            { name: 'b', type: 'int4' },
          ],
          [[1, 2]],
        ),
      ),
    ).toMatchObject({ type: 'scatter' });
    expect(
      defaultSpec(result([{ name: 'blob', type: 'bytea' }], [[{ type: 'binary', bytes: 1, hex: '00' }]])),
    ).toMatchObject({ type: 'bar', y: -1, aggregate: 'count' });
  });

  it('aggregates bars exactly, averages lines into buckets and samples scatters, in well under a second each', () => {
    const started = performance.now();
    const bars = chartData(big, { type: 'bar', x: 2, y: 1, aggregate: 'sum' });
    const line = chartData(big, { type: 'line', x: 0, y: 1, aggregate: 'avg' });
    const scatter = chartData(big, { type: 'scatter', x: 3, y: 1, aggregate: 'sum' });
    expect(performance.now() - started).toBeLessThan(2000); // three charts of 100,000 rows; the browser shows each one's time
    const expected = new Map<string, number>();
    big.rows.forEach((row) => expected.set(row[2] as string, (expected.get(row[2] as string) ?? 0) + Number(row[1])));
    expect(bars.categories!.slice().sort()).toEqual(['paid', 'returned', 'shipped']);
    bars.categories!.forEach((category, index) => expect(bars.ys[index]).toBeCloseTo(expected.get(category)!, 3));
    expect(bars.note).toBe('Aggregated 100,000 rows into 3 bars (sum of amount).');
    expect(line.xs.length).toBeLessThanOrEqual(1000);
    expect(line.xs).toEqual([...line.xs].sort((a, b) => a - b));
    expect(line.note).toMatch(/^Averaged 100,000 rows into [\d,]+ buckets of equal width\.$/);
    expect(scatter.xs).toHaveLength(MAX_SCATTER_POINTS);
    expect(scatter.note).toBe('Sampled 5,000 of 100,000 rows, evenly spread.');
  });

  it('keeps the largest bars and adds up the rest into one', () => {
    const many = result(
      [{ name: 'k', type: 'text' }],
      Array.from({ length: 500 }, (_, index) => [`key${index % 100}`]),
    );
    const bars = chartData(many, { type: 'bar', x: 0, y: -1, aggregate: 'count' });
    expect(bars.categories).toHaveLength(MAX_BARS + 1);
    expect(bars.categories!.at(-1)).toBe('(60 others)');
    expect(bars.ys.reduce((sum, value) => sum! + value!, 0)).toBe(500);
    expect(bars.note).toMatch(/the smallest 60 groups are one bar/);
  });
});
