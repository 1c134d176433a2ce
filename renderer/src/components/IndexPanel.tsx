import { useEffect, useState } from 'react';
import type { SerializedError } from '../../../shared/errors.ts';
import type {
  IndexProgressView,
  ResponseOf,
  SchemascopeClient,
  SubscribeEvents,
} from '../../../shared/ipc-contract.ts';
import { ErrorNotice, toErrorData } from './ErrorNotice.tsx';
import type { TableRef } from './SchemaTree.tsx';

type Status = ResponseOf<'index/status'>;
type SearchAnswer = ResponseOf<'search/query'>;

/**
 * Indexing and semantic search for one source: provider settings, start / pause / resume / cancel, a progress bar
 * with rate, ETA, requests, 429s, retries and failures, and a search box that works offline on a local index.
 */
export function IndexPanel({
  client,
  subscribe,
  sourceId,
  onOpenTable,
}: {
  client: SchemascopeClient;
  subscribe: SubscribeEvents;
  sourceId: string;
  onOpenTable: (table: TableRef) => void;
}) {
  const [provider, setProvider] = useState<'local' | 'openai'>('local');
  const [baseUrl, setBaseUrl] = useState('https://api.openai.com/v1');
  const [model, setModel] = useState('text-embedding-3-small');
  const [dimensions, setDimensions] = useState('');
  const [concurrency, setConcurrency] = useState('8');
  const [apiKey, setApiKey] = useState('');
  const [status, setStatus] = useState<Status | null>(null);
  const [progress, setProgress] = useState<IndexProgressView | null>(null);
  const [error, setError] = useState<SerializedError | null>(null);
  const [query, setQuery] = useState('');
  const [answer, setAnswer] = useState<SearchAnswer | null>(null);
  const [searching, setSearching] = useState(false);

  useEffect(() => {
    let live = true;
    void client['index/status']({ sourceId }).then(
      (value) => {
        if (!live) return;
        setStatus(value);
        setProgress(value.progress ?? value.summary);
      },
      (caught: unknown) => live && setError(toErrorData(caught)),
    );
    const stop = subscribe((event) => {
      if (event.channel !== 'index/progress') return;
      const payload = event.payload;
      if (payload.sourceId !== sourceId) return;
      setProgress(payload.progress);
      if (payload.progress.state !== 'running' && payload.progress.state !== 'paused')
        void client['index/status']({ sourceId }).then(setStatus, () => undefined);
    });
    return () => {
      live = false;
      stop();
    };
  }, [client, subscribe, sourceId]);

  // A job run by another process on this data folder sends no events here: follow it by polling while it runs.
  const owner = status?.owner ?? null;
  useEffect(() => {
    if (!owner) return;
    const timer = setInterval(() => {
      void client['index/status']({ sourceId }).then(
        (value) => {
          setStatus(value);
          setProgress(value.progress ?? value.summary);
        },
        () => undefined,
      );
    }, 1000);
    return () => clearInterval(timer);
  }, [client, sourceId, owner]);

  const act = async (action: () => Promise<unknown>) => {
    setError(null);
    try {
      await action();
    } catch (caught) {
      setError(toErrorData(caught));
    }
  };

  const start = () =>
    act(async () => {
      const settings =
        provider === 'local'
          ? { provider }
          : {
              provider,
              baseUrl,
              model,
              ...(dimensions ? { dimensions: Number(dimensions) } : {}),
              ...(concurrency ? { concurrency: Number(concurrency) } : {}),
              ...(apiKey ? { apiKey } : {}),
            };
      await client['index/start']({ sourceId, settings });
      setApiKey(''); // sent once, kept by the main process; never shown again
    });

  const search = async () => {
    if (!query.trim()) return;
    setSearching(true);
    await act(async () => setAnswer(await client['search/query']({ sourceId, text: query, k: 25 })));
    setSearching(false);
  };

  const running = progress?.state === 'running' || progress?.state === 'paused' || owner !== null;
  const percent = progress && progress.total > 0 ? Math.round((progress.done / progress.total) * 100) : 0;
  const failures = status?.failures ?? [];

  return (
    <div className="index-panel" data-testid="index-panel">
      <section className="panel-card">
        <h2>Embedding index</h2>
        <div className="settings-grid">
          <label>
            Provider
            <select
              value={provider}
              onChange={(event) => setProvider(event.target.value as 'local' | 'openai')}
              disabled={running}
            >
              <option value="local">Built-in (offline, no key)</option>
              <option value="openai">OpenAI or compatible server</option>
            </select>
          </label>
          {provider === 'openai' && (
            <>
              <label>
                Base URL
                <input value={baseUrl} onChange={(event) => setBaseUrl(event.target.value)} spellCheck={false} />
              </label>
              <label>
                Model
                <input value={model} onChange={(event) => setModel(event.target.value)} />
              </label>
              <label>
                Dimensions
                <input
                  value={dimensions}
                  onChange={(event) => setDimensions(event.target.value.replace(/\D/g, ''))}
                  placeholder="model default"
                />
              </label>
              <label>
                Concurrency
                <input
                  value={concurrency}
                  onChange={(event) => setConcurrency(event.target.value.replace(/\D/g, ''))}
                />
              </label>
              <label>
                API key
                <input
                  type="password"
                  value={apiKey}
                  onChange={(event) => setApiKey(event.target.value)}
                  placeholder="stored encrypted; leave empty to reuse"
                  autoComplete="off"
                />
              </label>
            </>
          )}
        </div>
        <div className="editor-toolbar">
          <button type="button" className="primary" onClick={() => void start()} disabled={running}>
            {status?.summary ? 'Re-index' : 'Index'}
          </button>
          <button
            type="button"
            onClick={() => void act(() => client['index/pause']({ sourceId }))}
            disabled={progress?.state !== 'running' || owner !== null}
          >
            Pause
          </button>
          <button
            type="button"
            onClick={() => void act(() => client['index/resume']({ sourceId }))}
            disabled={progress?.state !== 'paused' || owner !== null}
          >
            Resume
          </button>
          <button
            type="button"
            onClick={() => void act(() => client['index/cancel']({ sourceId }))}
            disabled={!running || owner !== null}
          >
            Cancel
          </button>
        </div>
        <ErrorNotice error={error} onDismiss={() => setError(null)} />
        {owner && (
          <p className="muted" data-testid="index-owner">
            Indexing in another process (pid {owner.pid}, since {new Date(owner.startedAt).toLocaleTimeString()}); its
            progress is shown below. Pause and cancel belong to that process.
          </p>
        )}
        {progress && (
          <div className="progress-block" data-testid="index-progress">
            <div
              className="progress-bar"
              role="progressbar"
              aria-valuenow={percent}
              aria-valuemin={0}
              aria-valuemax={100}
            >
              <div className={`progress-fill state-${progress.state}`} style={{ width: `${percent}%` }} />
            </div>
            <div className="progress-numbers">
              <span data-testid="index-percent">{percent}%</span>
              <span>
                {progress.state !== 'running'
                  ? progress.state
                  : progress.total === 0
                    ? 'reading the schema'
                    : progress.done === progress.total
                      ? 'preparing search'
                      : progress.state}
              </span>
              <span>
                {progress.done.toLocaleString()} / {progress.total.toLocaleString()} items
              </span>
              <span>{progress.itemsPerSecond.toLocaleString()} items/s</span>
              <span>ETA {progress.etaSeconds === null ? '–' : `${progress.etaSeconds} s`}</span>
              <span>{progress.embedded.toLocaleString()} embedded</span>
              <span>{progress.reused.toLocaleString()} reused</span>
              <span>{progress.requests} requests</span>
              <span>{progress.tooManyRequests} × 429</span>
              <span>{progress.retries} retries</span>
              <span className={progress.failed > 0 ? 'danger-text' : ''}>{progress.failed} failed</span>
              <span>{(progress.elapsedMs / 1000).toFixed(1)} s</span>
            </div>
          </div>
        )}
        {status?.summary?.error && status.summary.state !== 'done' && (
          <ErrorNotice
            error={{
              kind: status.summary.error.kind as SerializedError['kind'],
              message: status.summary.error.message,
            }}
          />
        )}
        {failures.length > 0 && (
          <details className="failures">
            <summary>{failures.length} item(s) failed</summary>
            <ul>
              {failures.slice(0, 200).map((failure) => (
                <li key={failure.itemId}>
                  <span className="mono">{failure.itemId}</span>: {failure.reason}
                </li>
              ))}
            </ul>
          </details>
        )}
        {status?.summary && <p className="muted">Index: {status.summary.providerId}</p>}
      </section>
      <ValueProfilesCard client={client} sourceId={sourceId} />
      <section className="panel-card">
        <h2>Search by meaning</h2>
        <form
          className="search-row"
          onSubmit={(event) => {
            event.preventDefault();
            void search();
          }}
        >
          <input
            value={query}
            onChange={(event) => setQuery(event.target.value)}
            placeholder="e.g. refunds by country, employee salary history"
            aria-label="Search by meaning"
          />
          <button type="submit" className="primary" disabled={searching || !query.trim()}>
            {searching ? 'Searching…' : 'Search'}
          </button>
        </form>
        {answer && answer.coverage.missing > 0 && (
          <p className="muted" data-testid="search-coverage">
            {answer.coverage.missing.toLocaleString()} of {answer.coverage.total.toLocaleString()} items have no vector
            (failed, or added since indexing): Ask still finds them by names and comments.
          </p>
        )}
        {answer && (
          <table className="meta-table" data-testid="search-results">
            <thead>
              <tr>
                <th>Score</th>
                <th>Kind</th>
                <th>Table</th>
                <th>Column</th>
              </tr>
            </thead>
            <tbody>
              {answer.results.map((result) => (
                <tr
                  key={`${result.kind}:${result.schema}.${result.table}.${result.column ?? ''}`}
                  onClick={() => onOpenTable({ schema: result.schema, name: result.table })}
                  className="clickable"
                >
                  <td className="mono">{result.score.toFixed(3)}</td>
                  <td>{result.kind}</td>
                  <td className="mono">{result.table}</td>
                  <td className="mono">{result.column ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}

type ValueStatus = ResponseOf<'values/status'>;

/**
 * Value profiles: off by default. On, the example values of text columns are kept in the catalog, and the ones a
 * question names go into its context (and so to the model); keys and secret-looking columns are never read.
 */
function ValueProfilesCard({ client, sourceId }: { client: SchemascopeClient; sourceId: string }) {
  const [status, setStatus] = useState<ValueStatus | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<SerializedError | null>(null);
  const [note, setNote] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    void client['values/status']({ sourceId }).then(
      (value) => live && setStatus(value),
      (caught: unknown) => live && setError(toErrorData(caught)),
    );
    return () => {
      live = false;
    };
  }, [client, sourceId]);
  const run = async (action: () => Promise<ValueStatus>) => {
    setBusy(true);
    setError(null);
    try {
      setStatus(await action());
    } catch (caught) {
      setError(toErrorData(caught));
    } finally {
      setBusy(false);
    }
  };
  const collect = () =>
    run(async () => {
      const collected = await client['values/collect']({ sourceId });
      setNote(
        `${collected.columns} columns from ${collected.tables} tables in ${(collected.ms / 1000).toFixed(1)} s${collected.skipped > 0 ? `; ${collected.skipped} skipped (${collected.firstError ?? ''})` : ''}`,
      );
      return collected;
    });
  return (
    <section className="panel-card" data-testid="value-profiles">
      <h2>Example values</h2>
      <label className="checkbox-row">
        <input
          type="checkbox"
          checked={status?.enabled ?? false}
          disabled={busy || !status}
          onChange={(event) => void run(() => client['values/set']({ sourceId, enabled: event.target.checked }))}
        />
        Keep example values of text columns, so that a question naming one (“Alameda”, “sell”) finds its column.
      </label>
      <p className="muted small">
        Off by default. On, the values a question names are shown to the model in its context. Keys and columns that
        look secret or personal are never read; turning this off deletes what was kept.
      </p>
      <div className="editor-toolbar">
        <button type="button" onClick={() => void collect()} disabled={busy || !status?.enabled}>
          {busy ? 'Collecting…' : 'Collect now'}
        </button>
        {status?.enabled && (
          <span className="muted" data-testid="value-profiles-status">
            {status.columns.toLocaleString()} columns
            {status.collectedAt
              ? `, collected ${new Date(status.collectedAt).toLocaleString()}`
              : ', not collected yet'}
          </span>
        )}
      </div>
      {note && <p className="muted small">{note}</p>}
      <ErrorNotice error={error} onDismiss={() => setError(null)} />
    </section>
  );
}
