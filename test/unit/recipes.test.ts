import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { REQUEST_CHANNELS } from '../../shared/ipc-channels.ts';
import { contract } from '../../shared/ipc-contract.ts';
import { engine as engineEnum } from '../../shared/schema-types.ts';
import { quoteIdentifier } from '../../shared/sql-identifiers.ts';
import { createEngine } from '../../electron/engine/app/engine.ts';
import { dialectFor } from '../../electron/engine/sources/dialects.ts';
import { SQL_DIALECTS, sqlDialectForScheme } from '../../electron/engine/sources/sql-dialects.ts';
import { planReaderOf } from '../../electron/engine/sources/plan-readers.ts';
import { tempHome } from '../helpers/temp-home.ts';

/**
 * ARCHITECTURE.md's contributor recipes, checked: each test fails when a step of its recipe is forgotten, and its
 * message names the missing step.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const read = (file: string): string => readFileSync(path.join(root, file), 'utf8');

function filesUnder(dir: string): string[] {
  return readdirSync(path.join(root, dir)).flatMap((entry) => {
    const relative = path.join(dir, entry);
    return statSync(path.join(root, relative)).isDirectory() ? filesUnder(relative) : [relative];
  });
}

describe('recipe: adding a dialect', () => {
  for (const engine of engineEnum.options) {
    it(`${engine}: a folder of roles, registered, loadable, quoted, and in the dialect suite`, async () => {
      const folder = `electron/engine/sources/${engine}`;
      for (const role of ['pool', 'introspector', 'sql-dialect', 'plan-reader'])
        expect(filesUnder(folder), `step: ${folder}/${engine}-${role}.ts`).toContain(
          path.join(folder, `${engine}-${role}.ts`),
        );
      const sql = SQL_DIALECTS.get(engine);
      expect(sql, 'step: list the SQL dialect in sources/sql-dialects.ts').toBeDefined();
      for (const scheme of sql!.urlSchemes)
        expect(sqlDialectForScheme(scheme)?.engine, `URL scheme ${scheme}`).toBe(engine);
      expect((await dialectFor(engine)).engine, 'step: the loader in sources/dialects.ts').toBe(engine);
      expect(
        planReaderOf(engine).explainStatement('SELECT 1'),
        'step: list the plan reader in sources/plan-readers.ts (EXPLAIN, never ANALYZE)',
      ).toMatch(/^EXPLAIN\b(?!.*ANALY[SZ]E)/i);
      expect(quoteIdentifier(engine, 'a"b`c]d'), 'step: quoting in shared/sql-identifiers.ts').toMatch(/^["`[]/);
      expect(read('test/integration/dialects.test.ts'), 'step: a case in test/integration/dialects.test.ts').toContain(
        `name: '${engine}'`,
      );
    });
  }
});

describe('recipe: adding a worker (a worker thread, or a child process such as the SQLite query process)', () => {
  const workers = filesUnder('electron/engine').filter(
    (file) => file.endsWith('-worker.ts') || file.endsWith('-process.ts'),
  );
  const build = read('scripts/build.mjs');
  const product = filesUnder('electron/engine')
    .filter((file) => file.endsWith('.ts'))
    .map(read)
    .join('\n');

  it('finds the workers it checks', () => {
    expect(workers.length).toBeGreaterThanOrEqual(4);
  });

  for (const file of workers) {
    const name = path.basename(file, '.ts');
    it(`${name}: an entry beside it, a bundle in the build, started by name`, () => {
      const entry = file.replace(/\.ts$/, '.entry.mjs');
      expect(filesUnder(path.dirname(file)), `step: ${entry} (runs the TypeScript from sources)`).toContain(entry);
      expect(read(entry)).toContain(`./${name}.ts`);
      expect(build, `step: '${name}': '${file}' in scripts/build.mjs`).toContain(
        `'${name}': '${file.split(path.sep).join('/')}'`,
      );
      expect(product, `step: start it with workerEntry/WorkerRpc/ProcessRpc('${name}', ...)`).toMatch(
        new RegExp(`(workerEntry\\(|WorkerRpc\\(|ProcessRpc\\()'${name}'`),
      );
    });
  }
});

describe('recipe: adding a channel', () => {
  const home = tempHome('recipes');
  const engine = createEngine({ home: home.dir, mode: 'cli' });
  afterAll(async () => {
    await engine.close();
    home.cleanup();
  });

  it('every contract channel has a name in the channel list and a handler, and nothing else has one', () => {
    const contractChannels = Object.keys(contract).sort();
    expect([...REQUEST_CHANNELS].sort(), 'step: the name in shared/ipc-channels.ts').toEqual(contractChannels);
    expect(Object.keys(engine.handlers).sort(), 'step: the handler in electron/engine/app/create-handlers.ts').toEqual(
      contractChannels,
    );
  });
});
