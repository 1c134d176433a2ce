import type { PlanNodeView, PlanWarningView } from '../../../shared/ipc-contract.ts';

/** From this many rows a full scan is worth a warning. */
export const LARGE_TABLE_ROWS = 10_000;
const MAX_WARNINGS = 50;

/** The size of a table as the plan names it (a name or an alias), from the catalog; null when unknown. */
export type RowEstimateOf = (relation: string) => number | null;

/**
 * What an analyst should look at before running a statement: full scans of large tables (the catalog's row estimate,
 * else the plan's), and joins that find their matches without an index. One warning per table and kind.
 */
export function planWarnings(
  plan: readonly PlanNodeView[],
  rowEstimateOf: RowEstimateOf = () => null,
): PlanWarningView[] {
  const warnings: PlanWarningView[] = [];
  const seen = new Set<string>();
  const add = (warning: PlanWarningView) => {
    const key = `${warning.kind}\u0000${warning.relation ?? ''}`;
    if (seen.has(key) || warnings.length >= MAX_WARNINGS) return;
    seen.add(key);
    warnings.push(warning);
  };
  const visit = (node: PlanNodeView, depth: number) => {
    if (depth > 200) return;
    const name = node.relation ?? 'a table';
    if (node.fullScan) {
      const rows = (node.relation ? rowEstimateOf(node.relation) : null) ?? node.rows;
      if (rows !== null && rows >= LARGE_TABLE_ROWS) {
        // With a condition on the scan, an index on its column could avoid reading it all; without one, all is asked for.
        const filtered = /\b(Filter|attached condition|WHERE)\b/i.test(node.detail);
        const why = filtered
          ? 'every row is read to test the condition; an index on the filtered column would narrow it'
          : 'the whole table is read';
        add({
          kind: 'full_scan',
          relation: node.relation,
          message: `Full scan of ${name} (~${Math.round(rows).toLocaleString('en-US')} rows): ${why}.`,
        });
      }
    }
    if (node.joinWithoutIndex) {
      const scanned = node.relation ? node : findScan(node);
      const target = scanned?.relation ?? node.relation;
      add({
        kind: 'join_without_index',
        relation: target,
        message: `Join without an index on ${target ?? 'the inner table'}: every match is found by reading it in full. An index on its join column would help.`,
      });
    }
    for (const child of node.children) visit(child, depth + 1);
  };
  for (const root of plan) visit(root, 0);
  return warnings;
}

function findScan(node: PlanNodeView): PlanNodeView | undefined {
  // The side of the join read in full: the inner (last) side first.
  for (const child of [...node.children].reverse()) {
    if (child.fullScan) return child;
    const found = findScan(child);
    if (found) return found;
  }
  return undefined;
}

/** `FROM orders o`, `JOIN shop.refunds AS r`: alias -> table name, so a plan that names aliases finds the catalog's sizes. */
export function tableAliases(sql: string): Map<string, string> {
  const aliases = new Map<string, string>();
  const pattern =
    /\b(?:from|join)\s+((?:[`"[]?[\w$]+[`"\]]?\.)?[`"[]?[\w$]+[`"\]]?)(?:\s+(?:as\s+)?([`"[]?[\w$]+[`"\]]?))?/gi;
  const reserved = new Set([
    'on',
    'where',
    'join',
    'left',
    'right',
    'inner',
    'outer',
    'cross',
    'full',
    'group',
    'order',
    'limit',
    'using',
    'natural',
    'union',
    'having',
    'window',
  ]);
  for (const match of sql.matchAll(pattern)) {
    const table = unquote(match[1]!.split('.').pop()!);
    aliases.set(table.toLowerCase(), table);
    const alias = match[2] ? unquote(match[2]) : undefined;
    if (alias && !reserved.has(alias.toLowerCase())) aliases.set(alias.toLowerCase(), table);
  }
  return aliases;
}

function unquote(name: string): string {
  return name.replace(/^[`"[]|[`"\]]$/g, '');
}
