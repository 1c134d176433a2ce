/**
 * `npm run demo:generate [-- --workload w200|w1000|demo] [-- --out FILE]`: writes the reference workloads of
 * targets.md into MariaDB, PostgreSQL and a SQLite file (skipped when an identical one is there), or the demo
 * database into a SQLite file.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { demoSchema } from '../electron/engine/demo/demo-schema.ts';
import { writeSqliteDatabase } from '../electron/engine/demo/schema-writer.ts';
import { WORKLOADS, type WorkloadName } from '../test/workloads/workload-schema.ts';
import { ensureWorkload, workloadSqliteFile } from '../test/helpers/workloads.ts';

const { values } = parseArgs({ options: { workload: { type: 'string', multiple: true }, out: { type: 'string' } } });
const selected = values.workload ?? ['w200', 'w1000'];
const log = (line: string) => process.stderr.write(`${line}\n`);

for (const name of selected) {
  if (name === 'demo') {
    const file = path.resolve(values.out ?? 'demo-northwind-holdings.sqlite');
    const summary = writeSqliteDatabase(demoSchema(), file);
    log(
      `demo: ${summary.tables} tables, ${summary.columns} columns, ${summary.rows} rows -> ${file} (${Math.round(summary.ms)} ms)`,
    );
  } else if (name in WORKLOADS) {
    const started = performance.now();
    await ensureWorkload(name as WorkloadName, log);
    log(
      `${name}: ready in MariaDB and PostgreSQL (database ss_${name}) and ${workloadSqliteFile(name as WorkloadName)} (${Math.round(performance.now() - started)} ms)`,
    );
  } else {
    log(`Unknown workload "${name}": use w200, w1000 or demo.`);
    process.exit(2);
  }
}
process.exit(0);
