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
  return { width: Math.min(280, Math.max(150, longest * CHAR_WIDTH + 20)), height: HEADER_HEIGHT + rows * COLUMN_HEIGHT + 8 };
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
  edges?: { id: string; sections?: { startPoint: ElkPoint; endPoint: ElkPoint; bendPoints?: ElkPoint[] }[]; labels?: { text?: string; x?: number; y?: number }[] }[];
  width?: number;
  height?: number;
}

/**
 * Lays the tables out with ELK's layered algorithm (left to right, orthogonal edges, labels placed beside them).
 * elkjs is loaded on first use, so the app starts without it.
 */
export async function layoutRelations(graph: RelationGraphView): Promise<Layout> {
  const { default: ELK } = await import('elkjs/lib/elk.bundled.js');
  const elk = new ELK();
  const index = new Map(graph.tables.map((table, position) => [table.id, `t${position}`]));
  const sizes = graph.tables.map(tableSize);
  const relations = graph.relations.filter((relation) => index.has(relation.from) && index.has(relation.to));
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
    children: graph.tables.map((table, position) => ({ id: index.get(table.id)!, width: sizes[position]!.width, height: sizes[position]!.height })),
    edges: relations.map((relation, position) => {
      const text = relationLabel(relation);
      return { id: `e${position}`, sources: [index.get(relation.from)!], targets: [index.get(relation.to)!], labels: [{ text, width: text.length * 6 + 6, height: 14 }] };
    }),
  })) as ElkResult;
  const placed = new Map((laid.children ?? []).map((child) => [child.id, child]));
  const edges = new Map((laid.edges ?? []).map((edge) => [edge.id, edge]));
  return {
    width: laid.width ?? 0,
    height: laid.height ?? 0,
    tables: graph.tables.map((table, position) => {
      const child = placed.get(`t${position}`);
      return { table, x: child?.x ?? 0, y: child?.y ?? 0, width: sizes[position]!.width, height: sizes[position]!.height };
    }),
    relations: relations.map((relation, position) => {
      const edge = edges.get(`e${position}`);
      const section = edge?.sections?.[0];
      const points = section ? [section.startPoint, ...(section.bendPoints ?? []), section.endPoint] : [];
      const label = edge?.labels?.[0];
      return { relation, points, label: label && label.x !== undefined && label.y !== undefined ? { text: label.text ?? relationLabel(relation), x: label.x, y: label.y } : null };
    }),
  };
}
