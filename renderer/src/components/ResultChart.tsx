import { useEffect, useMemo, useRef, useState, type RefObject } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { QueryResult } from '../../../shared/ipc-contract.ts';
import { downloadBlob } from '../api/download.ts';
import { chartData, columnKind, defaultSpec, type Aggregate, type ChartSpec, type ChartType } from './chart-data.ts';

const HEIGHT = 320;

const COMPACT = new Intl.NumberFormat('en-US', { notation: 'compact', maximumSignificantDigits: 4 });

function compact(value: number): string {
  return COMPACT.format(value);
}

/** Changes whenever the app's theme class changes, so canvas colours (read from CSS variables) are read again. */
function useThemeKey(element: RefObject<HTMLElement | null>): string {
  const [key, setKey] = useState('');
  useEffect(() => {
    const app = element.current?.closest('.app');
    if (!app) return;
    setKey(app.className);
    const observer = new MutationObserver(() => setKey(app.className));
    observer.observe(app, { attributes: true, attributeFilter: ['class'] });
    return () => observer.disconnect();
  }, [element]);
  return key;
}

/**
 * A chart of the loaded rows with uPlot (canvas): picked by the columns' types (time -> line, category and number ->
 * bar, two numbers -> scatter), adjustable, and reduced before drawing when there are many rows (bars aggregate,
 * lines average into buckets, scatters sample evenly), which the caption says. Exports a PNG.
 */
export function ResultChart({ result }: { result: QueryResult }) {
  const initial = useMemo(() => defaultSpec(result), [result]);
  const [spec, setSpec] = useState<ChartSpec | null>(initial);
  useEffect(() => setSpec(initial), [initial]);
  const prepared = useMemo(() => {
    if (!spec) return null;
    const started = performance.now();
    const data = chartData(result, spec);
    return { data, ms: performance.now() - started };
  }, [result, spec]);
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const themeKey = useThemeKey(host);

  useEffect(() => {
    const element = host.current;
    if (!element || !prepared || !spec) return;
    const { data } = prepared;
    const styles = getComputedStyle(element);
    const color = (name: string, fallback: string) => styles.getPropertyValue(name).trim() || fallback;
    const accent = color('--accent', '#2f6fdf');
    const axis = {
      stroke: color('--fg-muted', '#888'),
      grid: { stroke: color('--border', '#ddd'), width: 1 },
      ticks: { stroke: color('--border', '#ddd'), width: 1 },
      font: '11px system-ui',
    };
    const categories = data.categories;
    const xAxis: uPlot.Axis = categories
      ? {
          ...axis,
          grid: { show: false },
          splits: () => categories.map((_, position) => position),
          values: (_plot, ticks) => ticks.map((tick) => categories[tick] ?? ''),
          rotate: categories.length > 12 ? -35 : 0,
          size: categories.length > 12 ? 70 : 40,
        }
      : data.xKind === 'time'
        ? axis
        : { ...axis, values: (_plot, ticks) => ticks.map(compact) };
    const yLabel = spec.y < 0 ? 'rows' : (result.columns[spec.y]?.name ?? '');
    const series: uPlot.Series =
      spec.type === 'bar'
        ? {
            label: yLabel,
            stroke: accent,
            fill: `${accent}b3`,
            width: 1,
            paths: uPlot.paths.bars!({ size: [0.7, 80] }),
            points: { show: false },
          }
        : spec.type === 'scatter'
          ? {
              label: yLabel,
              stroke: accent,
              fill: accent,
              paths: () => null,
              points: { show: true, size: 4, stroke: accent, fill: `${accent}99` },
            }
          : { label: yLabel, stroke: accent, width: 1.5, points: { show: false } };
    const options: uPlot.Options = {
      width: Math.max(300, element.clientWidth),
      height: HEIGHT,
      legend: { show: false },
      cursor: { drag: { x: true, y: false } },
      scales: {
        x: categories
          ? { time: false, range: (_plot, min, max) => [min - 0.6, max + 0.6] }
          : { time: data.xKind === 'time' },
        // bars grow from zero; lines and points use the data's own range
        ...(spec.type === 'bar'
          ? {
              y: {
                range: (_plot: uPlot, min: number, max: number): uPlot.Range.MinMax => [
                  Math.min(0, min),
                  max <= 0 ? 0 : max * 1.05,
                ],
              },
            }
          : {}),
      },
      axes: [xAxis, { ...axis, size: 60, values: (_plot, ticks) => ticks.map(compact) }],
      series: [{}, series],
    };
    chart.current = new uPlot(options, [data.xs, data.ys] as unknown as uPlot.AlignedData, element);
    const observer = new ResizeObserver(() =>
      chart.current?.setSize({ width: Math.max(300, element.clientWidth), height: HEIGHT }),
    );
    observer.observe(element);
    return () => {
      observer.disconnect();
      chart.current?.destroy();
      chart.current = null;
    };
  }, [prepared, spec, result.columns, themeKey]);

  if (!spec || !prepared) {
    return (
      <div className="chart-panel" data-testid="result-chart">
        <p className="muted pad">Nothing to chart: the result has no number, time or category column.</p>
      </div>
    );
  }

  const exportPng = () => {
    const canvas = host.current?.querySelector('canvas');
    if (!canvas) return;
    const styles = getComputedStyle(host.current!);
    const out = document.createElement('canvas');
    out.width = canvas.width;
    out.height = canvas.height + 28 * devicePixelRatio;
    const context = out.getContext('2d')!;
    context.fillStyle = styles.getPropertyValue('--bg').trim() || '#fff';
    context.fillRect(0, 0, out.width, out.height);
    context.fillStyle = styles.getPropertyValue('--fg').trim() || '#000';
    context.font = `${12 * devicePixelRatio}px system-ui`;
    context.fillText(`${title}  ·  ${prepared.data.note}`, 8 * devicePixelRatio, 18 * devicePixelRatio);
    context.drawImage(canvas, 0, 28 * devicePixelRatio);
    out.toBlob((blob) => blob && downloadBlob(blob, 'schemascope-chart.png'), 'image/png');
  };

  const names = result.columns.map((column) => column.name);
  const kinds = result.columns.map((_, index) => columnKind(result, index));
  const numeric = kinds.flatMap((kind, index) => (kind === 'number' ? [index] : []));
  const title = `${spec.type === 'bar' && spec.aggregate !== 'count' && spec.y >= 0 ? `${spec.aggregate} of ` : ''}${spec.y < 0 ? 'count of rows' : names[spec.y]} by ${names[spec.x]}`;
  const set = (change: Partial<ChartSpec>) => setSpec({ ...spec, ...change });
  const loadedNote = result.truncated
    ? ` Only the ${result.rows.length.toLocaleString('en-US')} loaded rows are charted; more exist.`
    : '';

  return (
    <div className="chart-panel" data-testid="result-chart">
      <div className="chart-toolbar">
        <label className="inline">
          Chart
          <select
            aria-label="Chart type"
            value={spec.type}
            onChange={(event) => {
              const type = event.target.value as ChartType;
              // bars add up by default, lines average their buckets
              set({ type, aggregate: spec.y < 0 ? 'count' : type === 'bar' ? 'sum' : 'avg' });
            }}
          >
            <option value="bar">Bar</option>
            <option value="line">Line</option>
            <option value="scatter">Scatter</option>
          </select>
        </label>
        <label className="inline">
          X
          <select aria-label="X column" value={spec.x} onChange={(event) => set({ x: Number(event.target.value) })}>
            {names.map((name, index) => (
              <option key={index} value={index}>
                {name} ({kinds[index]})
              </option>
            ))}
          </select>
        </label>
        <label className="inline">
          Y
          <select aria-label="Y column" value={spec.y} onChange={(event) => set({ y: Number(event.target.value) })}>
            <option value={-1}>count of rows</option>
            {numeric.map((index) => (
              <option key={index} value={index}>
                {names[index]}
              </option>
            ))}
          </select>
        </label>
        {spec.type !== 'scatter' && (
          <label className="inline">
            {spec.type === 'bar' ? 'Per bar' : 'Per bucket'}
            <select
              aria-label="Aggregate"
              value={spec.aggregate}
              onChange={(event) => set({ aggregate: event.target.value as Aggregate })}
            >
              <option value="sum">sum</option>
              <option value="avg">average</option>
              <option value="count">count</option>
            </select>
          </label>
        )}
        <span className="spacer" />
        <button type="button" onClick={exportPng} title="Save the chart as a PNG picture">
          Export PNG
        </button>
      </div>
      <div className="chart-caption">
        <strong>{title}</strong>{' '}
        <span className="muted" data-testid="chart-note">
          {prepared.data.note}
          {loadedNote} Prepared in {Math.round(prepared.ms)} ms.
        </span>
      </div>
      <div
        className="result-chart-canvas"
        ref={host}
        data-chart-type={spec.type}
        data-points={prepared.data.xs.length}
      />
    </div>
  );
}
