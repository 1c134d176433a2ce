import mysql from 'mysql2/promise';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../electron/engine/app/engine.ts';
import { openSqlite } from '../../electron/engine/platform/open-sqlite.ts';
import { runCli } from '../helpers/run-cli.ts';
import { MARIADB, mysqlUrl, POSTGRES, postgresUrl } from '../helpers/services.ts';
import { tempHome } from '../helpers/temp-home.ts';

const DATABASE = 'ss_values';
const home = tempHome();
const sqliteFile = `${home.dir}/values.sqlite`;
const COUNTIES = ['Alameda', 'Fresno', 'Kern', 'Contra Costa'];

/** Schools with a county column named nothing like "county", and a distractor table with county-ish names. */
const DDL = [
  'CREATE TABLE schools (school_code INTEGER PRIMARY KEY, cname VARCHAR(40), enrollment INTEGER, api_key VARCHAR(40))',
  'CREATE TABLE county_budget (id INTEGER PRIMARY KEY, county_name_code VARCHAR(10), budget INTEGER)',
];
const ROWS = Array.from(
  { length: 120 },
  (_unused, index) => `(${index + 1}, '${COUNTIES[index % COUNTIES.length]}', ${100 + index}, 'sk-${index}')`,
);

beforeAll(async () => {
  const db = openSqlite(sqliteFile);
  for (const statement of DDL) db.exec(statement);
  db.exec(`INSERT INTO schools VALUES ${ROWS.join(', ')}`);
  db.close();
  const connection = await mysql.createConnection({ ...MARIADB, multipleStatements: true });
  await connection.query(
    `DROP DATABASE IF EXISTS ${DATABASE}; CREATE DATABASE ${DATABASE}; USE ${DATABASE}; ${DDL.join('; ')}; INSERT INTO schools VALUES ${ROWS.join(', ')}`,
  );
  await connection.end();
  const admin = new pg.Client({ ...POSTGRES, database: 'postgres' });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${DATABASE}`);
  await admin.end();
  const client = new pg.Client({ ...POSTGRES, database: DATABASE });
  await client.connect();
  await client.query(`${DDL.join('; ')}; INSERT INTO schools VALUES ${ROWS.join(', ')}; ANALYZE schools`);
  await client.end();
});
afterAll(home.cleanup);

const URLS = { sqlite: `sqlite:${sqliteFile}`, mysql: mysqlUrl(DATABASE), postgres: postgresUrl(DATABASE) } as const;

describe.each(Object.entries(URLS))('value profiles (%s)', (engineName, url) => {
  let engine: Engine;
  let sourceId: string;
  beforeAll(async () => {
    engine = createEngine({ home: `${home.dir}/${engineName}`, mode: 'web' });
    sourceId = engine.sources.add({ name: engineName, url }).id;
    await engine.sources.refresh(sourceId);
  });
  afterAll(() => engine.close());

  it('are off by default: no value reaches the context', async () => {
    expect(engine.profiles.status(sourceId)).toMatchObject({ enabled: false, columns: 0 });
    const context = await engine.contexts.build({
      sourceId,
      question: 'How many students are enrolled in schools in Alameda?',
      budget: 2000,
    });
    expect(context.text).not.toContain('Alameda"');
    await expect(engine.profiles.collect(sourceId)).rejects.toThrow(/Value profiles are off for this source/);
  });

  it('once on, lead a named value to its column and show it as quoted data; off deletes them', async () => {
    engine.profiles.setEnabled(sourceId, true);
    const collected = await engine.profiles.collect(sourceId);
    expect(collected).toMatchObject({ enabled: true, skipped: 0, firstError: null });
    if (engineName === 'postgres')
      expect(collected.fromStatistics).toBeGreaterThan(0); // pg_stats, one query
    else expect(collected.sampled).toBeGreaterThan(0);
    const context = await engine.contexts.build({
      sourceId,
      question: 'How many students are enrolled in schools in Alameda?',
      budget: 2000,
    });
    expect(context.columns).toContain('schools.cname');
    expect(context.text).toMatch(/^schools\.cname values: "Alameda"(, "[A-Za-z ]+")*\n/m);
    // Keys and secrets are never profiled.
    expect(context.text).not.toContain('sk-1');
    engine.profiles.setEnabled(sourceId, false);
    expect(engine.profiles.status(sourceId)).toMatchObject({ enabled: false, columns: 0, collectedAt: null });
    expect(
      (await engine.contexts.build({ sourceId, question: 'schools in Alameda', budget: 2000 })).text,
    ).not.toContain('"Alameda"');
  });
});

describe('the CLI', () => {
  it('introspect --values on collects them, and context uses them offline', async () => {
    const cliHome = `${home.dir}/cli`;
    const introspected = await runCli(['introspect', URLS.sqlite, '--values', 'on', '--json', '--home', cliHome]);
    expect(introspected.code, introspected.stderr).toBe(0);
    expect(introspected.json<{ values: { enabled: boolean; columns: number } }>().values).toMatchObject({
      enabled: true,
      columns: 1,
    });
    const context = await runCli([
      'context',
      URLS.sqlite,
      'schools in Contra Costa',
      '--offline',
      '--json',
      '--home',
      cliHome,
    ]);
    expect(context.json<{ text: string }>().text).toContain('schools.cname values: "Contra Costa"');
    const bad = await runCli(['introspect', URLS.sqlite, '--values', 'maybe', '--json', '--home', cliHome]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--values must be on or off, got "maybe"/);
  });
});
