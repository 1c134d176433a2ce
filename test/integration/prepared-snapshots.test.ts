import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../electron/engine/app/engine.ts';
import { tempHome } from '../helpers/temp-home.ts';
import { workloadSqliteFile } from '../helpers/workloads.ts';

const home = tempHome();
afterAll(home.cleanup);

const QUESTION = 'refund amount by customer country';

describe('prepared snapshots', () => {
  it('are written when indexing ends and loaded by the next process, giving the same context; a bad file is rebuilt', async () => {
    const first = createEngine({ home: home.dir, mode: 'web' });
    const { id } = first.sources.add({ name: 'w200', url: `sqlite:${workloadSqliteFile('w200')}` });
    await first.sources.refresh(id);
    const { job } = await first.indexes.start(id, { provider: 'local' });
    expect((await job.done).state).toBe('done');
    // Written by the indexer from the snapshot it read, before its run ended: nothing is prepared at the first question.
    const dir = path.join(home.dir, 'prepared');
    expect(existsSync(dir) && readdirSync(dir).some((name) => name.endsWith('.bin'))).toBe(true);
    const built = await first.contexts.build({ sourceId: id, question: QUESTION, budget: 3000, offline: true });
    expect(first.contexts.cacheStats()).toMatchObject({ loaded: 1, inWorker: 0 });
    await first.close();
    expect(readdirSync(dir).filter((name) => name.endsWith('.bin'))).toHaveLength(1);

    const second = createEngine({ home: home.dir, mode: 'web' });
    const again = await second.contexts.build({ sourceId: id, question: QUESTION, budget: 3000, offline: true });
    expect(second.contexts.cacheStats()).toMatchObject({ loaded: 1, inWorker: 0 });
    expect(again.text).toBe(built.text);
    await second.close();

    // A damaged file is ignored (rebuilt in the worker or in place), never an error.
    for (const name of readdirSync(dir)) writeFileSync(path.join(dir, name), 'not a prepared snapshot');
    const third = createEngine({ home: home.dir, mode: 'web' });
    const rebuilt = await third.contexts.build({ sourceId: id, question: QUESTION, budget: 3000, offline: true });
    expect(rebuilt.text).toBe(built.text);
    expect(third.contexts.cacheStats().loaded).toBe(0);
    await third.close();
  }, 120_000);
});
