import type { CellValue, QueryResult } from '../../../shared/ipc-contract.ts';

export type ColumnKind = 'time' | 'number' | 'category';
export type ChartType = 'bar' | 'line' | 'scatter';
export type Aggregate = 'sum' | 'avg' | 'count';

export interface ChartSpec {
  readonly type: ChartType;
  readonly x: number;
  /** A column index, or -1 for "count of rows". */
  readonly y: number;
  readonly aggregate: Aggregate;
}

/** What is drawn: x values (numbers; category positions for bars) and y values, with how the rows were reduced. */
export interface ChartData {
  readonly xs: number[];
  readonly ys: (number | null)[];
  /** Bar labels by position. */
  readonly categories: string[] | null;
  readonly xKind: ColumnKind;
  /** Said on screen: how many rows became how many points, and how (aggregated, averaged, sampled). */
  readonly note: string;
  readonly reduced: boolean;
}

/** Most bars shown; the rest are added into one "other" bar. */
export const MAX_BARS = 40;
/** A line with more points is averaged into this many buckets. */
export const LINE_BUCKETS = 1_000;
export const MAX_LINE_POINTS = 2_000;
/** A scatter with more rows shows an even sample of this many. */
export const MAX_SCATTER_POINTS = 5_000;

const TIME_TYPE = /date|time|timestamp/i;
const NUMBER_TYPE = /int|float|double|decimal|numeric|real|number|money|serial/i;
const TIME_TEXT = /^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}(:?\d{2})?)?$/;

export function timeValue(cell: CellValue): number | null {
  if (typeof cell === 'number') return cell;
  if (typeof cell !== 'string' || !TIME_TEXT.test(cell)) return null;
  const text = cell.includes(' ') || cell.includes('T') ? cell.replace(' ', 'T') : `${cell}T00:00:00`;
  const ms = Date.parse(/(Z|[+-]\d{2}(:?\d{2})?)$/.test(text) ? text : `${text}Z`);
  return Number.isFinite(ms) ? ms / 1000 : null;
}

export function numberValue(cell: CellValue): number | null {
  if (typeof cell === 'number') return cell;
  if (typeof cell === 'boolean') return cell ? 1 : 0;
  if (typeof cell === 'string' && cell.trim() !== '' && /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(cell.trim()))
    return Number(cell);
  return null;
}

/** A column's kind from its type, else from its first non-null values (DECIMAL arrives as exact text). */
export function columnKind(result: QueryResult, column: number): ColumnKind {
  const type = result.columns[column]?.type ?? '';
  if (TIME_TYPE.test(type)) return 'time';
  if (NUMBER_TYPE.test(type) && !/interval/i.test(type)) return 'number';
  const sample = [];
  for (const row of result.rows) {
    const cell = row[column];
    if (cell !== null && cell !== undefined) sample.push(cell);
    if (sample.length >= 20) break;
  }
  if (sample.length === 0) return 'category';
  if (sample.every((cell) => typeof cell === 'string' && TIME_TEXT.test(cell))) return 'time';
  if (sample.every((cell) => numberValue(cell) !== null)) return 'number';
  return 'category';
}

/** The chart a result asks for: time and a number -> line, category and a number -> bar, two numbers -> scatter. */
export function defaultSpec(result: QueryResult): ChartSpec | null {
  const kinds = result.columns.map((_, index) => columnKind(result, index));
  const time = kinds.indexOf('time');
  const category = kinds.indexOf('category');
  const numbers = kinds.flatMap((kind, index) => (kind === 'number' ? [index] : []));
  if (time >= 0 && numbers.length > 0) return { type: 'line', x: time, y: numbers[0]!, aggregate: 'avg' };
  if (category >= 0 && numbers.length > 0) return { type: 'bar', x: category, y: numbers[0]!, aggregate: 'sum' };
  if (numbers.length >= 2) return { type: 'scatter', x: numbers[0]!, y: numbers[1]!, aggregate: 'sum' };
  if (category >= 0) return { type: 'bar', x: category, y: -1, aggregate: 'count' };
  if (time >= 0) return { type: 'line', x: time, y: -1, aggregate: 'count' };
  return null;
}

const count = (n: number) => n.toLocaleString('en-US');

/** Reduces the rows to what a chart can draw quickly, and says how. Linear in the rows (plus one sort for lines). */
export function chartData(result: QueryResult, spec: ChartSpec): ChartData {
  const rows = result.rows;
  const xKind = columnKind(result, spec.x);
  const yName = spec.y < 0 ? 'rows' : (result.columns[spec.y]?.name ?? '?');
  const yOf = (row: CellValue[]): number | null => (spec.y < 0 ? 1 : numberValue(row[spec.y] ?? null));

  if (spec.type === 'bar') {
    const groups = new Map<string, { sum: number; n: number }>();
    for (const row of rows) {
      const cell = row[spec.x] ?? null;
      const key = cell === null ? 'NULL' : typeof cell === 'object' ? 'binary' : String(cell);
      const y = yOf(row);
      const group = groups.get(key) ?? { sum: 0, n: 0 };
      if (spec.aggregate === 'count' || spec.y < 0) group.n += 1;
      else if (y !== null) {
        group.sum += y;
        group.n += 1;
      }
      groups.set(key, group);
    }
    const value = (group: { sum: number; n: number }) =>
      spec.aggregate === 'count' || spec.y < 0
        ? group.n
        : spec.aggregate === 'avg'
          ? group.n
            ? group.sum / group.n
            : 0
          : group.sum;
    const ordered = [...groups]
      .map(([key, group]) => ({ key, group, value: value(group) }))
      .sort((a, b) => b.value - a.value);
    const kept = ordered.slice(0, MAX_BARS);
    const rest = ordered.slice(MAX_BARS);
    if (rest.length > 0) {
      const merged = rest.reduce((total, entry) => ({ sum: total.sum + entry.group.sum, n: total.n + entry.group.n }), {
        sum: 0,
        n: 0,
      });
      kept.push({ key: `(${count(rest.length)} others)`, group: merged, value: value(merged) });
    }
    const how = spec.aggregate === 'count' || spec.y < 0 ? 'count of rows' : `${spec.aggregate} of ${yName}`;
    return {
      xs: kept.map((_, index) => index),
      ys: kept.map((entry) => entry.value),
      categories: kept.map((entry) => entry.key),
      xKind,
      note: `Aggregated ${count(rows.length)} rows into ${count(kept.length)} bars (${how})${rest.length > 0 ? `; the smallest ${count(rest.length)} groups are one bar` : ''}.`,
      reduced: true,
    };
  }

  const xOf = (row: CellValue[]) =>
    xKind === 'time' ? timeValue(row[spec.x] ?? null) : numberValue(row[spec.x] ?? null);
  const points: { x: number; y: number }[] = [];
  let skipped = 0;
  if (spec.type === 'scatter' && rows.length > MAX_SCATTER_POINTS) {
    const step = rows.length / MAX_SCATTER_POINTS;
    for (let index = 0; index < MAX_SCATTER_POINTS; index += 1) {
      const row = rows[Math.floor(index * step)]!;
      const x = xOf(row);
      const y = yOf(row);
      if (x === null || y === null) skipped += 1;
      else points.push({ x, y });
    }
    points.sort((a, b) => a.x - b.x);
    return {
      xs: points.map((point) => point.x),
      ys: points.map((point) => point.y),
      categories: null,
      xKind,
      note: `Sampled ${count(MAX_SCATTER_POINTS)} of ${count(rows.length)} rows, evenly spread${skipped ? `; ${count(skipped)} without a value` : ''}.`,
      reduced: true,
    };
  }
  for (const row of rows) {
    const x = xOf(row);
    const y = yOf(row);
    if (x === null || y === null) skipped += 1;
    else points.push({ x, y });
  }
  points.sort((a, b) => a.x - b.x);
  const missing = skipped ? ` ${count(skipped)} rows without a value left out.` : '';
  if (spec.type === 'line' && points.length > MAX_LINE_POINTS) {
    const first = points[0]!.x;
    const width = (points[points.length - 1]!.x - first) / LINE_BUCKETS || 1;
    const sums = new Float64Array(LINE_BUCKETS);
    const counts = new Uint32Array(LINE_BUCKETS);
    for (const point of points) {
      const bucket = Math.min(LINE_BUCKETS - 1, Math.floor((point.x - first) / width));
      sums[bucket] = sums[bucket]! + point.y;
      counts[bucket] = counts[bucket]! + 1;
    }
    const xs: number[] = [];
    const ys: number[] = [];
    const summed = spec.aggregate === 'sum' || spec.aggregate === 'count' || spec.y < 0;
    for (let bucket = 0; bucket < LINE_BUCKETS; bucket += 1) {
      if (counts[bucket] === 0) continue;
      xs.push(first + (bucket + 0.5) * width);
      ys.push(summed ? sums[bucket]! : sums[bucket]! / counts[bucket]!);
    }
    return {
      xs,
      ys,
      categories: null,
      xKind,
      note: `${summed ? 'Summed' : 'Averaged'} ${count(points.length)} rows into ${count(xs.length)} buckets of equal width.${missing}`,
      reduced: true,
    };
  }
  return {
    xs: points.map((point) => point.x),
    ys: points.map((point) => point.y),
    categories: null,
    xKind,
    note: `All ${count(points.length)} rows drawn.${missing}`,
    reduced: false,
  };
}
