import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, quantile } from '../../electron/engine/platform/percentiles.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface FreshProcessTimes {
  readonly runs: number;
  /** Medians and p95 over the runs, in ms. */
  readonly wall: { p50: number; p95: number };
  /** Question in, packed context out, inside the engine (the CLI's `retrieval.ms`, tokenizer load excluded). */
  readonly engine: { p50: number; p95: number };
  /** Of which getting the prepared snapshot (loaded from the data folder when it was prepared before). */
  readonly prepare: { p50: number; p95: number };
  /** Building the tokenizer, once per process. */
  readonly tokenizer: { p50: number; p95: number };
}

/** `schemascope context URL QUESTION --offline --json` as fresh processes, one question each, as a script runs it. */
export async function freshProcessTimes(options: {
  readonly url: string;
  readonly home: string;
  readonly questions: readonly string[];
  readonly budget: number;
}): Promise<FreshProcessTimes> {
  const wall: number[] = [];
  const engine: number[] = [];
  const prepare: number[] = [];
  const tokenizer: number[] = [];
  for (const question of options.questions) {
    const started = performance.now();
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(
        process.execPath,
        [
          path.join(root, 'bin', 'schemascope.mjs'),
          'context',
          options.url,
          question,
          '--offline',
          '--json',
          '--budget',
          String(options.budget),
          '--home',
          options.home,
        ],
        { maxBuffer: 64 * 1024 * 1024 },
        (error, out, err) => (error ? reject(new Error(`context failed: ${err || error.message}`)) : resolve(out)),
      ),
    );
    wall.push(performance.now() - started);
    const retrieval = (JSON.parse(stdout) as { retrieval: { ms: number; prepareMs: number; tokenizerMs: number } })
      .retrieval;
    engine.push(retrieval.ms);
    prepare.push(retrieval.prepareMs);
    tokenizer.push(retrieval.tokenizerMs);
  }
  const summary = (values: number[]) => ({ p50: median(values), p95: quantile(values, 0.95) });
  return {
    runs: wall.length,
    wall: summary(wall),
    engine: summary(engine),
    prepare: summary(prepare),
    tokenizer: summary(tokenizer),
  };
}
