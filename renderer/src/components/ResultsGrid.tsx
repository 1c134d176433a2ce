import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef, useState } from 'react';
import type { QueryResult } from '../../../shared/ipc-contract.ts';
import { compareCells, formatCell, toCsv } from './cell-format.ts';
import { downloadText } from '../api/download.ts';

const ROW_HEIGHT = 22;
const DEFAULT_WIDTH = 140;

/**
 * A virtualized results grid: only the rows in view are in the DOM, whatever the result size. Click a header to
 * sort, drag its edge to resize, click a cell and press Ctrl+C to copy it (Ctrl+Shift+C copies the row).
 */
export function ResultsGrid({
  result,
  onLoadMore,
  loadingMore,
  onExportAll,
  exporting,
}: {
  result: QueryResult;
  onLoadMore?: () => void;
  loadingMore?: boolean;
  onExportAll?: () => void;
  exporting?: boolean;
}) {
  const [sort, setSort] = useState<{ column: number; descending: boolean } | null>(null);
  const [widths, setWidths] = useState<Record<number, number>>({});
  const [selected, setSelected] = useState<{ row: number; column: number } | null>(null);
  const [copied, setCopied] = useState<string | null>(null);
  const scrollRef = useRef<HTMLDivElement>(null);

  const rows = useMemo(() => {
    if (!sort) return result.rows;
    const sorted = [...result.rows].sort((a, b) => compareCells(a[sort.column]!, b[sort.column]!));
    return sort.descending ? sorted.reverse() : sorted;
  }, [result.rows, sort]);

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 20,
  });
  const columnWidths = result.columns.map((_, index) => widths[index] ?? DEFAULT_WIDTH);
  const template = `48px ${columnWidths.map((width) => `${width}px`).join(' ')}`;
  const totalWidth = 48 + columnWidths.reduce((sum, width) => sum + width, 0);

  const copy = async (text: string, what: string) => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(`Copied ${what}`);
    } catch {
      setCopied('Clipboard not available');
    }
    setTimeout(() => setCopied(null), 1500);
  };

  const startResize = (column: number, startX: number) => {
    const startWidth = columnWidths[column]!;
    const onMove = (event: MouseEvent) =>
      setWidths((current) => ({ ...current, [column]: Math.max(48, startWidth + event.clientX - startX) }));
    const onUp = () => {
      window.removeEventListener('mousemove', onMove);
      window.removeEventListener('mouseup', onUp);
    };
    window.addEventListener('mousemove', onMove);
    window.addEventListener('mouseup', onUp);
  };

  const exportCsv = () => downloadText(toCsv(result.columns, rows), 'schemascope-result.csv', 'text/csv;charset=utf-8');

  return (
    <div className="grid-wrap">
      <div className="grid-toolbar">
        <span data-testid="result-count">
          {result.rowCount.toLocaleString()} row{result.rowCount === 1 ? '' : 's'}
          {result.truncated ? ' (more available)' : ''} · {Math.round(result.ms)} ms
        </span>
        {copied && <span className="muted">{copied}</span>}
        <span className="spacer" />
        {result.truncated && onLoadMore && (
          <button type="button" onClick={onLoadMore} disabled={loadingMore}>
            {loadingMore ? 'Loading…' : 'Load more'}
          </button>
        )}
        <button type="button" onClick={exportCsv} disabled={rows.length === 0} title="Export the loaded rows as CSV">
          Export CSV
        </button>
        {onExportAll && (
          <button
            type="button"
            onClick={onExportAll}
            disabled={exporting}
            title="Run the statement again and stream every row to a CSV file on this machine"
          >
            {exporting ? 'Exporting…' : 'Export all rows'}
          </button>
        )}
      </div>
      <div
        ref={scrollRef}
        className="grid-scroll"
        tabIndex={0}
        data-testid="results-grid"
        role="grid"
        aria-rowcount={rows.length}
        onKeyDown={(event) => {
          if (!selected) return;
          const key = event.key.toLowerCase();
          if ((event.ctrlKey || event.metaKey) && key === 'c') {
            event.preventDefault();
            const row = rows[selected.row]!;
            if (event.shiftKey) void copy(row.map(formatCell).join('\t'), 'row');
            else void copy(formatCell(row[selected.column]!), 'cell');
          } else if (key === 'arrowdown' || key === 'arrowup' || key === 'arrowleft' || key === 'arrowright') {
            event.preventDefault();
            const next = {
              row: Math.max(
                0,
                Math.min(rows.length - 1, selected.row + (key === 'arrowdown' ? 1 : key === 'arrowup' ? -1 : 0)),
              ),
              column: Math.max(
                0,
                Math.min(
                  result.columns.length - 1,
                  selected.column + (key === 'arrowright' ? 1 : key === 'arrowleft' ? -1 : 0),
                ),
              ),
            };
            setSelected(next);
            virtualizer.scrollToIndex(next.row);
          }
        }}
      >
        <div className="grid-header" role="row" style={{ gridTemplateColumns: template, width: totalWidth }}>
          <div className="grid-cell row-number">#</div>
          {result.columns.map((column, index) => (
            <div
              key={index}
              role="columnheader"
              className="grid-cell header-cell"
              title={`${column.name} (${column.type})`}
              onClick={() =>
                setSort((current) =>
                  current?.column === index
                    ? current.descending
                      ? null
                      : { column: index, descending: true }
                    : { column: index, descending: false },
                )
              }
            >
              <span className="header-name">{column.name}</span>
              {sort?.column === index && <span className="sort-mark">{sort.descending ? '▼' : '▲'}</span>}
              <span
                className="resize-handle"
                onMouseDown={(event) => {
                  event.stopPropagation();
                  event.preventDefault();
                  startResize(index, event.clientX);
                }}
                onClick={(event) => event.stopPropagation()}
              />
            </div>
          ))}
        </div>
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative', width: totalWidth }}>
          {virtualizer.getVirtualItems().map((item) => {
            const row = rows[item.index]!;
            return (
              <div
                key={item.key}
                role="row"
                className="grid-row"
                style={{ gridTemplateColumns: template, transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
              >
                <div className="grid-cell row-number">{item.index + 1}</div>
                {row.map((value, column) => (
                  <div
                    key={column}
                    role="gridcell"
                    className={`grid-cell${value === null ? ' null' : ''}${typeof value === 'number' ? ' number' : ''}${selected?.row === item.index && selected.column === column ? ' selected' : ''}`}
                    onClick={() => setSelected({ row: item.index, column })}
                  >
                    {formatCell(value)}
                  </div>
                ))}
              </div>
            );
          })}
        </div>
        {rows.length === 0 && <p className="empty">No rows.</p>}
      </div>
    </div>
  );
}
