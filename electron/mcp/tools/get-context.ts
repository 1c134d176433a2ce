import { z } from 'zod';
import { AppError } from '../../../shared/errors.ts';
import { encodingForModel } from '../../engine/platform/token-counter.ts';
import { capLines, quoted } from '../capped-text.ts';
import { CONTEXT_FRAME_TOKENS, DEFAULT_ENCODING, TOKEN_CAP } from '../mcp-limits.ts';
import { cursorArg, defineTool, snapshotLine, sourceArg } from './tool-kit.ts';
import { cursorOffset, encodeCursor } from '../paging-cursor.ts';

const NAME = 'get_context';

export const getContext = defineTool({
  name: NAME,
  title: 'Get schema context',
  description:
    'The schema a question needs, packed under a token budget: most relevant tables and columns, keys, join paths, exact token count, and what was left out.',
  input: {
    source: sourceArg,
    question: z.string().trim().min(1).max(4000).describe('The question, in words'),
    budget: z
      .number()
      .int()
      .min(TOKEN_CAP.min)
      .max(TOKEN_CAP.max)
      .optional()
      .describe(`Token budget of the answer (default ${TOKEN_CAP.default})`),
    model: z.string().trim().min(1).max(200).optional().describe('Model whose tokenizer counts (default o200k_base)'),
    cursor: cursorArg,
  },
  openWorld: false,
  async run(args, kit) {
    const budget = args.budget ?? TOKEN_CAP.default;
    const encoding = args.model ? (encodingForModel(args.model) as 'o200k_base' | 'cl100k_base') : DEFAULT_ENCODING;
    const page = cursorOffset(NAME, args, args.cursor);
    if (page > MAX_CONTEXT_PAGES)
      throw new AppError(
        'invalid_input',
        `get_context pages stop at ${MAX_CONTEXT_PAGES}: search_schema and describe_table reach the rest.`,
      );
    const source = await kit.directory.resolve(args.source);
    await kit.directory.current(source.id);
    // The context gets the budget less the frame around it; the frame's lines are then fitted into what is left.
    // Page N leaves out the tables of pages 0..N-1, which are packed again to know them (packing is deterministic).
    const build = (excludeTables: readonly string[]) =>
      kit
        .call(
          'context/build',
          {
            sourceId: source.id,
            question: args.question,
            budget: budget - CONTEXT_FRAME_TOKENS,
            encoding,
            audience: 'agent',
            ...(args.model ? { model: args.model } : {}),
            ...(excludeTables.length ? { excludeTables: [...excludeTables] } : {}),
          },
          kit.signal,
        )
        .catch((error: unknown) => {
          if (error instanceof AppError && error.kind === 'invalid_input' && /alone take/.test(error.message))
            throw new AppError(
              'invalid_input',
              `${error.message} (the answer's frame takes ${CONTEXT_FRAME_TOKENS} of the budget)`,
            );
          throw error;
        });
    const shownBefore: string[] = [];
    for (let earlier = 0; earlier < page; earlier += 1) shownBefore.push(...(await build(shownBefore)).tables);
    const built = await build(shownBefore);
    if (built.snapshot.offline) kit.directory.refreshSoon(source.id);
    const head = [
      `Source ${quoted(source.name)}. ${snapshotLine(built.snapshot)}. Context: ${built.tokens} tokens (${built.encoding}), ${built.tables.length} tables, ${built.columns.length} columns.${page > 0 ? ` Page ${page + 1}: the ${shownBefore.length} tables of earlier pages are left out.` : ''}`,
      '',
      built.text,
      '',
    ];
    const more = built.omitted.firstTables.length > 0 && built.tables.length > 0 && page < MAX_CONTEXT_PAGES;
    const next = built.omitted.firstTables.slice(0, LEFT_OUT_NAMES);
    // The cursor line first: it is what the agent needs to go on, and it must survive a full budget.
    const body = [
      ...(more
        ? [
            `Next page (the next most relevant tables): same arguments with cursor="${encodeCursor(NAME, args, page + 1)}"`,
          ]
        : []),
      built.omitted.tables > 0 || built.omitted.columns > 0
        ? `Left out: ${built.omitted.tables} tables, ${built.omitted.columns} columns${next.length ? `; next most relevant: ${next.join(', ')}${built.omitted.firstTables.length > next.length ? ', …' : ''}` : ''}. describe_table shows any table; a larger budget fits more.`
        : 'Left out: nothing.',
      ...built.joins.map((join) => `Join: ${join.on}${join.inferred ? ' (inferred from names)' : ''}`),
    ];
    const answer = capLines({
      head,
      body,
      offset: 0,
      cap: budget,
      encoding,
      foot: (shown, cut) => (cut ? [`(${body.length - shown} more lines not shown: the budget is full)`] : []),
    });
    return answer.text;
  },
});

/** Pages of one question's context an agent may ask for (each later page packs the earlier ones again). */
const MAX_CONTEXT_PAGES = 10;
/** Names of left-out tables listed (the next page shows them anyway). */
const LEFT_OUT_NAMES = 8;
