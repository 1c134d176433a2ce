import type { SnapshotInfo, SourceView } from '../../../shared/ipc-contract.ts';

export function StatusBar({ source, snapshot, tableCount, mode }: { source: SourceView | null; snapshot: SnapshotInfo | null; tableCount: number; mode: string }) {
  return (
    <footer className="status-bar" data-testid="status-bar">
      <span>{source ? source.name : 'No connection'}</span>
      {snapshot && (
        <span className={snapshot.offline ? 'status-offline' : 'status-online'}>
          {snapshot.offline ? '● offline (cached)' : '● online'}
        </span>
      )}
      {snapshot && <span title="Time of the schema snapshot">snapshot {new Date(snapshot.takenAt).toLocaleString()}</span>}
      <span>{tableCount} tables</span>
      <span className="spacer" />
      <span className="muted">{mode === 'web' ? 'web mode (127.0.0.1)' : 'desktop'}</span>
    </footer>
  );
}
