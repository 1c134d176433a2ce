import { useCallback, useEffect, useRef, useState } from 'react';
import type { SerializedError } from '../../../shared/errors.ts';
import type { ResponseOf, SchemascopeClient } from '../../../shared/ipc-contract.ts';
import type { ExampleView, GlossaryView, NoteView } from '../../../shared/knowledge-types.ts';
import { ObjectPathError, resolveObjectPath, type ObjectTarget } from '../../../shared/object-path.ts';
import { ErrorNotice, toErrorData } from './ErrorNotice.tsx';

type Imported = ResponseOf<'pack/import'>;
type Exported = ResponseOf<'pack/export'>;

/**
 * The team's knowledge about a source: notes (flagged when their object is gone), glossary terms linked to tables
 * and columns, examples (edit, delete), an offline search over all three, and schema packs to share them.
 */
export function KnowledgePanel({
  client,
  sourceId,
  onOpenTable,
}: {
  client: SchemascopeClient;
  sourceId: string;
  onOpenTable: (table: { schema: string; name: string }) => void;
}) {
  const [notes, setNotes] = useState<NoteView[]>([]);
  const [glossary, setGlossary] = useState<GlossaryView[]>([]);
  const [examples, setExamples] = useState<ExampleView[]>([]);
  const [search, setSearch] = useState('');
  const [error, setError] = useState<SerializedError | null>(null);
  const [exported, setExported] = useState<Exported | null>(null);
  const [imported, setImported] = useState<Imported | null>(null);
  const [includeValues, setIncludeValues] = useState(false);
  const [busy, setBusy] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);

  const load = useCallback(async () => {
    try {
      const text = search.trim();
      const found = text
        ? await client['knowledge/search']({ sourceId, text })
        : await client['knowledge/list']({ sourceId });
      setNotes(found.notes);
      setGlossary(found.glossary);
      setExamples(found.examples);
    } catch (caught) {
      setError(toErrorData(caught));
    }
  }, [client, sourceId, search]);

  useEffect(() => {
    const timer = setTimeout(() => void load(), 150);
    return () => clearTimeout(timer);
  }, [load]);

  const act = async (work: () => Promise<unknown>) => {
    setError(null);
    setBusy(true);
    try {
      await work();
      await load();
    } catch (caught) {
      setError(toErrorData(caught));
    } finally {
      setBusy(false);
    }
  };

  const exportPack = () =>
    act(async () => {
      setImported(null);
      setExported(await client['pack/export']({ sourceId, includeValues }));
    });

  const importPack = (file: File) =>
    act(async () => {
      setExported(null);
      setImported(await client['pack/import']({ content: await file.text() }));
    });

  return (
    <div className="knowledge-panel" data-testid="knowledge-panel">
      <div className="ask-row">
        <input
          className="ask-input"
          aria-label="Search team knowledge"
          placeholder="Search notes, glossary and examples (offline)"
          value={search}
          onChange={(event) => setSearch(event.target.value)}
        />
        <button
          type="button"
          onClick={() => void exportPack()}
          disabled={busy}
          title="Write the cached schema with notes, glossary and examples to one file (never credentials)"
        >
          Export pack
        </button>
        <label className="muted small check">
          <input type="checkbox" checked={includeValues} onChange={(event) => setIncludeValues(event.target.checked)} />{' '}
          include example values
        </label>
        <button
          type="button"
          onClick={() => fileInput.current?.click()}
          disabled={busy}
          title="Import a colleague's schema pack (offline)"
        >
          Import pack…
        </button>
        <input
          ref={fileInput}
          type="file"
          accept=".sspack,application/json"
          aria-label="Schema pack file"
          hidden
          onChange={(event) => {
            const file = event.target.files?.[0];
            event.target.value = '';
            if (file) void importPack(file);
          }}
        />
      </div>
      <ErrorNotice error={error} onDismiss={() => setError(null)} />
      {exported && (
        <div className="notice notice-ok" data-testid="pack-exported" role="status">
          <span className="notice-message">
            Pack written to <span className="mono">{exported.file}</span>: {exported.tables} tables, {exported.columns}{' '}
            columns, {count(exported.notes, 'note')}, {count(exported.glossary, 'term')},{' '}
            {count(exported.examples, 'example')}
            {exported.values > 0 ? `, example values of ${exported.values} columns` : ''} · sha256{' '}
            <span className="mono">{exported.checksum.slice(0, 12)}</span>
          </span>
        </div>
      )}
      {imported && <ImportSummary imported={imported} />}
      <div className="knowledge-columns">
        <section aria-label="Notes">
          <h2>Notes ({notes.length})</h2>
          {notes.length === 0 && <p className="muted small">Write notes inline in a table's detail.</p>}
          <ul className="link-list" data-testid="notes-list">
            {notes.map((note) => (
              <li key={`${note.schema}\u0000${note.object}`}>
                <button
                  type="button"
                  className="link mono"
                  onClick={() => onOpenTable({ schema: note.schema, name: note.table })}
                >
                  {note.object}
                </button>
                {!note.attached && (
                  <span
                    className="key gone"
                    title="Not in the latest snapshot: kept by name, back when the object returns"
                  >
                    gone
                  </span>
                )}{' '}
                <span>{note.text}</span>
              </li>
            ))}
          </ul>
        </section>
        <section aria-label="Glossary">
          <h2>Glossary ({glossary.length})</h2>
          <TermForm
            client={client}
            sourceId={sourceId}
            busy={busy}
            onSave={(term) => act(() => client['glossary/set']({ sourceId, ...term }))}
            onError={(caught) => setError(toErrorData(caught))}
          />
          <ul className="link-list" data-testid="glossary-list">
            {glossary.map((term) => (
              <li key={term.term}>
                <strong>{term.term}</strong>: {term.definition}{' '}
                {term.links.map((link) => (
                  <span
                    key={link.object}
                    className={`mono small${link.attached ? '' : ' muted'}`}
                    title={link.attached ? undefined : 'gone from the schema'}
                  >
                    {link.object}{' '}
                  </span>
                ))}
                <button
                  type="button"
                  className="icon-button"
                  aria-label={`Remove the term ${term.term}`}
                  onClick={() => void act(() => client['glossary/remove']({ sourceId, term: term.term }))}
                >
                  ×
                </button>
              </li>
            ))}
          </ul>
        </section>
        <section aria-label="Examples">
          <h2>Examples ({examples.length})</h2>
          {examples.length === 0 && <p className="muted small">Mark a good Ask result to keep it as an example.</p>}
          <ul className="example-list" data-testid="examples-list">
            {examples.map((example) => (
              <ExampleItem
                key={example.id}
                example={example}
                busy={busy}
                onSave={(change) => act(() => client['examples/update']({ id: example.id, ...change }))}
                onRemove={() => act(() => client['examples/remove']({ id: example.id }))}
              />
            ))}
          </ul>
        </section>
      </div>
    </div>
  );
}

function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function ImportSummary({ imported }: { imported: Imported }) {
  const { diff } = imported;
  const changes = diff.added.length + diff.removed.length + diff.changed.length;
  return (
    <div className="notice notice-ok" data-testid="pack-imported" role="status">
      <span className="notice-message">
        Imported <strong>{imported.source.name}</strong> ({imported.tables} tables, {imported.notes} notes,{' '}
        {imported.glossary} terms, {imported.examples} examples) into{' '}
        {imported.existing ? 'the existing source' : 'a new source'}, without connecting.
        {imported.existing && (
          <span data-testid="pack-diff">
            {' '}
            Against the snapshot there:{' '}
            {changes === 0
              ? 'no change'
              : `${diff.added.length} added, ${diff.removed.length} removed, ${diff.changed.length} changed`}
            , {diff.unchanged} unchanged
            {changes > 0
              ? ` (${[...diff.added.map((name) => `+${name}`), ...diff.removed.map((name) => `−${name}`), ...diff.changed.map((name) => `~${name}`)].slice(0, 12).join(', ')})`
              : ''}
            .
          </span>
        )}
      </span>
    </div>
  );
}

/** A new glossary term: its links are OBJECT paths (`table`, `table.column`), resolved against the cached schema. */
function TermForm({
  client,
  sourceId,
  busy,
  onSave,
  onError,
}: {
  client: SchemascopeClient;
  sourceId: string;
  busy: boolean;
  onSave: (term: { term: string; definition: string; links: ObjectTarget[] }) => Promise<void>;
  onError: (error: unknown) => void;
}) {
  const [term, setTerm] = useState('');
  const [definition, setDefinition] = useState('');
  const [links, setLinks] = useState('');
  const submit = async () => {
    if (!term.trim() || !definition.trim()) return;
    try {
      const { tables } = await client['schema/names']({ sourceId });
      const named = tables.map((table) => ({ schema: table.schema, name: table.name, columns: table.columns }));
      const targets = links
        .split(',')
        .map((path) => path.trim())
        .filter(Boolean)
        .map((path) => resolveObjectPath(path, named));
      await onSave({ term: term.trim(), definition: definition.trim(), links: targets });
      setTerm('');
      setDefinition('');
      setLinks('');
    } catch (caught) {
      onError(caught instanceof ObjectPathError ? { kind: 'invalid_input', message: caught.message } : caught);
    }
  };
  return (
    <form
      className="term-form"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <input
        aria-label="Term"
        placeholder="term, e.g. churn"
        value={term}
        maxLength={200}
        onChange={(event) => setTerm(event.target.value)}
      />
      <input
        aria-label="Definition"
        placeholder="what it means"
        value={definition}
        maxLength={4000}
        onChange={(event) => setDefinition(event.target.value)}
      />
      <input
        aria-label="Linked tables and columns"
        placeholder="table, table.column, …"
        value={links}
        onChange={(event) => setLinks(event.target.value)}
      />
      <button type="submit" disabled={busy || !term.trim() || !definition.trim()}>
        Add term
      </button>
    </form>
  );
}

function ExampleItem({
  example,
  busy,
  onSave,
  onRemove,
}: {
  example: ExampleView;
  busy: boolean;
  onSave: (change: { question: string; sql: string }) => Promise<void>;
  onRemove: () => Promise<void>;
}) {
  const [editing, setEditing] = useState(false);
  const [question, setQuestion] = useState(example.question);
  const [sql, setSql] = useState(example.sql);
  if (editing) {
    return (
      <li className="example-item">
        <input
          aria-label="Example question"
          value={question}
          maxLength={4000}
          onChange={(event) => setQuestion(event.target.value)}
        />
        <textarea
          aria-label="Example SQL"
          className="mono"
          rows={4}
          value={sql}
          spellCheck={false}
          onChange={(event) => setSql(event.target.value)}
          onKeyDown={(event) => event.key === 'Escape' && setEditing(false)}
        />
        <div className="note-actions">
          <button
            type="button"
            className="primary"
            disabled={busy}
            onClick={() => void onSave({ question, sql }).then(() => setEditing(false))}
          >
            Save
          </button>
          <button type="button" onClick={() => setEditing(false)}>
            Cancel
          </button>
        </div>
      </li>
    );
  }
  return (
    <li className="example-item">
      <div>
        <strong>{example.question}</strong> <span className="muted small">{example.tables.join(', ')}</span>
      </div>
      <pre className="mono example-sql">{example.sql}</pre>
      <div className="note-actions">
        <button type="button" onClick={() => setEditing(true)} aria-label={`Edit the example ${example.question}`}>
          Edit
        </button>
        <button
          type="button"
          className="danger"
          disabled={busy}
          onClick={() => void onRemove()}
          aria-label={`Delete the example ${example.question}`}
        >
          Delete
        </button>
      </div>
    </li>
  );
}
