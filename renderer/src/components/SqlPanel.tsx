import { useCallback, useEffect, useState } from 'react';
import type { SerializedError } from '../../../shared/errors.ts';
import type {
  ExplainView,
  HistoryEntryView,
  QueryResult,
  SavedQueryView,
  SchemascopeClient,
} from '../../../shared/ipc-contract.ts';
import { PlanView } from './PlanView.tsx';
import { ResultView } from './ResultView.tsx';
import { ErrorNotice, toErrorData } from './ErrorNotice.tsx';
import { SqlEditor, type EditorDialect } from './SqlEditor.tsx';
import { completionNamespace } from './completion-namespace.ts';
import type { SQLNamespace } from '@codemirror/lang-sql';

/**
 * The SQL editor: Ctrl+Enter runs (read-only, bounded), Escape cancels on the server, "Load more" fetches the next
 * page of the same statement. History and saved queries live in the catalog, per connection.
 */
export function SqlPanel({
  client,
  sourceId,
  initialSql,
  dialect,
}: {
  client: SchemascopeClient;
  sourceId: string;
  initialSql: string;
  dialect: EditorDialect;
}) {
  const [schema, setSchema] = useState<SQLNamespace | undefined>(undefined);
  useEffect(() => {
    let stale = false;
    void client['schema/names']({ sourceId }).then(
      ({ tables }) => {
        if (stale) return;
        setSchema(completionNamespace(tables));
      },
      () => undefined, // completion is a convenience: the editor works without it
    );
    return () => {
      stale = true;
    };
  }, [client, sourceId]);
  const [sql, setSql] = useState(initialSql);
  const [limit, setLimit] = useState(1000);
  const [result, setResult] = useState<QueryResult | null>(null);
  const [plan, setPlan] = useState<ExplainView | null>(null);
  const [ranSql, setRanSql] = useState('');
  const [error, setError] = useState<SerializedError | null>(null);
  const [running, setRunning] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [exporting, setExporting] = useState(false);
  const [exported, setExported] = useState<string | null>(null);
  const [side, setSide] = useState<'history' | 'saved' | null>(null);
  const [history, setHistory] = useState<HistoryEntryView[]>([]);
  const [saved, setSaved] = useState<SavedQueryView[]>([]);

  const loadLists = useCallback(async () => {
    try {
      const [h, s] = await Promise.all([
        client['history/list']({ sourceId, limit: 200 }),
        client['saved/list']({ sourceId }),
      ]);
      setHistory(h.entries);
      setSaved(s.queries);
    } catch (caught) {
      setError(toErrorData(caught));
    }
  }, [client, sourceId]);

  useEffect(() => {
    void loadLists();
  }, [loadLists]);

  const run = async () => {
    if (running || !sql.trim()) return;
    const queryId = crypto.randomUUID();
    setRunning(queryId);
    setError(null);
    setPlan(null);
    try {
      setResult(await client['query/execute']({ sourceId, sql, limit, queryId }));
      setRanSql(sql);
    } catch (caught) {
      setError(toErrorData(caught));
    } finally {
      setRunning(null);
      void loadLists();
    }
  };

  /** The plan only: the statement is never run (the guard refuses anything but one query). */
  const explain = async () => {
    if (running || !sql.trim()) return;
    const queryId = crypto.randomUUID();
    setRunning(queryId);
    setError(null);
    try {
      setPlan(await client['query/explain']({ sourceId, sql }));
    } catch (caught) {
      setPlan(null);
      setError(explainError(toErrorData(caught)));
    } finally {
      setRunning(null);
    }
  };

  const loadMore = async () => {
    if (!result || loadingMore) return;
    setLoadingMore(true);
    try {
      const page = await client['query/execute']({ sourceId, sql: ranSql, limit, offset: result.rows.length });
      setResult({
        ...page,
        rows: [...result.rows, ...page.rows],
        rowCount: result.rowCount + page.rowCount,
        ms: result.ms + page.ms,
      });
    } catch (caught) {
      setError(toErrorData(caught));
    } finally {
      setLoadingMore(false);
    }
  };

  const exportAll = async () => {
    if (!ranSql || exporting) return;
    setExporting(true);
    setExported(null);
    try {
      const done = await client['query/export']({ sourceId, sql: ranSql });
      setExported(
        `Exported ${done.rows.toLocaleString()} rows (${Math.round(done.bytes / 1024).toLocaleString()} KB) to ${done.file}${done.capped ? ' (stopped at the row cap)' : ''}.`,
      );
    } catch (caught) {
      setError(toErrorData(caught));
    } finally {
      setExporting(false);
    }
  };

  const cancel = async () => {
    if (running) await client['query/cancel']({ queryId: running }).catch(() => undefined);
  };

  const save = async () => {
    const name = window.prompt('Save this query as:');
    if (!name?.trim()) return;
    try {
      await client['saved/save']({ sourceId, name: name.trim(), sql });
      await loadLists();
      setSide('saved');
    } catch (caught) {
      setError(toErrorData(caught));
    }
  };

  const pick = (text: string) => setSql(text);

  return (
    <div className={`sql-panel${side ? ' with-side' : ''}`}>
      <div className="editor-toolbar">
        <button
          type="button"
          className="primary"
          onClick={() => void run()}
          disabled={Boolean(running)}
          title="Run (Ctrl+Enter)"
        >
          ▶ Run
        </button>
        <button
          type="button"
          onClick={() => void explain()}
          disabled={Boolean(running)}
          title="Show the plan without running (Ctrl+Shift+Enter)"
        >
          Explain
        </button>
        <button type="button" onClick={() => void cancel()} disabled={!running} title="Cancel on the server (Esc)">
          ■ Cancel
        </button>
        <label className="inline">
          Rows per page
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
        <span className="spacer" />
        <button
          type="button"
          onClick={() => void save()}
          disabled={!sql.trim()}
          title="Save this query for this connection"
        >
          Save…
        </button>
        <button
          type="button"
          aria-pressed={side === 'history'}
          onClick={() => setSide(side === 'history' ? null : 'history')}
        >
          History
        </button>
        <button
          type="button"
          aria-pressed={side === 'saved'}
          onClick={() => setSide(side === 'saved' ? null : 'saved')}
        >
          Saved ({saved.length})
        </button>
      </div>
      <div className="sql-main">
        <SqlEditor
          value={sql}
          onChange={setSql}
          onRun={() => void run()}
          onExplain={() => void explain()}
          onCancel={() => void cancel()}
          dialect={dialect}
          schema={schema}
        />
        {side && (
          <ul
            className="query-list"
            data-testid={`${side}-list`}
            aria-label={side === 'history' ? 'Query history' : 'Saved queries'}
          >
            {side === 'history' &&
              history.map((entry) => (
                <li key={entry.id}>
                  <button
                    type="button"
                    className="query-item"
                    onClick={() => pick(entry.sql)}
                    title={entry.error ?? entry.sql}
                  >
                    {entry.question && <span className="small">“{entry.question}”</span>}
                    <span className="mono">{entry.sql.replace(/\s+/g, ' ').slice(0, 120)}</span>
                    <span className={`small ${entry.error ? 'error-text' : 'muted'}`}>
                      {entry.origin === 'ask' ? 'ask · ' : ''}
                      {entry.error ? 'failed' : `${entry.rowCount ?? 0} rows · ${Math.round(entry.ms ?? 0)} ms`} ·{' '}
                      {new Date(entry.ranAt).toLocaleTimeString()}
                    </span>
                  </button>
                </li>
              ))}
            {side === 'saved' &&
              saved.map((query) => (
                <li key={query.id} className="saved-row">
                  <button type="button" className="query-item" onClick={() => pick(query.sql)} title={query.sql}>
                    <span>{query.name}</span>
                    <span className="mono small muted">{query.sql.replace(/\s+/g, ' ').slice(0, 80)}</span>
                  </button>
                  <button
                    type="button"
                    className="icon-button"
                    aria-label={`Delete ${query.name}`}
                    onClick={() =>
                      void client['saved/remove']({ id: query.id }).then(loadLists, (caught: unknown) =>
                        setError(toErrorData(caught)),
                      )
                    }
                  >
                    ×
                  </button>
                </li>
              ))}
            {(side === 'history' ? history : saved).length === 0 && <li className="muted small pad">Nothing yet.</li>}
          </ul>
        )}
      </div>
      <ErrorNotice error={error} onDismiss={() => setError(null)} />
      {exported && (
        <div className="notice notice-ok" data-testid="export-notice">
          {exported}
        </div>
      )}
      {plan && <PlanView explained={plan} />}
      {result && !plan && (
        <ResultView
          result={result}
          onLoadMore={() => void loadMore()}
          loadingMore={loadingMore}
          onExportAll={() => void exportAll()}
          exporting={exporting}
        />
      )}
    </div>
  );
}

/** EXPLAIN needs the live database: say so plainly when it is not there (the schema still browses from the cache). */
export function explainError(error: SerializedError): SerializedError {
  if (error.kind === 'unreachable' || error.kind === 'offline' || error.kind === 'timeout')
    return {
      kind: error.kind,
      message: `EXPLAIN needs the live database, which does not answer now (the cached schema still browses and draws): ${error.message}`,
    };
  return error;
}
