import { readdirSync, readFileSync, statSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../electron/engine/app/engine.ts';
import { dispatch } from '../../electron/engine/app/dispatch.ts';
import { rendererDir } from '../../electron/web/renderer-dir.ts';
import { startWebServer, type WebServer } from '../../electron/web/web-server.ts';
import { runCli } from '../helpers/run-cli.ts';
import { MARIADB, POSTGRES } from '../helpers/services.ts';
import { tempHome } from '../helpers/temp-home.ts';
import { echoingPostgresServer } from '../fixtures/echoing-postgres-server.ts';

/**
 * Issue #17: a driver error that carries the password, followed on every path it can take: the UI's answer (IPC
 * envelope), the web mode's HTTP answer, the CLI's stdout and stderr, the console (logs) and the files of the data
 * folder. Two ways to get one: a PostgreSQL login answered by a server that repeats the password in its refusal
 * (test/fixtures/echoing-postgres-server.ts, parsed by the real driver), and the real MariaDB and PostgreSQL asked for a
 * database whose name is the password (their own messages then hold it). Neither has a `password=` or `user:pw@`
 * pattern for the generic redaction to see.
 */

const PASSWORD = 'Zq7-ss-safety-9f2c41d8';
const MYSQL_USER = 'ss_safety_secret';

let echoing: Awaited<ReturnType<typeof echoingPostgresServer>>;
const echoingUrls = (): Record<string, string> => ({
  'echoing server': `postgres://app:${PASSWORD}@127.0.0.1:${echoing.port}/app`,
  'echoing server, ?password=': `postgres://app@127.0.0.1:${echoing.port}/app?password=${PASSWORD}&sslmode=disable`,
});

// The password is also the database name here, so it is in the URL shown: only the error paths are checked for these.
const URLS = {
  // PostgreSQL (trust auth): 'database "Zq7-..." does not exist'.
  postgres: `postgres://${POSTGRES.user}:${PASSWORD}@${POSTGRES.host}:${POSTGRES.port}/${PASSWORD}`,
  // The same password given as ?password= (which must be taken as the password, not as a shown option).
  postgresOption: `postgres://${POSTGRES.user}@${POSTGRES.host}:${POSTGRES.port}/${PASSWORD}?password=${PASSWORD}&sslmode=disable`,
  // MariaDB: "Access denied for user 'ss_safety_secret'@'...' to database 'Zq7-...'".
  mysql: `mysql://${MYSQL_USER}:${PASSWORD}@${MARIADB.host}:${MARIADB.port}/${PASSWORD}`,
};

function everyFile(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) =>
    statSync(path.join(dir, entry)).isDirectory() ? everyFile(path.join(dir, entry)) : [path.join(dir, entry)],
  );
}

function post(
  port: number,
  token: string,
  channel: string,
  payload: unknown,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify(payload);
    const request = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: `/api/${channel}`,
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

describe('a driver error that carries the password', () => {
  const home = tempHome('schemascope-secret-error-');
  const cliHome = tempHome('schemascope-secret-error-cli-');
  const cliHomeForNamedDatabases = tempHome('schemascope-secret-error-cli-named-');
  const logs: string[] = [];
  const originals = {
    log: console.log,
    warn: console.warn,
    error: console.error,
    info: console.info,
    debug: console.debug,
  };
  let engine: Engine;
  let web: WebServer;

  beforeAll(async () => {
    const admin = await mysql.createConnection({ ...MARIADB });
    await admin.query(`CREATE USER IF NOT EXISTS '${MYSQL_USER}'@'%' IDENTIFIED BY '${PASSWORD}'`);
    await admin.query(`ALTER USER '${MYSQL_USER}'@'%' IDENTIFIED BY '${PASSWORD}'`);
    await admin.end();
    for (const level of ['log', 'warn', 'error', 'info', 'debug'] as const) {
      console[level] = (...args: unknown[]) => {
        logs.push(args.map((arg) => (arg instanceof Error ? `${arg.message}\n${arg.stack}` : String(arg))).join(' '));
      };
    }
    echoing = await echoingPostgresServer();
    engine = createEngine({ home: home.dir, mode: 'electron' });
    web = await startWebServer({ handlers: engine.handlers, events: engine.events, staticDir: rendererDir() });
  });

  afterAll(async () => {
    Object.assign(console, originals);
    await web?.close();
    await engine?.close();
    await echoing?.close();
    const admin = await mysql.createConnection({ ...MARIADB });
    await admin.query(`DROP USER IF EXISTS '${MYSQL_USER}'@'%'`);
    await admin.end();
    home.cleanup();
    cliHome.cleanup();
    cliHomeForNamedDatabases.cleanup();
  });

  it.each(['echoing server', 'echoing server, ?password='])(
    '%s: the UI gets a clear error without it, and the source is stored without it',
    async (name) => {
      const url = echoingUrls()[name]!;
      const before = echoing.logins();
      const tested = await dispatch(engine.handlers, 'sources/test', { url });
      expect(echoing.logins()).toBe(before + 1); // the password was sent (from the URL or its ?password=) and echoed
      expect(tested).toMatchObject({
        ok: false,
        error: { kind: 'auth', message: expect.stringContaining('"***" is not valid here') },
      });
      expect(JSON.stringify(tested)).not.toContain(PASSWORD);

      const added = await dispatch(engine.handlers, 'sources/add', { name, url });
      expect(added.ok).toBe(true);
      const sourceId = (added as { ok: true; value: { id: string; displayUrl: string } }).value.id;
      expect((added as { ok: true; value: { displayUrl: string } }).value.displayUrl).not.toMatch(/password/i);
      const refreshed = await dispatch(engine.handlers, 'schema/refresh', { sourceId });
      expect(refreshed).toMatchObject({ ok: false, error: { kind: 'auth' } });
      const queried = await dispatch(engine.handlers, 'query/execute', { sourceId, sql: 'SELECT 1' });
      expect(queried.ok).toBe(false);
      for (const envelope of [added, refreshed, queried, await dispatch(engine.handlers, 'sources/list', {})])
        expect(JSON.stringify(envelope)).not.toContain(PASSWORD);
    },
  );

  it.each(Object.entries(URLS))(
    '%s (password as database name): the UI gets a clear error without it',
    async (_name, url) => {
      const tested = await dispatch(engine.handlers, 'sources/test', { url });
      expect(tested).toMatchObject({ ok: false, error: { kind: expect.stringMatching(/^(not_found|auth)$/) } });
      const text = JSON.stringify(tested);
      expect(text).not.toContain(PASSWORD);
      expect(text).toContain('***'); // the message still says where the name was
    },
  );

  it.each(['echoing server', 'echoing server, ?password=', ...Object.keys(URLS)])(
    '%s: the web mode answers without it',
    async (name) => {
      const url = echoingUrls()[name] ?? URLS[name as keyof typeof URLS];
      const reply = await post(web.port, web.token, 'sources/test', { url });
      expect(reply.status).toBe(200);
      expect(JSON.parse(reply.body)).toMatchObject({
        ok: false,
        error: { kind: expect.stringMatching(/^(not_found|auth)$/) },
      });
      expect(reply.body).not.toContain(PASSWORD);
    },
  );

  it.each(['echoing server', 'echoing server, ?password=', ...Object.keys(URLS)])(
    '%s: the CLI prints the failure without it',
    async (name) => {
      const url = echoingUrls()[name] ?? URLS[name as keyof typeof URLS];
      const dir = name in URLS ? cliHomeForNamedDatabases.dir : cliHome.dir;
      for (const args of [
        ['introspect', url],
        ['query', url, 'SELECT 1'],
      ]) {
        const run = await runCli([...args, '--home', dir]);
        expect(run.code, run.stderr).toBe(1);
        expect(run.stderr.length).toBeGreaterThan(0);
        expect(run.stdout + run.stderr).not.toContain(PASSWORD);
        const json = await runCli([...args, '--json', '--home', dir]);
        expect(json.code).toBe(1);
        expect(json.stdout + json.stderr).not.toContain(PASSWORD);
      }
    },
  );

  it('nothing logged, and no file of the data folders (the CLI one holds only the echoing sources) holds it', async () => {
    expect(logs.join('\n')).not.toContain(PASSWORD);
    const files = [...everyFile(home.dir), ...everyFile(cliHome.dir)];
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(readFileSync(file).includes(PASSWORD), file).toBe(false);
  });
});
