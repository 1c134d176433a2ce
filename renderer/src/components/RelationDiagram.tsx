import { useCallback, useEffect, useRef, useState } from 'react';
import type { SerializedError } from '../../../shared/errors.ts';
import type { RelationGraphView, SchemascopeClient } from '../../../shared/ipc-contract.ts';
import { downloadBlob } from '../api/download.ts';
import { ErrorNotice, toErrorData } from './ErrorNotice.tsx';
import {
  COLUMN_HEIGHT,
  HEADER_HEIGHT,
  layoutRelations,
  layoutRunsIn,
  relationLabel,
  type Layout,
} from './relation-layout.ts';
import type { TableRef } from './SchemaTree.tsx';

export type DiagramScope = { readonly focus: TableRef; readonly depth: 1 | 2 } | { readonly tables: readonly string[] };

const HEIGHT = 440;
const MIN_HEIGHT = 180;
/** Fitting never shrinks the picture below this: text stays legible, and the rest is a pan away. */
const MIN_READABLE_SCALE = 0.6;
const MARGIN = 16;
const STYLED = [
  'fill',
  'stroke',
  'stroke-width',
  'stroke-dasharray',
  'font-size',
  'font-family',
  'font-weight',
  'opacity',
] as const;

/** A small picture takes little room; a large one gets the full height and pans. */
function canvasHeightOf(layout: Layout | null): number {
  return layout ? Math.round(Math.max(MIN_HEIGHT, Math.min(HEIGHT, layout.height + MARGIN * 2))) : HEIGHT;
}

interface View {
  readonly x: number;
  readonly y: number;
  readonly scale: number;
}

/** The SVG as a file: the whole graph (not the current view), with its colours written in, so it stands alone. */
function standaloneSvg(svg: SVGSVGElement, layout: Layout): string {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const originals = [svg, ...svg.querySelectorAll('*')];
  const copies = [clone, ...clone.querySelectorAll('*')];
  originals.forEach((element, position) => {
    const style = getComputedStyle(element);
    const copy = copies[position] as SVGElement;
    for (const property of STYLED) {
      const value = style.getPropertyValue(property);
      if (value && value !== 'none' && !(property === 'stroke-dasharray' && value === 'none'))
        copy.setAttribute(property, value);
    }
    copy.removeAttribute('class');
  });
  const width = Math.ceil(layout.width + MARGIN * 2);
  const height = Math.ceil(layout.height + MARGIN * 2);
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('width', String(width));
  clone.setAttribute('height', String(height));
  clone.setAttribute('viewBox', `0 0 ${width} ${height}`);
  clone.removeAttribute('style');
  clone.removeAttribute('tabindex');
  clone.querySelector('[data-viewport]')?.setAttribute('transform', `translate(${MARGIN},${MARGIN})`);
  const background = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
  background.setAttribute('width', '100%');
  background.setAttribute('height', '100%');
  background.setAttribute('fill', getComputedStyle(svg).getPropertyValue('--bg').trim() || '#ffffff');
  clone.insertBefore(background, clone.firstChild);
  return new XMLSerializer().serializeToString(clone);
}

/** The SVG drawn onto a canvas at twice its size. A data: URL, because the page's CSP allows no blob: images. */
async function svgToPng(text: string, width: number, height: number): Promise<Blob> {
  const image = new Image();
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(text)}`;
  await image.decode();
  const canvas = document.createElement('canvas');
  const ratio = 2;
  canvas.width = width * ratio;
  canvas.height = height * ratio;
  const context = canvas.getContext('2d')!;
  context.scale(ratio, ratio);
  context.drawImage(image, 0, 0, width, height);
  return new Promise<Blob>((resolve, reject) =>
    canvas.toBlob(
      (blob) => (blob ? resolve(blob) : reject(new Error('The picture could not be encoded.'))),
      'image/png',
    ),
  );
}

/**
 * A relationship diagram, always scoped: a table and its neighbours (1 or 2 hops) or the tables of an Ask context,
 * from the cached snapshot (so it works offline). Declared foreign keys are solid lines, joins inferred from names
 * dashed and labelled. Laid out by ELK, drawn as SVG: drag to pan, wheel or +/- to zoom, 0 to fit; click (or Enter on)
 * a table to open it; export the whole picture as SVG or PNG.
 */
export function RelationDiagram({
  client,
  sourceId,
  scope,
  onOpenTable,
  title,
}: {
  client: SchemascopeClient;
  sourceId: string;
  scope: DiagramScope;
  onOpenTable: (table: TableRef) => void;
  title?: string;
}) {
  const [graph, setGraph] = useState<RelationGraphView | null>(null);
  const [layout, setLayout] = useState<Layout | null>(null);
  const [error, setError] = useState<SerializedError | null>(null);
  const [depth, setDepth] = useState<1 | 2>('focus' in scope ? scope.depth : 1);
  const [view, setView] = useState<View>({ x: 0, y: 0, scale: 1 });
  /** Tables drawn at most; more only when asked (the server caps it at 150). */
  const [limit, setLimit] = useState(40);
  const svgRef = useRef<SVGSVGElement>(null);
  const drag = useRef<{ startX: number; startY: number; view: View; moved: boolean } | null>(null);
  const scopeKey = 'focus' in scope ? `${scope.focus.schema}\u0000${scope.focus.name}` : scope.tables.join('\u0000');

  useEffect(() => {
    let live = true;
    setError(null);
    const request =
      'focus' in scope
        ? { sourceId, focus: { schema: scope.focus.schema, table: scope.focus.name }, depth, limit }
        : { sourceId, tables: [...scope.tables].slice(0, 150), limit };
    const started = performance.now();
    client['schema/graph'](request)
      .then(async (answer) => {
        const laid = await layoutRelations(answer);
        if (!live) return;
        setGraph(answer);
        setLayout(laid);
        svgRef.current?.setAttribute('data-layout-ms', String(Math.round(performance.now() - started)));
        svgRef.current?.setAttribute('data-layout-in', layoutRunsIn);
      })
      .catch((caught: unknown) => live && setError(toErrorData(caught)));
    return () => {
      live = false;
    };
    // The scope is compared by its key: a new array with the same tables is the same scope.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client, sourceId, scopeKey, depth, limit]);

  const canvasHeight = canvasHeightOf(layout);

  const fit = useCallback(() => {
    const svg = svgRef.current;
    if (!svg || !layout) return;
    const height = canvasHeightOf(layout);
    const width = svg.clientWidth || 800;
    const whole = Math.min(
      1.4,
      (width - MARGIN * 2) / Math.max(1, layout.width),
      (height - MARGIN * 2) / Math.max(1, layout.height),
    );
    if (whole >= MIN_READABLE_SCALE) {
      setView({ scale: whole, x: (width - layout.width * whole) / 2, y: (height - layout.height * whole) / 2 });
      return;
    }
    // Too large to read whole: a readable size, centred on the focus table (or the first one); pan or zoom out for more.
    const focus = layout.tables.find((entry) => entry.table.depth === 0) ?? layout.tables[0];
    const cx = focus ? focus.x + focus.width / 2 : layout.width / 2;
    const cy = focus ? focus.y + focus.height / 2 : layout.height / 2;
    setView({
      scale: MIN_READABLE_SCALE,
      x: width / 2 - cx * MIN_READABLE_SCALE,
      y: height / 2 - cy * MIN_READABLE_SCALE,
    });
  }, [layout]);
  useEffect(fit, [fit]);

  const zoomAt = useCallback((factor: number, atX: number, atY: number) => {
    setView((current) => {
      const scale = Math.min(4, Math.max(0.1, current.scale * factor));
      const applied = scale / current.scale;
      return { scale, x: atX - (atX - current.x) * applied, y: atY - (atY - current.y) * applied };
    });
  }, []);

  useEffect(() => {
    const svg = svgRef.current;
    if (!svg) return;
    const onWheel = (event: WheelEvent) => {
      event.preventDefault();
      const box = svg.getBoundingClientRect();
      zoomAt(event.deltaY < 0 ? 1.15 : 1 / 1.15, event.clientX - box.left, event.clientY - box.top);
    };
    svg.addEventListener('wheel', onWheel, { passive: false });
    return () => svg.removeEventListener('wheel', onWheel);
  }, [zoomAt, layout]);

  const exportAs = async (kind: 'svg' | 'png') => {
    if (!svgRef.current || !layout) return;
    const text = standaloneSvg(svgRef.current, layout);
    try {
      if (kind === 'svg') downloadBlob(new Blob([text], { type: 'image/svg+xml' }), 'schemascope-relations.svg');
      else
        downloadBlob(
          await svgToPng(text, Math.ceil(layout.width + MARGIN * 2), Math.ceil(layout.height + MARGIN * 2)),
          'schemascope-relations.png',
        );
    } catch (caught) {
      setError(toErrorData(caught));
    }
  };

  const center = () => ({ x: (svgRef.current?.clientWidth ?? 800) / 2, y: canvasHeight / 2 });
  const declared = graph?.relations.filter((relation) => !relation.inferred).length ?? 0;
  const inferred = (graph?.relations.length ?? 0) - declared;

  return (
    <section className="relation-diagram" data-testid="relation-diagram" aria-label="Relationship diagram">
      <div className="diagram-toolbar">
        <strong>{title ?? 'Relations'}</strong>
        {'focus' in scope && (
          <label className="inline">
            Depth
            <select
              aria-label="Depth"
              value={depth}
              onChange={(event) => setDepth(Number(event.target.value) === 2 ? 2 : 1)}
            >
              <option value={1}>1 hop</option>
              <option value={2}>2 hops</option>
            </select>
          </label>
        )}
        {graph && (
          <span className="muted small" data-testid="diagram-summary">
            {graph.tables.length} tables · {declared} declared, {inferred} inferred
            {graph.omitted > 0 ? ` · ${graph.omitted} more neighbours not drawn (limit ${graph.limit})` : ''}
            {graph.snapshot.offline
              ? ` · offline: cached snapshot of ${new Date(graph.snapshot.takenAt).toLocaleString()}`
              : ` · schema of ${new Date(graph.snapshot.takenAt).toLocaleString()}`}
          </span>
        )}
        {graph && graph.omitted > 0 && graph.limit < 150 && (
          <button
            type="button"
            className="link small"
            onClick={() => setLimit(150)}
            title="Draw up to 150 tables: busier, still scoped"
          >
            Draw up to 150
          </button>
        )}
        <span className="spacer" />
        <span className="diagram-legend small muted" aria-hidden="true">
          <svg width="28" height="8">
            <line x1="0" y1="4" x2="28" y2="4" className="relation-line" />
          </svg>
          foreign key
          <svg width="28" height="8">
            <line x1="0" y1="4" x2="28" y2="4" className="relation-line inferred" />
          </svg>
          inferred
        </span>
        <button
          type="button"
          className="icon-button"
          aria-label="Zoom in"
          onClick={() => zoomAt(1.25, center().x, center().y)}
        >
          +
        </button>
        <button
          type="button"
          className="icon-button"
          aria-label="Zoom out"
          onClick={() => zoomAt(0.8, center().x, center().y)}
        >
          −
        </button>
        <button type="button" onClick={fit} title="Fit the diagram (0)">
          Fit
        </button>
        <button type="button" onClick={() => void exportAs('svg')} disabled={!layout}>
          Export SVG
        </button>
        <button type="button" onClick={() => void exportAs('png')} disabled={!layout}>
          Export PNG
        </button>
      </div>
      <ErrorNotice error={error} onDismiss={() => setError(null)} />
      <svg
        ref={svgRef}
        className="diagram-canvas"
        height={canvasHeight}
        tabIndex={0}
        role="img"
        aria-label={
          graph ? `${graph.tables.length} tables and ${graph.relations.length} relations` : 'Loading the diagram'
        }
        data-ready={layout ? 'true' : 'false'}
        onKeyDown={(event) => {
          const step = 40;
          if (event.key === '+' || event.key === '=') zoomAt(1.25, center().x, center().y);
          else if (event.key === '-') zoomAt(0.8, center().x, center().y);
          else if (event.key === '0') fit();
          else if (event.key.startsWith('Arrow')) {
            event.preventDefault();
            const dx = event.key === 'ArrowLeft' ? step : event.key === 'ArrowRight' ? -step : 0;
            const dy = event.key === 'ArrowUp' ? step : event.key === 'ArrowDown' ? -step : 0;
            setView((current) => ({ ...current, x: current.x + dx, y: current.y + dy }));
          }
        }}
        onMouseDown={(event) => {
          drag.current = { startX: event.clientX, startY: event.clientY, view, moved: false };
        }}
        onMouseMove={(event) => {
          const current = drag.current;
          if (!current) return;
          const dx = event.clientX - current.startX;
          const dy = event.clientY - current.startY;
          if (Math.abs(dx) + Math.abs(dy) > 3) current.moved = true;
          if (current.moved) setView({ ...current.view, x: current.view.x + dx, y: current.view.y + dy });
        }}
        onMouseUp={() => {
          setTimeout(() => (drag.current = null), 0);
        }}
        onMouseLeave={() => (drag.current = null)}
      >
        <defs>
          <marker
            id="relation-arrow"
            viewBox="0 0 10 10"
            refX="9"
            refY="5"
            markerWidth="7"
            markerHeight="7"
            orient="auto-start-reverse"
          >
            <path d="M 0 0 L 10 5 L 0 10 z" className="relation-arrow" />
          </marker>
        </defs>
        <g data-viewport="" transform={`translate(${view.x},${view.y}) scale(${view.scale})`}>
          {layout?.relations.map(({ relation, points, label }, position) => (
            <g key={position} data-relation={relation.inferred ? 'inferred' : 'declared'}>
              <path
                d={points.map((point, index) => `${index === 0 ? 'M' : 'L'}${point.x},${point.y}`).join(' ')}
                className={`relation-line${relation.inferred ? ' inferred' : ''}`}
                markerEnd="url(#relation-arrow)"
              >
                <title>{relationLabel(relation)}</title>
              </path>
              {label && (
                <text x={label.x} y={label.y + 11} className={`relation-label${relation.inferred ? ' inferred' : ''}`}>
                  {label.text}
                </text>
              )}
            </g>
          ))}
          {layout?.tables.map(({ table, x, y, width, height }) => (
            <g
              key={table.id}
              transform={`translate(${x},${y})`}
              className={`diagram-table${table.depth === 0 && 'focus' in scope ? ' focus' : ''}`}
              data-diagram-table={table.name}
              role="button"
              tabIndex={0}
              aria-label={`Open ${table.schema}.${table.name}`}
              onClick={() => {
                if (!drag.current?.moved) onOpenTable({ schema: table.schema, name: table.name });
              }}
              onKeyDown={(event) => {
                if (event.key === 'Enter') onOpenTable({ schema: table.schema, name: table.name });
              }}
            >
              <rect width={width} height={height} rx={4} className="table-box" />
              <rect width={width} height={HEADER_HEIGHT} rx={4} className="table-header" />
              <text x={8} y={16} className="table-name">
                {table.name}
              </text>
              {table.rowEstimate !== null && (
                <text x={width - 8} y={16} textAnchor="end" className="table-rows">
                  ~{table.rowEstimate.toLocaleString()}
                </text>
              )}
              {table.columns.map((column, index) => (
                <text key={column.name} x={8} y={HEADER_HEIGHT + 13 + index * COLUMN_HEIGHT} className="table-column">
                  <tspan className={column.primaryKey ? 'key-pk' : 'key-fk'}>{column.primaryKey ? 'PK ' : '↔ '}</tspan>
                  {column.name}
                  <tspan className="column-type"> {column.type.slice(0, 18)}</tspan>
                </text>
              ))}
              {table.otherColumns > 0 && (
                <text x={8} y={HEADER_HEIGHT + 13 + table.columns.length * COLUMN_HEIGHT} className="table-more">
                  + {table.otherColumns} more columns
                </text>
              )}
            </g>
          ))}
        </g>
      </svg>
    </section>
  );
}
