import { positiveInt, round, sourceFor, type CommandRun } from '../command-context.ts';

export const query: CommandRun = async (context) => {
  const [url, sql] = context.args as [string, string];
  const sourceId = await sourceFor(context, url);
  const { values } = context;
  const result = await context.call('query/execute', {
    sourceId,
    sql,
    ...(values.limit !== undefined ? { limit: positiveInt(values.limit, 'limit', 1) } : {}),
    ...(values['timeout-ms'] !== undefined ? { timeoutMs: positiveInt(values['timeout-ms'], 'timeout-ms', 1) } : {}),
  });
  return {
    output: {
      columns: result.columns,
      rows: result.rows,
      rowCount: result.rowCount,
      truncated: result.truncated,
      ms: round(result.ms),
    },
  };
};
