import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef, useState } from 'react';
import type { TableSummary } from '../../../shared/ipc-contract.ts';

export interface TableRef {
  readonly schema: string;
  readonly name: string;
}

const ROW_HEIGHT = 22;

/**
 * The schema browser: a virtualized list of tables (a thousand tables cost the same as ten), grouped by schema
 * when there are several, with a quick filter. Arrow keys move, Enter opens.
 */
export function SchemaTree(props: {
  tables: readonly TableSummary[];
  selected: TableRef | null;
  onOpen: (table: TableRef) => void;
  filterRef?: React.RefObject<HTMLInputElement | null>;
}) {
  const [filter, setFilter] = useState('');
  const [cursor, setCursor] = useState(0);
  const scrollRef = useRef<HTMLDivElement>(null);
  const multiSchema = useMemo(() => new Set(props.tables.map((table) => table.schema)).size > 1, [props.tables]);

  const visible = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    const words = needle.split(/\s+/).filter(Boolean);
    if (words.length === 0) return props.tables;
    return props.tables.filter((table) => {
      const haystack = `${table.schema}.${table.name} ${table.comment ?? ''}`.toLowerCase();
      return words.every((word) => haystack.includes(word));
    });
  }, [props.tables, filter]);

  const virtualizer = useVirtualizer({ count: visible.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });

  const move = (delta: number) => {
    const next = Math.max(0, Math.min(visible.length - 1, cursor + delta));
    setCursor(next);
    virtualizer.scrollToIndex(next);
  };

  return (
    <section className="panel-section grow" aria-label="Schema">
      <header className="section-header">
        <span>Schema</span>
        <span className="muted">{filter ? `${visible.length} / ${props.tables.length}` : props.tables.length} tables</span>
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
          if (event.key === 'ArrowDown') {
            event.preventDefault();
            move(1);
          } else if (event.key === 'ArrowUp') {
            event.preventDefault();
            move(-1);
          } else if (event.key === 'Enter' && visible[cursor]) {
            props.onOpen(visible[cursor]!);
          } else if (event.key === 'Escape') {
            setFilter('');
          }
        }}
      />
      <div ref={scrollRef} className="tree-scroll" data-testid="schema-tree" role="tree" aria-label="Tables">
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const table = visible[item.index]!;
            const isSelected = props.selected?.schema === table.schema && props.selected.name === table.name;
            return (
              <div
                key={`${table.schema}.${table.name}`}
                role="treeitem"
                aria-selected={isSelected}
                className={`tree-row${isSelected ? ' selected' : ''}${item.index === cursor ? ' cursor' : ''}`}
                style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
                onClick={() => {
                  setCursor(item.index);
                  props.onOpen(table);
                }}
                title={table.comment ?? `${table.schema}.${table.name}`}
                data-table={table.name}
              >
                <span className={`kind-icon ${table.kind}`}>{table.kind === 'view' ? 'V' : 'T'}</span>
                <span className="tree-name">
                  {multiSchema && <span className="muted">{table.schema}.</span>}
                  {table.name}
                </span>
                <span className="tree-meta">{table.columnCount}</span>
              </div>
            );
          })}
        </div>
        {visible.length === 0 && <p className="empty">No table matches “{filter}”.</p>}
      </div>
    </section>
  );
}
