import { useEffect, useRef, useState } from 'react';
import type { SerializedError } from '../../../shared/errors.ts';
import type {
  ContextView,
  ExplainView,
  QueryResult,
  ResponseOf,
  SchemascopeClient,
  SubscribeEvents,
} from '../../../shared/ipc-contract.ts';
import { PlanView } from './PlanView.tsx';
import { explainError } from './SqlPanel.tsx';
import { ResultView } from './ResultView.tsx';
import { RelationDiagram } from './RelationDiagram.tsx';
import type { TableRef } from './SchemaTree.tsx';
import { ErrorNotice, toErrorData } from './ErrorNotice.tsx';
import { TokenBar } from './TokenBar.tsx';

type AskAnswer = ResponseOf<'ask/start'>;

/**
 * Ask in plain words: the retrieved tables and columns with their exact token count against the budget, the model's
 * answer as it streams, the SQL (editable; refused SQL is shown with the reason), then run it read-only.
 * With no model configured it still shows the context, and the analyst writes the SQL.
 */
export function AskPanel({
  client,
  subscribe,
  sourceId,
  onOpenSettings,
  onOpenTable,
}: {
  client: SchemascopeClient;
  subscribe: SubscribeEvents;
  sourceId: string;
  onOpenSettings: () => void;
  onOpenTable: (table: TableRef) => void;
}) {
  const [question, setQuestion] = useState('');
  const [context, setContext] = useState<ContextView | null>(null);
  const [answer, setAnswer] = useState<AskAnswer | null>(null);
  const [streamed, setStreamed] = useState('');
  const [sql, setSql] = useState('');
  const [refusal, setRefusal] = useState<SerializedError | null>(null);
  const [result, setResult] = useState<QueryResult | null>(null);
  const [error, setError] = useState<SerializedError | null>(null);
  const [busy, setBusy] = useState<'context' | 'ask' | 'run' | 'explain' | null>(null);
  const [plan, setPlan] = useState<ExplainView | null>(null);
  const [planError, setPlanError] = useState<SerializedError | null>(null);
  const [diagram, setDiagram] = useState(false);
  const [kept, setKept] = useState<string | null>(null);
  const askId = useRef<string | null>(null);
  const queryId = useRef<string | null>(null);

  useEffect(
    () =>
      subscribe((event) => {
        if (event.channel !== 'ask/delta') return;
        const payload = event.payload;
        if (payload.askId === askId.current) setStreamed((current) => current + payload.text);
      }),
    [subscribe],
  );

  const reset = () => {
    setKept(null);
    setError(null);
    setRefusal(null);
    setResult(null);
    setStreamed('');
    setPlan(null);
    setPlanError(null);
  };

  /** The plan of the SQL, never running it: shown for generated SQL before anyone runs it. */
  const explain = async (text: string) => {
    if (!text.trim()) return;
    setPlanError(null);
    setBusy('explain');
    try {
      setPlan(await client['query/explain']({ sourceId, sql: text }));
    } catch (caught) {
      setPlan(null);
      setPlanError(explainError(toErrorData(caught)));
    } finally {
      setBusy(null);
    }
  };

  const showContext = async () => {
    if (!question.trim() || busy) return;
    reset();
    setBusy('context');
    try {
      setContext(await client['context/build']({ sourceId, question }));
      setAnswer(null);
    } catch (caught) {
      setError(toErrorData(caught));
    } finally {
      setBusy(null);
    }
  };

  const ask = async () => {
    if (!question.trim() || busy) return;
    reset();
    setBusy('ask');
    askId.current = crypto.randomUUID();
    try {
      const answered = await client['ask/start']({ askId: askId.current, sourceId, question });
      setAnswer(answered);
      setContext(answered.context);
      setRefusal(answered.refusal);
      if (answered.sql !== null) setSql(answered.sql);
      askId.current = null;
      if (answered.sql !== null && answered.refusal === null && answered.result === null) await explain(answered.sql);
    } catch (caught) {
      setError(toErrorData(caught));
    } finally {
      askId.current = null;
      setBusy(null);
    }
  };

  const run = async () => {
    if (!sql.trim() || busy) return;
    setError(null);
    setResult(null);
    setPlan(null);
    setBusy('run');
    queryId.current = crypto.randomUUID();
    try {
      setResult(
        await client['query/execute']({
          sourceId,
          sql,
          queryId: queryId.current,
          origin: 'ask',
          ...(question.trim() ? { question: question.trim() } : {}),
        }),
      );
    } catch (caught) {
      setError(toErrorData(caught));
    } finally {
      queryId.current = null;
      setBusy(null);
    }
  };

  /** Keeps the question with this SQL as an example: the nearest examples go into later questions' contexts. */
  const markGood = async () => {
    if (!question.trim() || !sql.trim()) return;
    try {
      const example = await client['examples/add']({ sourceId, question: question.trim(), sql: sql.trim() });
      setKept(`Kept as example #${example.id}${example.tables.length > 0 ? ` (${example.tables.join(', ')})` : ''}.`);
    } catch (caught) {
      setError(toErrorData(caught));
    }
  };

  const cancel = () => {
    if (askId.current) void client['ask/cancel']({ askId: askId.current }).catch(() => undefined);
    if (queryId.current) void client['query/cancel']({ queryId: queryId.current }).catch(() => undefined);
  };

  return (
    <div className="ask-panel" data-testid="ask-panel">
      <div className="ask-row">
        <input
          className="ask-input"
          aria-label="Question"
          placeholder="Ask about the data, e.g. refunds by country last quarter"
          value={question}
          maxLength={4000}
          onChange={(event) => setQuestion(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter') void (event.ctrlKey || event.metaKey || event.shiftKey ? showContext() : ask());
            if (event.key === 'Escape') cancel();
          }}
        />
        <button
          type="button"
          className="primary"
          onClick={() => void ask()}
          disabled={Boolean(busy) || !question.trim()}
          title="Ask the model (Enter)"
        >
          Ask
        </button>
        <button
          type="button"
          onClick={() => void showContext()}
          disabled={Boolean(busy) || !question.trim()}
          title="Only retrieve and pack the context (Shift+Enter)"
        >
          Context only
        </button>
        <button type="button" onClick={cancel} disabled={busy !== 'ask' && busy !== 'run'} title="Stop (Esc)">
          ■ Stop
        </button>
        {busy && <span className="spinner" aria-label="Working" />}
      </div>
      <ErrorNotice error={error} onDismiss={() => setError(null)} />
      <div className="ask-body">
        <section className="ask-context" aria-label="Retrieved context">
          {context ? (
            <>
              <TokenBar used={context.tokens} budget={context.budget} encoding={context.encoding} />
              <div className="muted small">
                {context.tables.length} tables, {context.columns.length} columns ·{' '}
                {context.retrieval.vectors ? 'vectors + names' : 'names and comments only'} · {context.retrieval.ms} ms
              </div>
              {context.retrieval.note && <div className="muted small">{context.retrieval.note}</div>}
              {context.knowledge && (context.knowledge.examples.length > 0 || context.knowledge.terms.length > 0) && (
                <div className="muted small" data-testid="context-knowledge">
                  Team knowledge: {context.knowledge.examples.length} example
                  {context.knowledge.examples.length === 1 ? '' : 's'}
                  {context.knowledge.terms.length > 0 ? `, terms ${context.knowledge.terms.join(', ')}` : ''}
                </div>
              )}
              <ContextTables context={context} />
              <button
                type="button"
                className="link small"
                onClick={() => setDiagram((open) => !open)}
                aria-expanded={diagram}
                disabled={context.tables.length === 0}
              >
                {diagram ? 'Hide the diagram' : `Diagram of these ${context.tables.length} tables`}
              </button>
              {context.omitted.tables > 0 && (
                <div className="muted small" data-testid="omitted">
                  Did not fit: {context.omitted.tables} tables, {context.omitted.columns.toLocaleString()} columns
                  {context.omitted.firstTables.length > 0
                    ? ` (next: ${context.omitted.firstTables.slice(0, 5).join(', ')})`
                    : ''}
                </div>
              )}
            </>
          ) : (
            <p className="muted">
              The tables and columns sent to the model, with their exact token count, appear here.
            </p>
          )}
        </section>
        <section className="ask-sql" aria-label="Generated SQL">
          {answer?.note && (
            <div className="notice notice-warn">
              {answer.note}{' '}
              <button type="button" className="link" onClick={onOpenSettings}>
                Settings
              </button>
            </div>
          )}
          {busy === 'ask' && (
            <pre className="stream mono" data-testid="stream">
              {streamed || 'Waiting for the model…'}
            </pre>
          )}
          {refusal && (
            <div className="notice notice-error" data-testid="refusal">
              <strong>Not run:</strong> {refusal.message}
            </div>
          )}
          <textarea
            className="sql-editor ask-sql-editor"
            aria-label="SQL to run"
            spellCheck={false}
            placeholder="The generated SQL appears here; you can also write it yourself."
            value={sql}
            onChange={(event) => setSql(event.target.value)}
            onKeyDown={(event) => {
              if ((event.ctrlKey || event.metaKey) && event.key === 'Enter') {
                event.preventDefault();
                void (event.shiftKey ? explain(sql) : run());
              }
            }}
          />
          <div className="editor-toolbar">
            <button
              type="button"
              className="primary"
              onClick={() => void run()}
              disabled={Boolean(busy) || !sql.trim()}
              title="Run read-only (Ctrl+Enter)"
            >
              ▶ Run
            </button>
            <button
              type="button"
              onClick={() => void explain(sql)}
              disabled={Boolean(busy) || !sql.trim()}
              title="Show the plan without running (Ctrl+Shift+Enter)"
            >
              Explain
            </button>
            <button
              type="button"
              onClick={() => void markGood()}
              disabled={Boolean(busy) || !sql.trim() || !question.trim()}
              title="Keep this question and SQL as an example for later questions"
            >
              ✓ Mark good
            </button>
            {kept && (
              <span className="muted small" role="status" data-testid="kept">
                {kept}
              </span>
            )}
            {answer?.llm && (
              <span className="muted small">
                {answer.llm.model} · {answer.llm.ms} ms
                {answer.llm.firstTokenMs !== null ? ` (first token ${answer.llm.firstTokenMs} ms)` : ''}
              </span>
            )}
          </div>
        </section>
      </div>
      {planError && <ErrorNotice error={planError} onDismiss={() => setPlanError(null)} />}
      {plan && !result && <PlanView explained={plan} title="Plan before running" />}
      {diagram && context && context.tables.length > 0 && (
        <RelationDiagram
          client={client}
          sourceId={sourceId}
          scope={{ tables: context.tables }}
          onOpenTable={onOpenTable}
          title="Tables of this question"
        />
      )}
      {result && <ResultView result={result} />}
    </div>
  );
}

function ContextTables({ context }: { context: ContextView }) {
  const byTable = new Map<string, string[]>(context.tables.map((table) => [table, []]));
  for (const column of context.columns) {
    const cut = column.lastIndexOf('.');
    byTable.get(column.slice(0, cut))?.push(column.slice(cut + 1));
  }
  return (
    <ul className="context-tables" data-testid="context-tables">
      {[...byTable].map(([table, columns]) => (
        <li key={table}>
          <span className="mono">{table}</span> <span className="muted small">{columns.join(', ')}</span>
        </li>
      ))}
      {context.joins.map((join) => (
        <li key={join.on} className="muted small mono">
          ⋈ {join.on}
          {join.inferred ? ' (inferred)' : ''}
        </li>
      ))}
    </ul>
  );
}
