import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExplainView } from '../../shared/ipc-contract.ts';
import { dispatch } from '../../electron/engine/app/dispatch.ts';
import { openSqlite } from '../../electron/engine/platform/open-sqlite.ts';
import { engineFixture } from '../helpers/engine-fixture.ts';
import { tempHome } from '../helpers/temp-home.ts';

/**
 * Names from strangers through the diagram and EXPLAIN: tables called constructor, __proto__, "a.b" and select,
 * columns called toString and größe, with a declared foreign key between two of them.
 */
describe('relationship view and EXPLAIN with hostile names (SQLite)', () => {
  const files = tempHome('hostile-visual-');
  const fixture = engineFixture();
  let sourceId = '';
  const call = async <T>(channel: string, payload: unknown): Promise<T> => {
    const envelope = await dispatch(fixture.engine.handlers, channel, payload);
    if (!envelope.ok) throw Object.assign(new Error(envelope.error.message), { kind: envelope.error.kind });
    return envelope.value as T;
  };

  beforeAll(async () => {
    const file = path.join(files.dir, 'hostile.sqlite');
    const db = openSqlite(file);
    db.exec(`
      CREATE TABLE "constructor" ("id" INTEGER PRIMARY KEY, "toString" TEXT);
      CREATE TABLE "__proto__" ("id" INTEGER PRIMARY KEY, "constructor_id" INTEGER REFERENCES "constructor"("id"), "größe" REAL);
      CREATE TABLE "a.b" ("id" INTEGER PRIMARY KEY, "größe" REAL, "__proto___id" INTEGER REFERENCES "__proto__"("id"));
      CREATE TABLE "select" ("id" INTEGER PRIMARY KEY, "toString" TEXT);
    `);
    db.close();
    sourceId = (await call<{ id: string }>('sources/add', { name: 'hostile', url: `sqlite:${file}` })).id;
    await call('schema/refresh', { sourceId });
  });
  afterAll(async () => {
    await fixture.close();
    files.cleanup();
  });

  it('draws the neighbours of a table called constructor, names as written, the declared keys as relations', async () => {
    const graph = await call<{
      tables: { name: string; columns: { name: string }[] }[];
      relations: { fromColumns: string[]; toColumns: string[]; inferred: boolean }[];
    }>('schema/graph', { sourceId, focus: { schema: 'main', table: '__proto__' }, depth: 1 });
    expect(graph.tables.map((table) => table.name).sort()).toEqual(['__proto__', 'a.b', 'constructor']);
    expect(
      graph.relations
        .filter((relation) => !relation.inferred)
        .map((relation) => relation.fromColumns[0])
        .sort(),
    ).toEqual(['__proto___id', 'constructor_id']);
    const proto = graph.tables.find((table) => table.name === '__proto__')!;
    expect(proto.columns.map((column) => column.name)).toContain('constructor_id');
  });

  it('explains queries over them without running them, naming the tables as written', async () => {
    const plan = await call<ExplainView>('query/explain', {
      sourceId,
      sql: 'SELECT "größe" FROM "a.b" WHERE "größe" > 1',
    });
    expect(JSON.stringify(plan.plan)).toContain('a.b');
    const joined = await call<ExplainView>('query/explain', {
      sourceId,
      sql: 'SELECT "constructor"."toString", "__proto__"."größe" FROM "constructor" JOIN "__proto__" ON "__proto__"."constructor_id" = "constructor"."id"',
    });
    // SQLite names each table as the query does (here unaliased): both come back as written.
    expect(JSON.stringify(joined.plan)).toContain('"constructor"');
    expect(JSON.stringify(joined.plan)).toContain('"__proto__"');
    const reserved = await call<ExplainView>('query/explain', { sourceId, sql: 'SELECT "toString" FROM "select"' });
    expect(JSON.stringify(reserved.plan)).toContain('select');
    await expect(call('query/explain', { sourceId, sql: 'DELETE FROM "constructor"' })).rejects.toMatchObject({
      kind: expect.stringMatching(/read_only_violation|invalid_input/),
    });
  });
});
