import type { RelationGraphView } from '../../../shared/ipc-contract.ts';

export interface LaidTable {
  readonly table: RelationGraphView['tables'][number];
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface LaidRelation {
  readonly relation: RelationGraphView['relations'][number];
  readonly points: readonly { x: number; y: number }[];
  readonly label: { readonly text: string; readonly x: number; readonly y: number } | null;
}

export interface Layout {
  readonly tables: readonly LaidTable[];
  readonly relations: readonly LaidRelation[];
  readonly width: number;
  readonly height: number;
}

export const HEADER_HEIGHT = 24;
export const COLUMN_HEIGHT = 17;
const CHAR_WIDTH = 7;

export function tableSize(table: RelationGraphView['tables'][number]): { width: number; height: number } {
  const longest = Math.max(table.name.length + 2, ...table.columns.map((column) => column.name.length + 6));
  const rows = table.columns.length + (table.otherColumns > 0 ? 1 : 0);
  return {
    width: Math.min(280, Math.max(150, longest * CHAR_WIDTH + 20)),
    height: HEADER_HEIGHT + rows * COLUMN_HEIGHT + 8,
  };
}

export function relationLabel(relation: RelationGraphView['relations'][number]): string {
  const on = `${relation.fromColumns.join(', ')} → ${relation.toColumns.join(', ')}`;
  return relation.inferred ? `inferred: ${on}` : on;
}

interface ElkPoint {
  x: number;
  y: number;
}
interface ElkResult {
  children?: { id: string; x?: number; y?: number; width?: number; height?: number }[];
  edges?: {
    id: string;
    sections?: { startPoint: ElkPoint; endPoint: ElkPoint; bendPoints?: ElkPoint[] }[];
    labels?: { text?: string; x?: number; y?: number }[];
  }[];
  width?: number;
  height?: number;
}

type Elk = InstanceType<typeof import('elkjs/lib/elk-api.js').default>;
let shared: Promise<Elk> | undefined;
/** Where layouts run: the worker, or the page when no worker could start. */
export let layoutRunsIn: 'worker' | 'page' | 'unknown' = 'unknown';

/**
 * One ELK, in a worker where the page may start one (laying out forty tables takes a second and must not freeze the
 * window meanwhile); where it may not (a worker refused or silent for 3 s), ELK in the page itself.
 */
function elkInstance(): Promise<Elk> {
  shared ??= (async () => {
    try {
      const [{ default: ELK }, { default: ElkWorker }] = await Promise.all([
        import('elkjs/lib/elk-api.js'),
        import('elkjs/lib/elk-worker.min.js?worker'),
      ]);
      const inWorker = new ELK({ workerFactory: () => new ElkWorker() });
      let timer: ReturnType<typeof setTimeout> | undefined;
      const silent = new Promise<never>(
        (_, reject) => (timer = setTimeout(() => reject(new Error('The layout worker did not answer.')), 3000)),
      );
      await Promise.race([inWorker.layout({ id: 'probe', children: [] }), silent]).finally(() => clearTimeout(timer));
      layoutRunsIn = 'worker';
      return inWorker;
    } catch {
      const { default: ELK } = await import('elkjs/lib/elk.bundled.js');
      layoutRunsIn = 'page';
      return new ELK();
    }
  })();
  return shared;
}

/** From this many tables a layered picture becomes one tall column (a hub's neighbours): stress layout instead. */
const LAYERED_MAX_TABLES = 12;

/** Where the segment from a box's centre towards `toward` leaves the box. */
function border(
  box: { x: number; y: number; width: number; height: number },
  toward: { x: number; y: number },
): { x: number; y: number } {
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  const dx = toward.x - cx;
  const dy = toward.y - cy;
  if (dx === 0 && dy === 0) return { x: cx, y: cy };
  const scale = Math.min(
    Math.abs(dx) > 0 ? box.width / 2 / Math.abs(dx) : Infinity,
    Math.abs(dy) > 0 ? box.height / 2 / Math.abs(dy) : Infinity,
  );
  return { x: cx + dx * scale, y: cy + dy * scale };
}

/**
 * Lays the tables out with ELK: small pictures with the layered algorithm (left to right, orthogonal edges, labels
 * beside them), larger ones (a hub and its neighbours) with stress, which spreads them in two dimensions, and straight
 * edges from box to box. elkjs is loaded on first use, so the app starts without it.
 */
export async function layoutRelations(graph: RelationGraphView): Promise<Layout> {
  const elk = await elkInstance();
  const index = new Map(graph.tables.map((table, position) => [table.id, `t${position}`]));
  const sizes = graph.tables.map(tableSize);
  const relations = graph.relations.filter((relation) => index.has(relation.from) && index.has(relation.to));
  if (graph.tables.length > LAYERED_MAX_TABLES) {
    const spread = (await elk.layout({
      id: 'root',
      layoutOptions: {
        'elk.algorithm': 'stress',
        'elk.stress.desiredEdgeLength': '260',
        'elk.padding': '[top=16,left=16,bottom=16,right=16]',
      },
      children: graph.tables.map((table, position) => ({
        id: index.get(table.id)!,
        width: sizes[position]!.width,
        height: sizes[position]!.height,
      })),
      edges: relations
        .filter((relation) => relation.from !== relation.to)
        .map((relation, position) => ({
          id: `e${position}`,
          sources: [index.get(relation.from)!],
          targets: [index.get(relation.to)!],
        })),
    })) as ElkResult;
    // Stress places related tables near each other but lets boxes overlap; ELK's overlap removal (SPOrE) then moves
    // them apart, keeping the arrangement.
    const separated = (await elk.layout({
      id: 'root',
      layoutOptions: {
        'elk.algorithm': 'sporeOverlap',
        'elk.spacing.nodeNode': '24',
        'elk.padding': '[top=16,left=16,bottom=16,right=16]',
      },
      children: (spread.children ?? []).map((child) => ({
        id: child.id,
        x: child.x ?? 0,
        y: child.y ?? 0,
        width: child.width ?? 0,
        height: child.height ?? 0,
      })),
      edges: [],
    })) as ElkResult;
    const placed = new Map((separated.children ?? spread.children ?? []).map((child) => [child.id, child]));
    const minX = Math.min(...[...placed.values()].map((child) => child.x ?? 0));
    const minY = Math.min(...[...placed.values()].map((child) => child.y ?? 0));
    const boxes = new Map(
      graph.tables.map((table, position) => {
        const child = placed.get(`t${position}`);
        return [
          table.id,
          {
            table,
            x: (child?.x ?? 0) - minX + 16,
            y: (child?.y ?? 0) - minY + 16,
            width: sizes[position]!.width,
            height: sizes[position]!.height,
          },
        ] as const;
      }),
    );
    const laidTables = [...boxes.values()];
    return {
      width: Math.max(...laidTables.map((box) => box.x + box.width)) + 16,
      height: Math.max(...laidTables.map((box) => box.y + box.height)) + 16,
      tables: laidTables,
      relations: relations.map((relation) => {
        const from = boxes.get(relation.from)!;
        const to = boxes.get(relation.to)!;
        const start = border(from, { x: to.x + to.width / 2, y: to.y + to.height / 2 });
        const end = border(to, { x: from.x + from.width / 2, y: from.y + from.height / 2 });
        // inferred joins keep their label (they are the guesses to check); declared ones say theirs on hover
        return {
          relation,
          points: [start, end],
          label: relation.inferred
            ? { text: 'inferred', x: (start.x + end.x) / 2 + 4, y: (start.y + end.y) / 2 - 12 }
            : null,
        };
      }),
    };
  }
  const laid = (await elk.layout({
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.spacing.nodeNode': '28',
      'elk.layered.spacing.nodeNodeBetweenLayers': '70',
      'elk.spacing.edgeLabel': '4',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
      'elk.padding': '[top=16,left=16,bottom=16,right=16]',
    },
    children: graph.tables.map((table, position) => ({
      id: index.get(table.id)!,
      width: sizes[position]!.width,
      height: sizes[position]!.height,
    })),
    edges: relations.map((relation, position) => {
      const text = relationLabel(relation);
      return {
        id: `e${position}`,
        sources: [index.get(relation.from)!],
        targets: [index.get(relation.to)!],
        labels: [{ text, width: text.length * 6 + 6, height: 14 }],
      };
    }),
  })) as ElkResult;
  const placed = new Map((laid.children ?? []).map((child) => [child.id, child]));
  const edges = new Map((laid.edges ?? []).map((edge) => [edge.id, edge]));
  return {
    width: laid.width ?? 0,
    height: laid.height ?? 0,
    tables: graph.tables.map((table, position) => {
      const child = placed.get(`t${position}`);
      return {
        table,
        x: child?.x ?? 0,
        y: child?.y ?? 0,
        width: sizes[position]!.width,
        height: sizes[position]!.height,
      };
    }),
    relations: relations.map((relation, position) => {
      const edge = edges.get(`e${position}`);
      const section = edge?.sections?.[0];
      const points = section ? [section.startPoint, ...(section.bendPoints ?? []), section.endPoint] : [];
      const label = edge?.labels?.[0];
      return {
        relation,
        points,
        label:
          label && label.x !== undefined && label.y !== undefined
            ? { text: label.text ?? relationLabel(relation), x: label.x, y: label.y }
            : null,
      };
    }),
  };
}
