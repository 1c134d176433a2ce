import type { SourceView } from '../../../shared/ipc-contract.ts';

const ENGINE_LABELS: Record<SourceView['engine'], string> = { sqlite: 'SQLite', mysql: 'MySQL', postgres: 'Postgres' };

export function SourceList(props: {
  sources: readonly SourceView[];
  selectedId: string | null;
  offline: ReadonlySet<string>;
  onSelect: (id: string) => void;
  onAdd: () => void;
  onEdit: (source: SourceView) => void;
}) {
  return (
    <section className="panel-section" aria-label="Connections">
      <header className="section-header">
        <span>Connections</span>
        <button
          type="button"
          className="icon-button"
          title="Add a connection"
          aria-label="Add a connection"
          onClick={props.onAdd}
        >
          +
        </button>
      </header>
      <ul className="source-list" role="listbox" aria-label="Connections">
        {props.sources.map((source) => (
          <li
            key={source.id}
            role="option"
            aria-selected={source.id === props.selectedId}
            className={source.id === props.selectedId ? 'selected' : ''}
            onClick={() => props.onSelect(source.id)}
            onDoubleClick={() => props.onEdit(source)}
            tabIndex={0}
            onKeyDown={(event) => {
              if (event.key === 'Enter') props.onSelect(source.id);
            }}
            title={source.displayUrl}
          >
            <span
              className={`status-dot ${props.offline.has(source.id) ? 'offline' : source.lastSnapshotAt ? 'online' : 'unknown'}`}
            />
            <span className="source-name">{source.name}</span>
            <span className="engine-badge">{ENGINE_LABELS[source.engine]}</span>
            {!source.isDemo && (
              <button
                type="button"
                className="icon-button subtle"
                aria-label={`Edit ${source.name}`}
                onClick={(event) => {
                  event.stopPropagation();
                  props.onEdit(source);
                }}
              >
                ✎
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
