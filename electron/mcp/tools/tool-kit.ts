import { z } from 'zod';
import type { TiktokenEncoding } from 'tiktoken';
import type { CallChannel } from '../mcp-backend.ts';
import type { SourceDirectory } from '../source-directory.ts';
import { DEFAULT_ENCODING, TOKEN_CAP } from '../mcp-limits.ts';
import { capLines, type CappedPage } from '../capped-text.ts';
import { encodeCursor } from '../paging-cursor.ts';

/** What the tools run against, once the engine is open and the sources resolved. */
export interface McpBackend {
  readonly call: CallChannel;
  readonly directory: SourceDirectory;
}

/** What a tool runs with: the dispatch, the sources it may address, and the call's cancellation. */
export interface ToolKit extends McpBackend {
  readonly signal: AbortSignal;
}

/** A tool: its name and short description (what `tools/list` shows), its input shape (zod), and its run. */
export interface McpTool<Shape extends z.ZodRawShape = z.ZodRawShape> {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly input: Shape;
  /** Every tool reads; run_query too (one read-only statement), so none is destructive. */
  readonly openWorld: boolean;
  run(args: z.output<z.ZodObject<Shape>>, kit: ToolKit): Promise<string>;
}

export function defineTool<Shape extends z.ZodRawShape>(tool: McpTool<Shape>): McpTool<Shape> {
  return tool;
}

/** Arguments several tools share, with short descriptions (each word is paid for in every `tools/list`). */
export const sourceArg = z.string().max(200).optional().describe('Source name (optional if only one)');
export const maxTokensArg = z
  .number()
  .int()
  .min(TOKEN_CAP.min)
  .max(TOKEN_CAP.max)
  .optional()
  .describe(`Answer token cap (default ${TOKEN_CAP.default})`);
export const cursorArg = z.string().max(200).optional().describe('From a cut answer; repeat its arguments');

/** The snapshot line every schema answer carries: when it was taken, and whether the database was reachable. */
export function snapshotLine(snapshot: { takenAt: string; offline: boolean }): string {
  return snapshot.offline
    ? `Snapshot ${snapshot.takenAt} (offline: the database is unreachable, answering from the cached schema)`
    : `Snapshot ${snapshot.takenAt}`;
}

/** A page of lines under the call's cap, with the foot every cut answer ends with (and its cursor). */
export function pageOf(input: {
  readonly tool: string;
  readonly args: Record<string, unknown>;
  readonly head: readonly string[];
  readonly body: readonly string[];
  readonly offset: number;
  readonly cap: number | undefined;
  readonly encoding?: TiktokenEncoding;
  /** What a line of the body is, plural ("tables", "rows"), for the foot. */
  readonly unit: string;
  /** More items exist past the body (a search's weaker matches, rows past the limit): said, with a cursor when `pageable`. */
  readonly more?: { readonly text: string; readonly pageable: boolean };
}): CappedPage {
  const cap = input.cap ?? TOKEN_CAP.default;
  return capLines({
    head: input.head,
    body: input.body,
    offset: input.offset,
    cap,
    encoding: input.encoding ?? DEFAULT_ENCODING,
    foot: (shown, cut) => {
      const range =
        shown === 0
          ? `no ${input.unit}`
          : `${input.unit} ${input.offset + 1}-${input.offset + shown} of ${input.body.length}`;
      const next = () => `same arguments with cursor="${encodeCursor(input.tool, input.args, input.offset + shown)}"`;
      if (cut) return [`(CUT at the ${cap}-token cap: ${range}. Next page: ${next()})`];
      if (input.more) return [`(${range}; ${input.more.text}${input.more.pageable ? `. Next page: ${next()}` : ''})`];
      return [`(${range})`];
    },
  });
}
