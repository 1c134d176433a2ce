import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { AppError } from '../../../shared/errors.ts';
import { csvLine } from '../../../shared/csv.ts';
import type { SourceConnection } from '../sources/dialect.ts';
import type { SqlDoor } from './sql-door.ts';

export const EXPORT_PAGE_ROWS = 20_000;
export const EXPORT_MAX_ROWS = 10_000_000;

export interface ExportResult {
  readonly file: string;
  readonly rows: number;
  readonly bytes: number;
  readonly ms: number;
  /** True when the export stopped at the row cap, not at the end of the result. */
  readonly capped: boolean;
}

/** Where exports go when the user did not choose a file: `<data folder>/exports/`. */
export function defaultExportFile(home: string, now = new Date()): string {
  return path.join(home, 'exports', `schemascope-${now.toISOString().replace(/[:.]/g, '-')}.csv`);
}

/**
 * The whole result of a statement as CSV, streamed to a file page by page through the SQL door (same guard, same
 * read-only session): memory holds one page whatever the result size, the file stream's backpressure is honoured,
 * and a cancel stops between pages. A failed export removes nothing already written, and says how far it got.
 */
export async function exportCsv(
  door: SqlDoor,
  connection: SourceConnection,
  sql: string,
  file: string,
  options: { signal?: AbortSignal; pageRows?: number; maxRows?: number } = {},
): Promise<ExportResult> {
  const pageRows = options.pageRows ?? EXPORT_PAGE_ROWS;
  const maxRows = options.maxRows ?? EXPORT_MAX_ROWS;
  const started = performance.now();
  mkdirSync(path.dirname(file), { recursive: true });
  const out = createWriteStream(file, { flags: 'w', mode: 0o600 });
  const failed = new Promise<never>((_resolve, reject) => out.once('error', reject));
  failed.catch(() => undefined);
  const write = async (text: string) => {
    if (!out.write(text)) await Promise.race([once(out, 'drain'), failed]);
  };
  let rows = 0;
  let capped = false;
  try {
    for (let offset = 0; ; offset += pageRows) {
      if (options.signal?.aborted)
        throw new AppError('cancelled', `The export was cancelled after ${rows.toLocaleString('en-US')} rows.`);
      const limit = Math.min(pageRows, maxRows - rows);
      const page = await door.execute(connection, { sql, limit, offset, signal: options.signal, timeoutMs: 300_000 });
      if (offset === 0) await write(csvLine(page.columns.map((column) => column.name)));
      let chunk = '';
      for (const row of page.rows) chunk += csvLine(row);
      await write(chunk);
      rows += page.rows.length;
      if (!page.truncated) break;
      if (rows >= maxRows) {
        capped = true;
        break;
      }
    }
    out.end();
    await Promise.race([once(out, 'finish'), failed]);
  } catch (error) {
    out.destroy();
    throw error;
  }
  return { file, rows, bytes: out.bytesWritten, ms: Math.round(performance.now() - started), capped };
}
