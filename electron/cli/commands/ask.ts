import { randomUUID } from 'node:crypto';
import { AppError } from '../../../shared/errors.ts';
import { freshSnapshot, positiveInt, round, sourceFor, type CommandRun } from '../command-context.ts';
import { budgetOf, contextOutput } from './context.ts';

/** One question to SQL with a language model; --run runs the SQL read-only. A refused answer exits non-zero. */
export const ask: CommandRun = async (context) => {
  const [url, question] = context.args as [string, string];
  const { values } = context;
  const sourceId = await sourceFor(context, url);
  const stored = await context.call('settings/get', {});
  const model = values['llm-model'] ?? stored.llm.model;
  if (!model) {
    throw new AppError(
      'invalid_input',
      'ask needs a language model: --llm-model M (with --llm-base-url U for an OpenAI-compatible server); "schemascope context" shows the context without one.',
    );
  }
  const budget = budgetOf(values.budget);
  const limit = values.limit === undefined ? undefined : positiveInt(values.limit, 'limit', 1);
  const timeoutMs =
    values['llm-timeout-ms'] === undefined
      ? undefined
      : positiveInt(values['llm-timeout-ms'], 'llm-timeout-ms', 60_000);
  await freshSnapshot(context, sourceId);
  context.io.stderr(`asking ${model}...`);
  const askId = randomUUID();
  const cancel = () => void context.call('ask/cancel', { askId }).catch(() => undefined);
  context.signal.addEventListener('abort', cancel, { once: true });
  try {
    const result = await context.call('ask/start', {
      askId,
      sourceId,
      question,
      ...(budget !== undefined ? { budget } : {}),
      ...(limit !== undefined ? { limit } : {}),
      run: Boolean(values.run),
      offline: Boolean(values.offline),
      ...(values.model ? { tokenModel: values.model } : {}),
      llm: {
        ...(values['llm-base-url'] ? { baseUrl: values['llm-base-url'] } : {}),
        ...(values['llm-model'] ? { model: values['llm-model'] } : {}),
        ...(values['llm-api-key'] ? { apiKey: values['llm-api-key'] } : {}),
        ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      },
    });
    if (result.refusal) {
      const shown = result.sql ? ` (SQL: ${result.sql.replace(/\s+/g, ' ').slice(0, 200)})` : '';
      throw new AppError(result.refusal.kind, `${result.refusal.message}${shown}`);
    }
    const output: Record<string, unknown> = {
      sql: result.sql,
      context: contextOutput(result.context),
      llm: result.llm,
    };
    if (result.result)
      Object.assign(output, {
        columns: result.result.columns,
        rows: result.result.rows,
        rowCount: result.result.rowCount,
        truncated: result.result.truncated,
        ms: round(result.result.ms),
      });
    return { output };
  } finally {
    context.signal.removeEventListener('abort', cancel);
  }
};
