import { positiveInt, round, sourceFor, type CommandRun } from '../command-context.ts';

/** `explain URL SQL`: the plan and its warnings; the statement itself never runs (a write is refused with the reason). */
export const explain: CommandRun = async (context) => {
  const [url, sql] = context.args as [string, string];
  const sourceId = await sourceFor(context, url);
  const timeout = context.values['timeout-ms'];
  const result = await context.call('query/explain', {
    sourceId,
    sql,
    ...(timeout !== undefined ? { timeoutMs: positiveInt(timeout, 'timeout-ms', 1) } : {}),
  });
  return {
    output: {
      engine: result.engine,
      plan: result.plan,
      warnings: result.warnings,
      statement: result.statement,
      ms: round(result.ms),
    },
  };
};
