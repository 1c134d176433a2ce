/**
 * The fresh-process timing of the public benchmark alone (issue #11.8: `context` in a new process spends <= 200 ms in
 * the engine), without the 30-minute recall runs: `node bin/run-ts.mjs bench/public/fresh-process-run.ts [--runs N]`.
 * Opens (or prepares) the same data folder as the suite, then times `schemascope context URL Q --offline --json` on
 * PostgreSQL's pooled source as fresh processes. Prints one JSON line.
 */
import { parseArgs } from 'node:util';
import { openPublicHome } from './engine-home.ts';
import { ensureDatabases } from './ensure-databases.ts';
import { freshProcessTimes } from './fresh-process.ts';
import { readQuestions } from './questions.ts';

const { values } = parseArgs({ options: { runs: { type: 'string' } } });
const log = (line: string) => process.stderr.write(`[fresh] ${line}\n`);
const loaded = await ensureDatabases(['postgres'], log);
const home = await openPublicHome(loaded, ['postgres'], log);
await home.engine.close();
const questions = readQuestions(loaded.paths.goldRefs)
  .filter((question) => question.set !== 'idk')
  .map((question) => question.text)
  .slice(0, Number(values.runs ?? 10));
const times = await freshProcessTimes({ url: home.urls.get('postgres')!, home: home.dir, questions, budget: 4000 });
process.stdout.write(`${JSON.stringify(times)}\n`);
process.exit(0);
