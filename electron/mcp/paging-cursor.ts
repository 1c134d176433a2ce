import { createHash } from 'node:crypto';
import { AppError } from '../../shared/errors.ts';

/** Longest cursor accepted (one this server gives is about 40 characters). */
const MAX_CURSOR_CHARS = 200;
const CURSOR = /^(?<tool>[a-z_]{1,40})\.(?<digest>[A-Za-z0-9_-]{12})\.(?<offset>\d{1,9})$/;

/**
 * Paging without server state: a cursor names the tool, a digest of the call's other arguments and where the next
 * page starts. The agent repeats the same arguments with the cursor (so the input schema stays strict, and the cursor
 * stays a few tokens long whatever the statement), and a cursor meant for other arguments is refused. It survives a
 * restart of the server and works across HTTP sessions.
 */
export function encodeCursor(tool: string, args: Record<string, unknown>, offset: number): string {
  return `${tool}.${digestOf(args)}.${offset}`;
}

/** The offset a cursor resumes at, after checking it was given for this tool and these arguments. */
export function cursorOffset(tool: string, args: Record<string, unknown>, cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  const match = cursor.length <= MAX_CURSOR_CHARS ? CURSOR.exec(cursor) : null;
  if (!match || match.groups!.tool !== tool)
    throw new AppError(
      'invalid_input',
      `This cursor was not given by ${tool}: pass the "cursor" of its previous answer unchanged.`,
    );
  if (match.groups!.digest !== digestOf(args))
    throw new AppError(
      'invalid_input',
      `This cursor was given for other arguments: call ${tool} again with the same arguments as the answer it came from.`,
    );
  return Number(match.groups!.offset);
}

/** sha256 of the arguments with sorted keys (undefined ones, the cursor and the page size dropped), first 12 base64url characters. */
function digestOf(args: Record<string, unknown>): string {
  const canonical = JSON.stringify(
    Object.keys(args)
      .filter((key) => args[key] !== undefined && key !== 'cursor' && key !== 'max_tokens')
      .sort()
      .map((key) => [key, args[key]]),
  );
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 12);
}
