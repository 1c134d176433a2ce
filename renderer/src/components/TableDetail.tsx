import { useCallback, useEffect, useState } from 'react';
import type { SerializedError } from '../../../shared/errors.ts';
import type { QueryResult, ResponseOf, SchemascopeClient } from '../../../shared/ipc-contract.ts';
import { ErrorNotice, toErrorData } from './ErrorNotice.tsx';
import { ResultsGrid } from './ResultsGrid.tsx';
import { RelationDiagram } from './RelationDiagram.tsx';
import type { TableRef } from './SchemaTree.tsx';
import { NoteEditor } from './NoteEditor.tsx';
import { noteKey, useNotes } from './use-notes.ts';

type Detail = ResponseOf<'schema/table'>;

/** One table: columns with types, keys and comments; foreign keys both ways; indexes; a read-only sample. */
export function TableDetail({
  client,
  sourceId,
  table,
  onOpenTable,
}: {
  client: SchemascopeClient;
  sourceId: string;
  table: TableRef;
  onOpenTable: (table: TableRef) => void;
}) {
  const [detail, setDetail] = useState<Detail | null>(null);
  const [error, setError] = useState<SerializedError | null>(null);
  const [sample, setSample] = useState<QueryResult | null>(null);
  const [sampling, setSampling] = useState(false);
  const [diagram, setDiagram] = useState(false);
  const onNoteError = useCallback((caught: unknown) => setError(toErrorData(caught)), []);
  const notes = useNotes(client, sourceId, onNoteError);

  useEffect(() => {
    let live = true;
    setDetail(null);
    setSample(null);
    setError(null);
    client['schema/table']({ sourceId, schema: table.schema, table: table.name }).then(
      (value) => live && setDetail(value),
      (caught: unknown) => live && setError(toErrorData(caught)),
    );
    return () => {
      live = false;
    };
  }, [client, sourceId, table.schema, table.name]);

  const loadSample = async () => {
    setSampling(true);
    setError(null);
    try {
      setSample(await client['schema/sample']({ sourceId, schema: table.schema, table: table.name }));
    } catch (caught) {
      setError(toErrorData(caught));
    } finally {
      setSampling(false);
    }
  };

  if (!detail)
    return (
      <div className="detail">
        {error ? <ErrorNotice error={error} /> : <p className="muted pad">Loading {table.name}…</p>}
      </div>
    );
  const info = detail.table;
  const primary = new Set(info.primaryKey);
  const foreign = new Map(
    info.foreignKeys.flatMap((fk) =>
      fk.columns.map((column, index) => [column, `${fk.refTable}.${fk.refColumns[index] ?? ''}`] as const),
    ),
  );

  return (
    <div className="detail" data-testid="table-detail">
      <header className="detail-header">
        <h1>
          <span className="muted exact-name">{info.schema}.</span>
          <span className="exact-name">{info.name}</span>
        </h1>
        <span className="pill">{info.kind}</span>
        <span className="muted">
          {info.columns.length} columns ·{' '}
          {info.rowEstimate === null ? 'rows unknown' : `~${info.rowEstimate.toLocaleString()} rows`}
        </span>
        <span className="spacer" />
        <button
          type="button"
          aria-pressed={diagram}
          onClick={() => setDiagram((open) => !open)}
          title="This table and its neighbours, from the cached schema (works offline)"
        >
          Diagram
        </button>
        <button
          type="button"
          onClick={() => void loadSample()}
          disabled={sampling || detail.snapshot.offline}
          title={detail.snapshot.offline ? 'Offline: rows need the live database' : 'Read 50 rows (read-only)'}
        >
          {sampling ? 'Loading…' : 'Sample 50 rows'}
        </button>
      </header>
      {info.comment && <p className="table-comment">{info.comment}</p>}
      <div className="table-note" data-testid="table-note">
        <span className="muted small">Team note</span>
        <NoteEditor
          label={info.name}
          note={notes.notes.get(noteKey(info.schema, info.name, null))?.text ?? null}
          onSave={(text) => notes.save(info.schema, info.name, null, text)}
          onRemove={() => notes.remove(info.schema, info.name, null)}
        />
      </div>
      {detail.snapshot.warning && <div className="notice notice-warn">{detail.snapshot.warning}</div>}
      <ErrorNotice error={error} onDismiss={() => setError(null)} />
      {diagram && (
        <RelationDiagram
          client={client}
          sourceId={sourceId}
          scope={{ focus: table, depth: 1 }}
          onOpenTable={onOpenTable}
          title={`Around ${info.name}`}
        />
      )}
      {sample && (
        <div className="sample">
          <ResultsGrid result={sample} />
        </div>
      )}
      <table className="meta-table" data-testid="columns-table">
        <thead>
          <tr>
            <th>#</th>
            <th>Column</th>
            <th>Type</th>
            <th>Null</th>
            <th>Key</th>
            <th>Default</th>
            <th>Comment</th>
            <th>Team note</th>
          </tr>
        </thead>
        <tbody>
          {info.columns.map((column) => (
            <tr key={column.name}>
              <td className="muted">{column.ordinal}</td>
              <td className="mono exact-name">{column.name}</td>
              <td className="mono muted">{column.type}</td>
              <td>{column.nullable ? 'yes' : ''}</td>
              <td>
                {primary.has(column.name) && <span className="key pk">PK</span>}
                {foreign.has(column.name) && (
                  <span className="key fk" title={`→ ${foreign.get(column.name)}`}>
                    FK
                  </span>
                )}
              </td>
              <td className="mono muted">{column.defaultValue ?? ''}</td>
              <td>{column.comment ?? ''}</td>
              <td className="note-cell">
                <NoteEditor
                  label={`${info.name}.${column.name}`}
                  note={notes.notes.get(noteKey(info.schema, info.name, column.name))?.text ?? null}
                  onSave={(text) => notes.save(info.schema, info.name, column.name, text)}
                  onRemove={() => notes.remove(info.schema, info.name, column.name)}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="detail-columns">
        <section>
          <h2>References ({info.foreignKeys.length})</h2>
          {info.foreignKeys.length === 0 && <p className="muted">No foreign keys.</p>}
          <ul className="link-list">
            {info.foreignKeys.map((fk) => (
              <li key={fk.name}>
                <span className="mono exact-name">{fk.columns.join(', ')}</span> →{' '}
                <button
                  type="button"
                  className="link exact-name"
                  onClick={() => onOpenTable({ schema: fk.refSchema, name: fk.refTable })}
                >
                  {fk.refTable}
                </button>
                <span className="mono muted exact-name">({fk.refColumns.join(', ')})</span>
              </li>
            ))}
          </ul>
        </section>
        <section>
          <h2>Referenced by ({detail.incoming.length})</h2>
          {detail.incoming.length === 0 && <p className="muted">No table points here.</p>}
          <ul className="link-list">
            {detail.incoming.map((entry) => (
              <li key={JSON.stringify([entry.schema, entry.table, entry.foreignKey.name])}>
                <button
                  type="button"
                  className="link exact-name"
                  onClick={() => onOpenTable({ schema: entry.schema, name: entry.table })}
                >
                  {entry.table}
                </button>
                <span className="mono muted exact-name">.{entry.foreignKey.columns.join(', ')}</span>
              </li>
            ))}
          </ul>
        </section>
        <section>
          <h2>Indexes ({info.indexes.length})</h2>
          {info.indexes.length === 0 && <p className="muted">No indexes.</p>}
          <ul className="link-list">
            {info.indexes.map((index) => (
              <li key={index.name}>
                <span className="mono exact-name">{index.name}</span>{' '}
                <span className="muted exact-name">({index.columns.join(', ')})</span>
                {index.primary ? (
                  <span className="key pk">PK</span>
                ) : index.unique ? (
                  <span className="key">UNIQUE</span>
                ) : null}
              </li>
            ))}
          </ul>
        </section>
      </div>
    </div>
  );
}
