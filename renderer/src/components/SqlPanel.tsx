import { useRef, useState } from 'react';
import type { SerializedError } from '../../../shared/errors.ts';
import type { QueryResult, SchemascopeClient } from '../../../shared/ipc-contract.ts';
import { ErrorNotice, toErrorData } from './ErrorNotice.tsx';
import { ResultsGrid } from './ResultsGrid.tsx';

/** A plain SQL editor: Ctrl+Enter runs (read-only, bounded), Escape cancels on the server. */
export function SqlPanel({ client, sourceId, initialSql }: { client: SchemascopeClient; sourceId: string; initialSql: string }) {
  const [sql, setSql] = useState(initialSql);
  const [limit, setLimit] = useState(1000);
  const [result, setResult] = useState<QueryResult | null>(null);
  const [error, setError] = useState<SerializedError | null>(null);
  const [running, setRunning] = useState<string | null>(null);
  const started = useRef(0);

  const run = async () => {
    if (running || !sql.trim()) return;
    const queryId = crypto.randomUUID();
    setRunning(queryId);
    setError(null);
    started.current = performance.now();
    try {
      setResult(await client['query/execute']({ sourceId, sql, limit, queryId }));
    } catch (caught) {
      setError(toErrorData(caught));
    } finally {
      setRunning(null);
    }
  };

  const cancel = async () => {
    if (running) await client['query/cancel']({ queryId: running }).catch(() => undefined);
  };

  return (
    <div className="sql-panel">
      <div className="editor-toolbar">
        <button type="button" className="primary" onClick={() => void run()} disabled={Boolean(running)} title="Run (Ctrl+Enter)">
          ▶ Run
        </button>
        <button type="button" onClick={() => void cancel()} disabled={!running} title="Cancel on the server (Esc)">
          ■ Cancel
        </button>
        <label className="inline">
          Row limit
          <select value={limit} onChange={(event) => setLimit(Number(event.target.value))}>
            {[100, 1000, 10000, 100000].map((value) => (
              <option key={value} value={value}>
                {value.toLocaleString()}
              </option>
            ))}
          </select>
        </label>
        <span className="muted">Read-only session · server-side timeout 30 s</span>
        {running && <span className="spinner" aria-label="Running" />}
      </div>
      <textarea
        className="sql-editor"
        aria-label="SQL"
        spellCheck={false}
        value={sql}
        onChange={(event) => setSql(event.target.value)}
        onKeyDown={(event) => {
          if ((event.ctrlKey || event.metaKey) && event.key === 'Enter') {
            event.preventDefault();
            void run();
          } else if (event.key === 'Escape' && running) {
            void cancel();
          }
        }}
      />
      <ErrorNotice error={error} onDismiss={() => setError(null)} />
      {result && <ResultsGrid result={result} />}
    </div>
  );
}
