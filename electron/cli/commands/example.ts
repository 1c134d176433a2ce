import { AppError } from '../../../shared/errors.ts';
import { sourceFor, type CommandRun } from '../command-context.ts';

export const exampleAdd: CommandRun = async (context) => {
  const [url, question, sql] = context.args as [string, string, string];
  const sourceId = await sourceFor(context, url);
  const example = await context.call('examples/add', { sourceId, question, sql });
  return { output: { example } };
};

export const exampleList: CommandRun = async (context) => {
  const [url] = context.args as [string];
  const sourceId = await sourceFor(context, url);
  const { examples } = await context.call('knowledge/list', { sourceId });
  return { output: { examples } };
};

export const exampleRemove: CommandRun = async (context) => {
  const [url, idText] = context.args as [string, string];
  const id = Number(idText);
  if (!Number.isInteger(id) || id < 1)
    throw new AppError('invalid_input', `ID must be a positive whole number (see example list), got "${idText}".`);
  const sourceId = await sourceFor(context, url);
  const { examples } = await context.call('knowledge/list', { sourceId });
  if (!examples.some((example) => example.id === id))
    throw new AppError('not_found', `No example ${id} for this source.`);
  return { output: await context.call('examples/remove', { id }) };
};
