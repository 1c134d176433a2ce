import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { SerializedError } from '../../shared/errors.ts';
import type {
  ResponseOf,
  SchemascopeClient,
  SubscribeEvents,
  SnapshotInfo,
  SourceView,
  TableSummary,
} from '../../shared/ipc-contract.ts';
import { AskPanel } from './components/AskPanel.tsx';
import { ErrorNotice, toErrorData } from './components/ErrorNotice.tsx';
import { IndexPanel } from './components/IndexPanel.tsx';
import { KnowledgePanel } from './components/KnowledgePanel.tsx';
import { MonitorPanel } from './components/MonitorPanel.tsx';
import { SchemaTree, type TableRef } from './components/SchemaTree.tsx';
import { SettingsDialog } from './components/SettingsDialog.tsx';
import { SourceDialog } from './components/SourceDialog.tsx';
import { SourceList } from './components/SourceList.tsx';
import { SqlPanel } from './components/SqlPanel.tsx';
import { StatusBar } from './components/StatusBar.tsx';
import { TableDetail } from './components/TableDetail.tsx';
import { useTheme } from './use-theme.ts';
import { openTableSql } from '../../shared/sql-identifiers.ts';

type Tab = 'table' | 'ask' | 'sql' | 'index' | 'memory' | 'metrics' | 'knowledge';

const TABS: { id: Tab; label: string; key: string }[] = [
  { id: 'table', label: 'Table', key: '1' },
  { id: 'ask', label: 'Ask', key: '2' },
  { id: 'sql', label: 'SQL', key: '3' },
  { id: 'index', label: 'Search & index', key: '4' },
  { id: 'memory', label: 'Memory', key: '5' },
  { id: 'metrics', label: 'Metrics', key: '6' },
  { id: 'knowledge', label: 'Knowledge', key: '7' },
];

export function App({ client, subscribe }: { client: SchemascopeClient; subscribe: SubscribeEvents }) {
  const [info, setInfo] = useState<ResponseOf<'app/info'> | null>(null);
  const [sources, setSources] = useState<SourceView[]>([]);
  const [sourceId, setSourceId] = useState<string | null>(null);
  const [tables, setTables] = useState<TableSummary[]>([]);
  const [snapshot, setSnapshot] = useState<SnapshotInfo | null>(null);
  const [offline, setOffline] = useState<Set<string>>(new Set());
  const [selected, setSelected] = useState<TableRef | null>(null);
  const [tab, setTab] = useState<Tab>('table');
  const [error, setError] = useState<SerializedError | null>(null);
  const [loading, setLoading] = useState(false);
  const [dialog, setDialog] = useState<{ source: SourceView | null } | null>(null);
  const [toast, setToast] = useState<string | null>(null);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [theme, toggleTheme] = useTheme();
  const filterRef = useRef<HTMLInputElement>(null);

  const loadSources = useCallback(async () => {
    try {
      const { sources: list } = await client['sources/list']({});
      setSources(list);
      setSourceId((current) => current ?? list[0]?.id ?? null);
    } catch (caught) {
      setError(toErrorData(caught));
    }
  }, [client]);

  const loadTables = useCallback(
    async (id: string) => {
      setLoading(true);
      setError(null);
      try {
        const answer = await client['schema/tables']({ sourceId: id });
        setTables(answer.tables);
        setSnapshot(answer.snapshot);
        void loadSources(); // the connection's dot and snapshot time follow what just happened
        setOffline((current) => {
          const next = new Set(current);
          if (answer.snapshot?.offline) next.add(id);
          else next.delete(id);
          return next;
        });
      } catch (caught) {
        setTables([]);
        setSnapshot(null);
        setError(toErrorData(caught));
      } finally {
        setLoading(false);
      }
    },
    [client, loadSources],
  );

  const refresh = async () => {
    if (!sourceId) return;
    setLoading(true);
    try {
      const result = await client['schema/refresh']({ sourceId });
      const { added, removed, changed } = result.diff;
      const summary =
        added.length + removed.length + changed.length === 0
          ? 'no change'
          : `${added.length} added, ${changed.length} changed, ${removed.length} removed`;
      setToast(`Schema refreshed in ${Math.round(result.ms)} ms (${result.queries} catalog queries): ${summary}.`);
      setTimeout(() => setToast(null), 5000);
    } catch (caught) {
      setError(toErrorData(caught));
    }
    await loadTables(sourceId);
  };

  useEffect(() => {
    void client['app/info']({}).then(setInfo, (caught: unknown) => setError(toErrorData(caught)));
    void loadSources();
    return subscribe((event) => {
      if (event.channel === 'sources/changed') void loadSources();
    });
  }, [client, subscribe, loadSources]);

  useEffect(() => {
    setSelected(null);
    if (sourceId) void loadTables(sourceId);
  }, [sourceId, loadTables]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement;
      const typing = target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT';
      const byKey = event.altKey ? TABS.find((entry) => entry.key === event.key) : undefined;
      if (byKey) {
        event.preventDefault();
        setTab(byKey.id);
        return;
      }
      if ((event.key === '/' && !typing) || ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'k')) {
        event.preventDefault();
        filterRef.current?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const source = useMemo(() => sources.find((candidate) => candidate.id === sourceId) ?? null, [sources, sourceId]);
  const openTable = (table: TableRef) => {
    setSelected(table);
    setTab('table');
  };

  return (
    <div className={`app theme-${theme}`}>
      <header className="top-bar">
        <span className="brand">Schemascope</span>
        <span className="muted">{source?.displayUrl}</span>
        <span className="spacer" />
        <button
          type="button"
          onClick={() => void refresh()}
          disabled={!sourceId || loading}
          title="Introspect the live database again"
        >
          {loading ? 'Loading…' : '⟳ Refresh schema'}
        </button>
        <button type="button" onClick={() => setSettingsOpen(true)} title="Language model, token budget, row limit">
          ⚙ Settings
        </button>
        <button type="button" onClick={toggleTheme} aria-label="Toggle theme" title="Light / dark">
          {theme === 'dark' ? '☀' : '☾'}
        </button>
      </header>
      <aside className="sidebar">
        <SourceList
          sources={sources}
          selectedId={sourceId}
          offline={offline}
          onSelect={setSourceId}
          onAdd={() => setDialog({ source: null })}
          onEdit={(s) => setDialog({ source: s })}
        />
        <SchemaTree
          key={sourceId ?? 'none'}
          tables={tables}
          selected={selected}
          onOpen={openTable}
          loadTable={async (table) =>
            (await client['schema/table']({ sourceId: sourceId!, schema: table.schema, table: table.name })).table
          }
          filterRef={filterRef}
        />
      </aside>
      <main className="workspace">
        <nav className="tabs" role="tablist">
          {TABS.map((entry) => (
            <button
              key={entry.id}
              type="button"
              role="tab"
              aria-selected={tab === entry.id}
              className={tab === entry.id ? 'active' : ''}
              onClick={() => setTab(entry.id)}
              title={`Alt+${entry.key}`}
            >
              {entry.label}
            </button>
          ))}
        </nav>
        {snapshot?.warning && <div className="notice notice-warn">{snapshot.warning}</div>}
        <ErrorNotice error={error} onDismiss={() => setError(null)} />
        <div className="tab-body">
          {tab === 'table' && sourceId && selected && (
            <TableDetail client={client} sourceId={sourceId} table={selected} onOpenTable={openTable} />
          )}
          {tab === 'table' && !selected && (
            <div className="empty-state">
              <p>
                {tables.length > 0
                  ? `${tables.length} tables. Pick one on the left, or press / to filter.`
                  : loading
                    ? 'Reading the schema…'
                    : 'Add a connection to start.'}
              </p>
            </div>
          )}
          {(tab === 'memory' || tab === 'metrics') && <MonitorPanel key={tab} client={client} view={tab} />}
          {tab === 'ask' && sourceId && (
            <AskPanel
              key={sourceId}
              client={client}
              subscribe={subscribe}
              sourceId={sourceId}
              onOpenSettings={() => setSettingsOpen(true)}
              onOpenTable={openTable}
            />
          )}
          {tab === 'knowledge' && sourceId && (
            <KnowledgePanel key={sourceId} client={client} sourceId={sourceId} onOpenTable={openTable} />
          )}
          {tab === 'index' && sourceId && (
            <IndexPanel
              key={sourceId}
              client={client}
              subscribe={subscribe}
              sourceId={sourceId}
              onOpenTable={openTable}
            />
          )}
          {tab === 'sql' && sourceId && (
            <SqlPanel
              key={sourceId}
              client={client}
              sourceId={sourceId}
              dialect={source?.engine ?? 'sqlite'}
              initialSql={
                selected
                  ? openTableSql(
                      source?.engine ?? 'sqlite',
                      selected,
                      new Set(tables.map((table) => table.schema)).size,
                    )
                  : 'SELECT 1'
              }
            />
          )}
        </div>
      </main>
      <StatusBar
        client={client}
        source={source}
        snapshot={snapshot}
        tableCount={tables.length}
        mode={info?.mode ?? ''}
      />
      {toast && (
        <div className="toast" role="status" data-testid="toast">
          {toast}
        </div>
      )}
      {settingsOpen && <SettingsDialog client={client} onClose={() => setSettingsOpen(false)} />}
      {dialog && (
        <SourceDialog
          client={client}
          source={dialog.source}
          mode={info?.mode ?? 'web'}
          onClose={() => setDialog(null)}
          onSaved={(saved) => {
            setDialog(null);
            void loadSources().then(() => setSourceId(saved.id));
          }}
          onRemoved={(id) => {
            setDialog(null);
            if (sourceId === id) setSourceId(null);
            void loadSources();
          }}
        />
      )}
    </div>
  );
}
