import { writeFileSync } from 'node:fs';
import { AppError } from '../../../shared/errors.ts';
import type { CommandRun } from '../command-context.ts';

/** The metrics snapshot (numbers and ids only); --out also writes it to a file for a bug report. */
export const stats: CommandRun = async (context) => {
  const snapshot = await context.call('metrics/snapshot', {});
  const file = context.values.out;
  if (file) {
    try {
      writeFileSync(file, `${JSON.stringify(snapshot, null, 2)}\n`, { flag: 'w' });
    } catch (error) {
      throw new AppError('storage', `Cannot write ${file}: ${error instanceof Error ? error.message : String(error)}`);
    }
    context.io.stderr(`wrote ${file}`);
  }
  return { output: snapshot as unknown as Record<string, unknown> };
};
