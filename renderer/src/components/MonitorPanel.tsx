import { useEffect, useMemo, useRef, useState } from 'react';
import type { MetricsSnapshotView, SchemascopeClient } from '../../../shared/ipc-contract.ts';
import { TimeChart } from './TimeChart.tsx';
import { downloadText } from '../api/download.ts';

type Sample = MetricsSnapshotView['history'][number];
type Histogram = MetricsSnapshotView['registry']['histograms'][string];

const KEEP_SAMPLES = 600;
const MB = 1024 * 1024;

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * MB) return `${(bytes / (1024 * MB)).toFixed(2)} GB`;
  if (bytes >= MB) return `${(bytes / MB).toFixed(1)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} B`;
}

const ms = (value: number | null | undefined) => (value === null || value === undefined ? '–' : `${value} ms`);

/**
 * Memory and metrics, polled once a second from the main process: heap/RSS and event-loop lag over the last minutes
 * (charts), every bounded cache against its limit, the vector memory against its budget, embedding and LLM API health,
 * pools and query latency percentiles. Export writes the snapshot as JSON for a bug report (it holds no secrets).
 */
export function MonitorPanel({ client, view }: { client: SchemascopeClient; view: 'memory' | 'metrics' }) {
  const [snapshot, setSnapshot] = useState<MetricsSnapshotView | null>(null);
  const [history, setHistory] = useState<Sample[]>([]);
  const [error, setError] = useState<string | null>(null);
  const since = useRef(0);

  useEffect(() => {
    let stopped = false;
    const poll = async () => {
      try {
        const next = await client['metrics/snapshot']({ historySince: since.current });
        if (stopped) return;
        setSnapshot(next);
        if (next.history.length > 0) {
          since.current = next.history.at(-1)!.at;
          setHistory((current) => [...current, ...next.history].slice(-KEEP_SAMPLES));
        }
        setError(null);
      } catch (caught) {
        setError(caught instanceof Error ? caught.message : String(caught));
      }
    };
    void poll();
    const timer = setInterval(() => void poll(), 1000);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [client]);

  const times = useMemo(() => history.map((sample) => sample.at), [history]);
  const memorySeries = useMemo(
    () => [
      { label: 'heap used', color: '#2f6fdf', values: history.map((sample) => sample.heapUsed / MB) },
      { label: 'heap total', color: '#8aa8e8', values: history.map((sample) => sample.heapTotal / MB) },
      { label: 'RSS', color: '#d9822b', values: history.map((sample) => sample.rss / MB) },
      { label: 'array buffers', color: '#3aa676', values: history.map((sample) => sample.arrayBuffers / MB) },
    ],
    [history],
  );
  const lagSeries = useMemo(
    () => [
      { label: 'lag p99', color: '#c23a3a', values: history.map((sample) => sample.lagP99) },
      { label: 'lag p50', color: '#8b93a3', values: history.map((sample) => sample.lagP50) },
    ],
    [history],
  );

  const rateSeries = useMemo(
    () => [
      {
        label: 'embedding requests / min',
        color: '#2f6fdf',
        values: history.map((sample) => sample.series.embeddingRequestsPerMinute ?? null),
      },
      {
        label: 'queries / min',
        color: '#3aa676',
        values: history.map((sample) => sample.series.queriesPerMinute ?? null),
      },
      {
        label: 'LLM requests / min',
        color: '#9a5fd6',
        values: history.map((sample) => sample.series.llmRequestsPerMinute ?? null),
      },
      {
        label: '429s / min',
        color: '#c23a3a',
        values: history.map((sample) => sample.series.http429PerMinute ?? null),
      },
    ],
    [history],
  );

  const exportSnapshot = () => {
    if (snapshot)
      downloadText(
        JSON.stringify(snapshot, null, 2),
        `schemascope-metrics-${snapshot.at.replace(/[:.]/g, '-')}.json`,
        'application/json',
      );
  };

  if (!snapshot) return <div className="empty-state">{error ?? 'Reading the metrics…'}</div>;
  const process = snapshot.process;
  const { counters, perMinute, gauges, histograms } = snapshot.registry;
  const histogram = (name: string): Histogram | undefined => histograms[name];

  return (
    <div className="monitor" data-testid={`${view}-panel`}>
      <div className="editor-toolbar">
        <strong>{view === 'memory' ? 'Memory' : 'Metrics'}</strong>
        <span className="muted small">
          sampled every second · up {Math.round(snapshot.uptimeSeconds / 60)} min · {snapshot.mode}
        </span>
        <span className="spacer" />
        <button
          type="button"
          onClick={exportSnapshot}
          title="Save the snapshot as JSON for a bug report (no secrets in it)"
        >
          Export snapshot
        </button>
      </div>
      {view === 'memory' ? (
        <>
          <div className="stat-row" data-testid="memory-numbers">
            <Stat label="heap used" value={formatBytes(process.heapUsed)} />
            <Stat label="heap total" value={formatBytes(process.heapTotal)} />
            <Stat label="RSS" value={formatBytes(process.rss)} />
            <Stat label="external" value={formatBytes(process.external)} />
            <Stat label="array buffers" value={formatBytes(process.arrayBuffers)} />
          </div>
          <TimeChart times={times} series={memorySeries} unit=" MB" height={170} testId="memory-chart" />
          <h3 className="section-title">Bounded caches</h3>
          <table className="metrics-table" data-testid="cache-table">
            <thead>
              <tr>
                <th>cache</th>
                <th>size / limit</th>
                <th />
                <th>hits</th>
                <th>misses</th>
                <th>evictions</th>
              </tr>
            </thead>
            <tbody>
              {snapshot.caches.map((cache) => (
                <tr key={cache.name}>
                  <td>{cache.name}</td>
                  <td className="number">
                    {cache.unit === 'bytes'
                      ? `${formatBytes(cache.size)} / ${formatBytes(cache.limit)}`
                      : `${cache.size} / ${cache.limit}`}
                  </td>
                  <td>
                    <Bar share={cache.limit > 0 ? cache.size / cache.limit : 0} />
                  </td>
                  <td className="number">{cache.hits ?? '–'}</td>
                  <td className="number">{cache.misses ?? '–'}</td>
                  <td className="number">{cache.evictions ?? '–'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3 className="section-title">Vector memory</h3>
          {snapshot.vectors.length === 0 ? (
            <p className="muted small pad">No search index loaded yet (a search loads one).</p>
          ) : (
            <table className="metrics-table" data-testid="vector-table">
              <tbody>
                {snapshot.vectors.map((vectors) => (
                  <tr key={vectors.sourceId}>
                    <td>{vectors.sourceId}</td>
                    <td className="number">
                      {vectors.items.toLocaleString()} items × {vectors.dimensions} dims
                    </td>
                    <td className="number">
                      {formatBytes(vectors.compactBytes + vectors.fullCacheBytes)} / {formatBytes(vectors.budgetBytes)}
                    </td>
                    <td>
                      <Bar share={(vectors.compactBytes + vectors.fullCacheBytes) / vectors.budgetBytes} />
                    </td>
                    <td className="number muted" title="The index's item ids, packed: not vectors, outside the budget">
                      ids {formatBytes(vectors.itemBytes)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      ) : (
        <>
          <div className="stat-row" data-testid="metrics-numbers">
            <Stat label="event-loop lag p99" value={`${snapshot.eventLoopLagP99Ms} ms`} />
            <Stat label="embedding requests / min" value={String(perMinute['embedding.requests'] ?? 0)} />
            <Stat label="429s" value={String(counters['embedding.http_429'] ?? 0)} />
            <Stat label="retries" value={String(counters['embedding.retries'] ?? 0)} />
            <Stat
              label="API errors"
              value={String((counters['embedding.failed_requests'] ?? 0) + (counters['llm.errors'] ?? 0))}
            />
            <Stat
              label="remaining RPM / TPM"
              value={
                gauges['embedding.remaining_requests'] !== undefined
                  ? `${gauges['embedding.remaining_requests']} / ${gauges['embedding.remaining_tokens'] ?? '–'}`
                  : 'unknown'
              }
            />
          </div>
          <TimeChart times={times} series={rateSeries} unit="" height={150} testId="rate-chart" />
          <TimeChart times={times} series={lagSeries} unit=" ms" height={130} testId="lag-chart" />
          <h3 className="section-title">Latency (last 5 minutes)</h3>
          <table className="metrics-table" data-testid="latency-table">
            <thead>
              <tr>
                <th>what</th>
                <th>count</th>
                <th>per min</th>
                <th>p50</th>
                <th>p95</th>
                <th>p99</th>
              </tr>
            </thead>
            <tbody>
              {[
                ['embedding request', 'embedding.request_ms', 'embedding.requests'],
                ['semantic search', 'search.ms', ''],
                ['context (retrieval + packing)', 'context.ms', ''],
                ['LLM request', 'llm.request_ms', 'llm.requests'],
                ['SQL query', 'query.ms', 'query.count'],
              ].map(([label, name, counter]) => {
                const found = histogram(name!);
                return (
                  <tr key={name}>
                    <td>{label}</td>
                    <td className="number">{found?.count ?? 0}</td>
                    <td className="number">{counter ? (perMinute[counter] ?? 0) : '–'}</td>
                    <td className="number">{ms(found?.p50)}</td>
                    <td className="number">{ms(found?.p95)}</td>
                    <td className="number">{ms(found?.p99)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <h3 className="section-title">Connection pools</h3>
          {snapshot.pools.length === 0 ? (
            <p className="muted small pad">No pool open yet.</p>
          ) : (
            <table className="metrics-table" data-testid="pool-table">
              <thead>
                <tr>
                  <th>source</th>
                  <th>active</th>
                  <th>idle</th>
                  <th>waiting</th>
                  <th>acquired</th>
                  <th>busy refusals</th>
                  <th>wait p50 / p95 / p99</th>
                </tr>
              </thead>
              <tbody>
                {snapshot.pools.map((pool) => (
                  <tr key={pool.sourceId}>
                    <td>
                      {pool.sourceId} <span className="muted small">{pool.engine}</span>
                    </td>
                    <td className="number">
                      {pool.active} / {pool.limit}
                    </td>
                    <td className="number">{pool.idle}</td>
                    <td className="number">
                      {pool.waiting} / {pool.queueLimit}
                    </td>
                    <td className="number">{pool.acquired}</td>
                    <td className="number">{pool.rejected}</td>
                    <td className="number">
                      {ms(pool.waitP50)} / {ms(pool.waitP95)} / {ms(pool.waitP99)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </div>
  );
}

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <div className="stat">
      <div className="stat-value mono">{value}</div>
      <div className="stat-label muted small">{label}</div>
    </div>
  );
}

function Bar({ share }: { share: number }) {
  const clamped = Math.max(0, Math.min(1, share));
  return (
    <div className="token-bar-track small-bar" title={`${Math.round(clamped * 100)} %`}>
      <div className={`token-bar-fill${clamped > 0.9 ? ' full' : ''}`} style={{ width: `${clamped * 100}%` }} />
    </div>
  );
}
