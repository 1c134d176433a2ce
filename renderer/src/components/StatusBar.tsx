import { useEffect, useState } from 'react';
import type { MetricsSnapshotView, SchemascopeClient, SnapshotInfo, SourceView } from '../../../shared/ipc-contract.ts';
import { formatBytes } from './MonitorPanel.tsx';

/** The few numbers that matter at a glance: connection and offline state, indexing, memory, event-loop lag. */
export function StatusBar({
  client,
  source,
  snapshot,
  tableCount,
  mode,
}: {
  client: SchemascopeClient;
  source: SourceView | null;
  snapshot: SnapshotInfo | null;
  tableCount: number;
  mode: string;
}) {
  const [metrics, setMetrics] = useState<MetricsSnapshotView | null>(null);

  useEffect(() => {
    let stopped = false;
    const poll = () =>
      void client['metrics/snapshot']({ historySince: Date.now() }).then(
        (next) => !stopped && setMetrics(next),
        () => undefined,
      );
    poll();
    const timer = setInterval(poll, 2000);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [client]);

  const indexing = metrics?.indexing.find((job) => job.sourceId === source?.id);
  return (
    <footer className="status-bar" data-testid="status-bar">
      <span>{source ? source.name : 'No connection'}</span>
      {snapshot && (
        <span className={snapshot.offline ? 'status-offline' : 'status-online'}>
          {snapshot.offline ? '● offline (cached)' : '● online'}
        </span>
      )}
      {snapshot && (
        <span title="Time of the schema snapshot">snapshot {new Date(snapshot.takenAt).toLocaleString()}</span>
      )}
      <span>{tableCount} tables</span>
      {indexing && (
        <span data-testid="status-indexing">
          indexing {indexing.total > 0 ? Math.floor((indexing.done / indexing.total) * 100) : 0} % (
          {indexing.itemsPerSecond}/s)
        </span>
      )}
      <span className="spacer" />
      {metrics && (
        <span className="muted" data-testid="status-memory" title="Main-process heap used / RSS; event-loop lag p99">
          heap {formatBytes(metrics.process.heapUsed)} · RSS {formatBytes(metrics.process.rss)} · lag p99{' '}
          {metrics.process.lagP99} ms
        </span>
      )}
      <span className="muted">{mode === 'web' ? 'web mode (127.0.0.1)' : 'desktop'}</span>
    </footer>
  );
}
