import { AppError } from '../../../shared/errors.ts';
import type { ContextView } from '../../../shared/ipc-contract.ts';
import { freshSnapshot, sourceFor, type CommandRun } from '../command-context.ts';

/** The fields the CLI contract prints for a context (the same in `context` and inside `ask`). */
export function contextOutput(context: ContextView): Record<string, unknown> {
  const { model, encoding, budget, tokens, tables, columns, joins, omitted, retrieval, snapshot, text } = context;
  return {
    model,
    encoding,
    budget,
    tokens,
    tables,
    columns,
    joins,
    omitted,
    retrieval,
    offline: snapshot.offline,
    text,
  };
}

export function budgetOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const budget = Number(value);
  if (!Number.isInteger(budget))
    throw new AppError(
      'invalid_input',
      `The token budget must be a whole number from 100 to 1,000,000; got "${value}".`,
    );
  return budget;
}

export const context: CommandRun = async (command) => {
  const [url, question] = command.args as [string, string];
  const { values } = command;
  const encoding = values.encoding;
  if (encoding !== undefined && encoding !== 'o200k_base' && encoding !== 'cl100k_base')
    throw new AppError('invalid_input', `--encoding must be o200k_base or cl100k_base, got "${encoding}".`);
  const budget = budgetOf(values.budget);
  const sourceId = await sourceFor(command, url);
  await freshSnapshot(command, sourceId);
  const built = await command.call('context/build', {
    sourceId,
    question,
    ...(budget !== undefined ? { budget } : {}),
    ...(values.model ? { model: values.model } : {}),
    ...(encoding ? { encoding } : {}),
    offline: Boolean(values.offline),
  });
  if (built.retrieval.note) command.io.stderr(`note: ${built.retrieval.note}`);
  return { output: contextOutput(built) };
};
