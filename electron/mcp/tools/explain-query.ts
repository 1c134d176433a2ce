import { z } from 'zod';
import type { PlanNodeView } from '../../../shared/ipc-contract.ts';
import { AppError } from '../../../shared/errors.ts';
import { quoted } from '../capped-text.ts';
import { QUERY_TIMEOUT_MS, TOKEN_CAP } from '../mcp-limits.ts';
import { cursorOffset } from '../paging-cursor.ts';
import { cursorArg, defineTool, maxTokensArg, pageOf, sourceArg } from './tool-kit.ts';

const NAME = 'explain_query';

const input = {
  source: sourceArg,
  sql: z.string().trim().min(1).max(100_000).describe('One read-only query to plan (never executed)'),
  max_tokens: maxTokensArg,
  cursor: cursorArg,
};

/** One line per plan node, indented by depth: operation, relation, index, estimated rows and cost. */
function planLines(nodes: readonly PlanNodeView[], depth = 0): string[] {
  return nodes.flatMap((node) => {
    const parts = [
      node.operation,
      node.relation ? `on ${quoted(node.relation)}` : '',
      node.index ? `using ${quoted(node.index)}` : '',
      node.rows !== null ? `rows≈${node.rows}` : '',
      node.cost !== null ? `cost≈${node.cost}` : '',
    ];
    return [`${'  '.repeat(depth)}- ${parts.filter(Boolean).join(' ')}`, ...planLines(node.children, depth + 1)];
  });
}

export const explainQuery = defineTool({
  name: NAME,
  title: 'Explain a query',
  description:
    'The plan of one read-only query without running it: estimated rows and cost, warnings for full scans and joins without an index.',
  input,
  openWorld: true,
  async run(args, kit) {
    const offset = cursorOffset(NAME, args, args.cursor);
    const source = await kit.directory.resolve(args.source);
    const explained = await kit
      .call('query/explain', { sourceId: source.id, sql: args.sql, timeoutMs: QUERY_TIMEOUT_MS.default }, kit.signal)
      .catch((error: unknown) => {
        if (error instanceof AppError && error.kind === 'unreachable') kit.directory.unreachable(source.id);
        throw error;
      });
    const head = [
      `Source ${quoted(source.name)} (${explained.engine}): the plan, estimated by the database; the query was not executed. Names are quoted data.`,
      explained.warnings.length > 0
        ? `Warnings: ${explained.warnings.map((warning) => warning.message).join(' | ')}`
        : 'Warnings: none.',
    ];
    const body = planLines(explained.plan);
    return pageOf({
      tool: NAME,
      args,
      head,
      body,
      offset,
      cap: args.max_tokens ?? TOKEN_CAP.default,
      unit: 'plan lines',
    }).text;
  },
});
