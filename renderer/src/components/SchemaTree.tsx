import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef, useState } from 'react';
import type { ResponseOf, TableSummary } from '../../../shared/ipc-contract.ts';

export interface TableRef {
  readonly schema: string;
  readonly name: string;
}

type TableDetail = ResponseOf<'schema/table'>['table'];

type Row =
  | { kind: 'schema'; schema: string; count: number; collapsed: boolean }
  | { kind: 'table'; table: TableSummary; expanded: boolean }
  | {
      kind: 'column';
      table: TableSummary;
      name: string;
      type: string;
      pk: boolean;
      fk: string | null;
      comment: string | null;
    }
  | { kind: 'loading'; table: TableSummary };

const ROW_HEIGHT = 22;
const keyOf = (table: TableRef) => `${table.schema}\u0000${table.name}`;

/**
 * The schema browser: schema, table and column rows in one virtualized list (a thousand tables cost the same as ten),
 * with a quick filter. Arrow keys move, Right/Left expand and collapse a table's columns, Enter opens it.
 */
export function SchemaTree(props: {
  tables: readonly TableSummary[];
  selected: TableRef | null;
  onOpen: (table: TableRef) => void;
  loadTable: (table: TableRef) => Promise<TableDetail>;
  filterRef?: React.RefObject<HTMLInputElement | null>;
}) {
  const [filter, setFilter] = useState('');
  const [cursor, setCursor] = useState(0);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const [collapsedSchemas, setCollapsedSchemas] = useState<ReadonlySet<string>>(new Set());
  const [details, setDetails] = useState<ReadonlyMap<string, TableDetail>>(new Map());
  const scrollRef = useRef<HTMLDivElement>(null);

  const schemas = useMemo(() => [...new Set(props.tables.map((table) => table.schema))], [props.tables]);
  const multiSchema = schemas.length > 1;

  const matching = useMemo(() => {
    const words = filter.trim().toLowerCase().split(/\s+/).filter(Boolean);
    if (words.length === 0) return props.tables;
    return props.tables.filter((table) => {
      const haystack = `${table.schema}.${table.name} ${table.comment ?? ''}`.toLowerCase();
      return words.every((word) => haystack.includes(word));
    });
  }, [props.tables, filter]);

  const rows = useMemo(() => {
    const out: Row[] = [];
    let currentSchema: string | null = null;
    for (const table of matching) {
      if (multiSchema && table.schema !== currentSchema) {
        currentSchema = table.schema;
        out.push({
          kind: 'schema',
          schema: table.schema,
          count: matching.filter((t) => t.schema === table.schema).length,
          collapsed: collapsedSchemas.has(table.schema),
        });
      }
      if (multiSchema && collapsedSchemas.has(table.schema)) continue;
      const isOpen = expanded.has(keyOf(table));
      out.push({ kind: 'table', table, expanded: isOpen });
      if (!isOpen) continue;
      const detail = details.get(keyOf(table));
      if (!detail) {
        out.push({ kind: 'loading', table });
        continue;
      }
      const pk = new Set(detail.primaryKey);
      const fks = new Map(
        detail.foreignKeys.flatMap((fk) => fk.columns.map((column) => [column, fk.refTable] as const)),
      );
      for (const column of detail.columns)
        out.push({
          kind: 'column',
          table,
          name: column.name,
          type: column.type,
          pk: pk.has(column.name),
          fk: fks.get(column.name) ?? null,
          comment: column.comment,
        });
    }
    return out;
  }, [matching, multiSchema, collapsedSchemas, expanded, details]);

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });

  const toggle = (table: TableSummary, open?: boolean) => {
    const key = keyOf(table);
    const willOpen = open ?? !expanded.has(key);
    setExpanded((current) => {
      const next = new Set(current);
      if (willOpen) next.add(key);
      else next.delete(key);
      return next;
    });
    if (willOpen && !details.has(key)) {
      void props.loadTable(table).then(
        (detail) => setDetails((current) => new Map(current).set(key, detail)),
        () => setExpanded((current) => new Set([...current].filter((entry) => entry !== key))),
      );
    }
  };

  const toggleSchema = (schema: string) =>
    setCollapsedSchemas((current) => {
      const next = new Set(current);
      if (next.has(schema)) next.delete(schema);
      else next.add(schema);
      return next;
    });

  const move = (delta: number) => {
    const next = Math.max(0, Math.min(rows.length - 1, cursor + delta));
    setCursor(next);
    virtualizer.scrollToIndex(next);
  };

  const activate = (row: Row | undefined) => {
    if (!row) return;
    if (row.kind === 'schema') toggleSchema(row.schema);
    else props.onOpen(row.table);
  };

  return (
    <section className="panel-section grow" aria-label="Schema">
      <header className="section-header">
        <span>Schema</span>
        <span className="muted">
          {filter ? `${matching.length} / ${props.tables.length}` : props.tables.length} tables
        </span>
      </header>
      <input
        ref={props.filterRef}
        className="filter-input"
        type="search"
        placeholder="Filter tables  ( / )"
        aria-label="Filter tables"
        value={filter}
        onChange={(event) => {
          setFilter(event.target.value);
          setCursor(0);
        }}
        onKeyDown={(event) => {
          const row = rows[cursor];
          if (event.key === 'ArrowDown') {
            event.preventDefault();
            move(1);
          } else if (event.key === 'ArrowUp') {
            event.preventDefault();
            move(-1);
          } else if (event.key === 'ArrowRight' && row?.kind === 'table') {
            event.preventDefault();
            toggle(row.table, true);
          } else if (event.key === 'ArrowLeft' && row && row.kind !== 'schema') {
            event.preventDefault();
            toggle(row.table, false);
          } else if (event.key === 'Enter') {
            activate(row);
          } else if (event.key === 'Escape') {
            setFilter('');
          }
        }}
      />
      <div ref={scrollRef} className="tree-scroll" data-testid="schema-tree" role="tree" aria-label="Tables">
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const row = rows[item.index]!;
            const style = { transform: `translateY(${item.start}px)`, height: ROW_HEIGHT };
            const cursorClass = item.index === cursor ? ' cursor' : '';
            if (row.kind === 'schema') {
              return (
                <div
                  key={`s:${row.schema}`}
                  role="treeitem"
                  aria-expanded={!row.collapsed}
                  className={`tree-row schema-row${cursorClass}`}
                  style={style}
                  onClick={() => toggleSchema(row.schema)}
                >
                  <span className="chevron">{row.collapsed ? '▸' : '▾'}</span>
                  <span className="tree-name">{row.schema}</span>
                  <span className="tree-meta">{row.count}</span>
                </div>
              );
            }
            if (row.kind === 'column' || row.kind === 'loading') {
              return (
                <div
                  key={`c:${keyOf(row.table)}:${row.kind === 'column' ? row.name : '…'}`}
                  role="treeitem"
                  className={`tree-row column-row${cursorClass}`}
                  style={style}
                  title={row.kind === 'column' ? (row.comment ?? undefined) : undefined}
                  data-column={row.kind === 'column' ? row.name : undefined}
                >
                  {row.kind === 'loading' ? (
                    <span className="muted">loading…</span>
                  ) : (
                    <>
                      <span className="tree-name">{row.name}</span>
                      {row.pk && <span className="key pk">PK</span>}
                      {row.fk && (
                        <span className="key fk" title={`→ ${row.fk}`}>
                          FK
                        </span>
                      )}
                      <span className="tree-meta column-type">{row.type}</span>
                    </>
                  )}
                </div>
              );
            }
            const table = row.table;
            const isSelected = props.selected?.schema === table.schema && props.selected.name === table.name;
            return (
              <div
                key={`t:${keyOf(table)}`}
                role="treeitem"
                aria-selected={isSelected}
                aria-expanded={row.expanded}
                className={`tree-row${isSelected ? ' selected' : ''}${cursorClass}${multiSchema ? ' indented' : ''}`}
                style={style}
                onClick={() => {
                  setCursor(item.index);
                  props.onOpen(table);
                }}
                title={table.comment ?? `${table.schema}.${table.name}`}
                data-table={table.name}
              >
                <span
                  className="chevron"
                  role="button"
                  aria-label={`${row.expanded ? 'Collapse' : 'Expand'} ${table.name}`}
                  onClick={(event) => {
                    event.stopPropagation();
                    toggle(table);
                  }}
                >
                  {row.expanded ? '▾' : '▸'}
                </span>
                <span className={`kind-icon ${table.kind}`}>{table.kind === 'view' ? 'V' : 'T'}</span>
                <span className="tree-name">{table.name}</span>
                <span className="tree-meta">{table.columnCount}</span>
              </div>
            );
          })}
        </div>
        {rows.length === 0 && (
          <p className="empty">{props.tables.length === 0 ? 'No tables.' : `No table matches “${filter}”.`}</p>
        )}
      </div>
    </section>
  );
}
