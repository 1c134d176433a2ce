import { z } from 'zod';
import { AppError } from '../../../shared/errors.ts';
import { encodingForModel } from '../../engine/platform/token-counter.ts';
import { capLines, quoted } from '../capped-text.ts';
import { CONTEXT_FRAME_TOKENS, DEFAULT_ENCODING, TOKEN_CAP } from '../mcp-limits.ts';
import { defineTool, snapshotLine, sourceArg } from './tool-kit.ts';

const NAME = 'get_context';

export const getContext = defineTool({
  name: NAME,
  title: 'Get schema context',
  description:
    'The schema a question needs, packed under a token budget: most relevant tables and columns, keys, join paths, exact token count, and what was left out.',
  input: {
    source: sourceArg,
    question: z.string().trim().min(1).max(4000).describe('The question, in words'),
    budget: z.number().int().min(TOKEN_CAP.min).max(TOKEN_CAP.max).optional().describe(`Token budget of the answer (default ${TOKEN_CAP.default})`),
    model: z.string().trim().min(1).max(200).optional().describe('Model whose tokenizer counts (default o200k_base)'),
  },
  openWorld: false,
  async run(args, kit) {
    const budget = args.budget ?? TOKEN_CAP.default;
    const encoding = args.model ? (encodingForModel(args.model) as 'o200k_base' | 'cl100k_base') : DEFAULT_ENCODING;
    const source = await kit.directory.resolve(args.source);
    await kit.directory.current(source.id);
    // The context gets the budget less the frame around it; the frame's lines are then fitted into what is left.
    const built = await kit.call(
      'context/build',
      { sourceId: source.id, question: args.question, budget: budget - CONTEXT_FRAME_TOKENS, encoding, audience: 'agent', ...(args.model ? { model: args.model } : {}) },
      kit.signal,
    ).catch((error: unknown) => {
      if (error instanceof AppError && error.kind === 'invalid_input' && /alone take/.test(error.message)) throw new AppError('invalid_input', `${error.message} (the answer's frame takes ${CONTEXT_FRAME_TOKENS} of the budget)`);
      throw error;
    });
    if (built.snapshot.offline) kit.directory.refreshSoon(source.id);
    const head = [`Source ${quoted(source.name)}. ${snapshotLine(built.snapshot)}. Context: ${built.tokens} tokens (${built.encoding}), ${built.tables.length} tables, ${built.columns.length} columns.`, '', built.text, ''];
    const joins = built.joins.map((join) => `Join: ${join.on}${join.inferred ? ' (inferred from names)' : ''}`);
    const left = built.omitted.tables > 0 || built.omitted.columns > 0
      ? [`Left out: ${built.omitted.tables} tables, ${built.omitted.columns} columns${built.omitted.firstTables.length ? `; next most relevant: ${built.omitted.firstTables.join(', ')}` : ''}. describe_table shows any table; a larger budget fits more.`]
      : ['Left out: nothing.'];
    const page = capLines({
      head,
      body: [...left, ...joins],
      offset: 0,
      cap: budget,
      encoding,
      foot: (shown, cut) => (cut ? [`(${joins.length + left.length - shown} join lines not shown: the budget is full)`] : []),
    });
    return page.text;
  },
});
