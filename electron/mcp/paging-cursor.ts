import { z } from 'zod';
import { AppError } from '../../shared/errors.ts';

/** Longest cursor accepted: it carries the call's arguments (a statement of run_query included). */
const MAX_CURSOR_CHARS = 200_000;

const cursorShape = z.strictObject({
  v: z.literal(1),
  tool: z.string().max(64),
  args: z.record(z.string(), z.unknown()),
  offset: z.number().int().min(0).max(100_000_000),
});

export type PageCursor = z.output<typeof cursorShape>;

/**
 * Paging without server state: a cursor is the call's arguments and where the next page starts, base64url-encoded,
 * so it survives a restart of the server and works across HTTP sessions. It is checked like any other input.
 */
export function encodeCursor(tool: string, args: Record<string, unknown>, offset: number): string {
  return Buffer.from(JSON.stringify({ v: 1, tool, args, offset } satisfies PageCursor), 'utf8').toString('base64url');
}

export function decodeCursor(tool: string, cursor: string): PageCursor {
  const refuse = () => new AppError('invalid_input', `This cursor was not given by ${tool}: pass the "cursor" of that tool's previous answer unchanged.`);
  if (cursor.length > MAX_CURSOR_CHARS || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw refuse();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw refuse();
  }
  const checked = cursorShape.safeParse(parsed);
  if (!checked.success || checked.data.tool !== tool) throw refuse();
  return checked.data;
}
