import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  readonly label: string;
  readonly color: string;
  readonly values: readonly (number | null)[];
}

/**
 * A small time-series chart (uPlot: canvas, fast with thousands of points). Times are ms since the epoch; the chart is
 * created once and only its data is replaced on each update.
 */
export function TimeChart({
  times,
  series,
  unit,
  height = 120,
  testId,
}: {
  times: readonly number[];
  series: readonly ChartSeries[];
  unit: string;
  height?: number;
  testId?: string;
}) {
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const labels = series.map((entry) => entry.label).join('|');

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const styles = getComputedStyle(element);
    const axis = {
      stroke: styles.getPropertyValue('--fg-muted') || '#888',
      grid: { stroke: styles.getPropertyValue('--border') || '#ddd', width: 1 },
      ticks: { show: false },
      font: '10px system-ui',
    };
    const options: uPlot.Options = {
      width: Math.max(200, element.clientWidth),
      height,
      legend: { show: true, live: false },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true } },
      axes: [axis, { ...axis, size: 56, values: (_plot, ticks) => ticks.map((tick) => `${formatValue(tick)}${unit}`) }],
      series: [
        {},
        ...series.map((entry) => ({ label: entry.label, stroke: entry.color, width: 1.5, points: { show: false } })),
      ],
    };
    chart.current = new uPlot(options, [[], ...series.map(() => [])] as unknown as uPlot.AlignedData, element);
    const observer = new ResizeObserver(() =>
      chart.current?.setSize({ width: Math.max(200, element.clientWidth), height }),
    );
    observer.observe(element);
    return () => {
      observer.disconnect();
      chart.current?.destroy();
      chart.current = null;
    };
    // The chart is rebuilt only when its series change, not on every data update.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [labels, unit, height]);

  useEffect(() => {
    chart.current?.setData([
      times.map((time) => time / 1000),
      ...series.map((entry) => [...entry.values]),
    ] as unknown as uPlot.AlignedData);
  }, [times, series]);

  return <div className="time-chart" ref={container} data-testid={testId} />;
}

function formatValue(value: number): string {
  if (Math.abs(value) >= 1e6) return `${Math.round(value / 1e5) / 10}M`;
  if (Math.abs(value) >= 1e3) return `${Math.round(value / 100) / 10}k`;
  return String(Math.round(value * 10) / 10);
}
