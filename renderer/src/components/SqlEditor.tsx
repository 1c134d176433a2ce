import { MariaSQL, PostgreSQL, SQLite, sql, type SQLNamespace } from '@codemirror/lang-sql';
import { Compartment, EditorState, Prec } from '@codemirror/state';
import { EditorView, keymap } from '@codemirror/view';
import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { tags } from '@lezer/highlight';
import { basicSetup } from 'codemirror';
import { useEffect, useRef } from 'react';

export type EditorDialect = 'sqlite' | 'mysql' | 'postgres';

const DIALECTS = { sqlite: SQLite, mysql: MariaSQL, postgres: PostgreSQL } as const;

/** SQL colours from the app's CSS variables: readable in both themes (the default style is made for light ones). */
const appHighlight = HighlightStyle.define([
  { tag: [tags.keyword, tags.operatorKeyword, tags.modifier], color: 'var(--syntax-keyword)' },
  { tag: [tags.string, tags.special(tags.string)], color: 'var(--syntax-string)' },
  { tag: [tags.number, tags.bool, tags.null], color: 'var(--syntax-number)' },
  { tag: [tags.comment, tags.lineComment, tags.blockComment], color: 'var(--syntax-comment)', fontStyle: 'italic' },
  { tag: [tags.typeName, tags.standard(tags.name)], color: 'var(--accent)' },
]);

/** Colours from the app's CSS variables, so light and dark themes both apply. */
const appTheme = EditorView.theme({
  '&': {
    backgroundColor: 'var(--bg)',
    color: 'var(--fg)',
    border: '1px solid var(--border)',
    borderRadius: '4px',
    fontSize: '12.5px',
  },
  '&.cm-focused': { outline: '2px solid var(--accent)', outlineOffset: '-1px' },
  '.cm-content': { fontFamily: 'var(--mono)', caretColor: 'var(--fg)' },
  '.cm-gutters': { backgroundColor: 'var(--bg-side)', color: 'var(--fg-muted)', border: 'none' },
  '.cm-activeLine, .cm-activeLineGutter': { backgroundColor: 'var(--bg-hover)' },
  '.cm-tooltip': { backgroundColor: 'var(--bg-raised)', border: '1px solid var(--border)', color: 'var(--fg)' },
  '.cm-tooltip-autocomplete ul li[aria-selected]': { backgroundColor: 'var(--bg-selected)', color: 'var(--fg)' },
  '&.cm-focused .cm-selectionBackground, .cm-selectionBackground': { backgroundColor: 'var(--bg-selected)' },
});

/**
 * The SQL editor: CodeMirror 6 with the dialect's highlighting and completion of table and column names from the
 * catalog (works offline). Ctrl/Cmd+Enter runs, Ctrl/Cmd+Shift+Enter explains, Escape cancels. The view is created once; the schema and dialect
 * are swapped through a compartment, the text only when it changes from outside.
 */
export function SqlEditor({
  value,
  onChange,
  onRun,
  onExplain,
  onCancel,
  dialect,
  schema,
  label = 'SQL',
}: {
  value: string;
  onChange: (value: string) => void;
  onRun: () => void;
  /** Ctrl/Cmd+Shift+Enter: the plan, without running. */
  onExplain?: () => void;
  onCancel?: () => void;
  dialect: EditorDialect;
  schema: SQLNamespace | undefined;
  label?: string;
}) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const language = useRef(new Compartment());
  const handlers = useRef({ onChange, onRun, onExplain, onCancel });
  handlers.current = { onChange, onRun, onExplain, onCancel };

  useEffect(() => {
    const state = EditorState.create({
      doc: value,
      extensions: [
        Prec.highest(
          keymap.of([
            { key: 'Mod-Shift-Enter', run: () => (handlers.current.onExplain?.(), true) },
            { key: 'Mod-Enter', run: () => (handlers.current.onRun(), true) },
            { key: 'Escape', run: () => (handlers.current.onCancel?.(), false) },
          ]),
        ),
        basicSetup,
        Prec.high(syntaxHighlighting(appHighlight)),
        language.current.of(sql({ dialect: DIALECTS[dialect], schema, upperCaseKeywords: true })),
        appTheme,
        EditorView.lineWrapping,
        EditorView.contentAttributes.of({ 'aria-label': label, 'data-testid': 'sql-editor' }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) handlers.current.onChange(update.state.doc.toString());
        }),
      ],
    });
    view.current = new EditorView({ state, parent: host.current! });
    return () => {
      view.current?.destroy();
      view.current = null;
    };
    // Created once; later changes go through the effects below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    view.current?.dispatch({
      effects: language.current.reconfigure(sql({ dialect: DIALECTS[dialect], schema, upperCaseKeywords: true })),
    });
  }, [dialect, schema]);

  useEffect(() => {
    const current = view.current;
    if (current && current.state.doc.toString() !== value)
      current.dispatch({ changes: { from: 0, to: current.state.doc.length, insert: value } });
  }, [value]);

  return <div className="sql-editor-host" ref={host} data-completion={schema ? 'ready' : 'loading'} />;
}
