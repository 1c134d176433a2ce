import { describe, expect, it } from 'vitest';
import { AppError, deserializeError, isSerializedError, redactSecrets, serializeError } from '../../shared/errors.ts';
import {
  checkReadOnlySql,
  guardCacheStats,
  lexicalWall,
  maskSql,
  parserWall,
} from '../../electron/engine/query/sql-guard.ts';
import { displayUrl, parseConnectionUrl, withPassword } from '../../electron/engine/sources/connection-url.ts';
import type { ExecuteOptions, PoolStats, SourceConnection } from '../../electron/engine/sources/dialect.ts';
import { PasswordScrubbingConnection } from '../../electron/engine/sources/secret-scrubbing.ts';
import { checkHostAndOrigin, newToken } from '../../electron/web/web-auth.ts';

/**
 * Tests written for mutants that survived `npm run test:mutation` (RELIABILITY.md lists the rest, with the reason
 * each is left). Grouped by module; each asserts behaviour a user or an attacker would see.
 */

function refusal(run: () => unknown): { kind?: string; message?: string } | undefined {
  try {
    run();
  } catch (error) {
    return error as { kind?: string; message?: string };
  }
  return undefined;
}

describe('errors', () => {
  it.each([
    ['SQLITE_FULL', /disk holding the data folder is full/],
    ['ENOSPC', /disk holding the data folder is full/],
    ['SQLITE_READONLY_DBMOVED', /data folder is read-only/],
    ['EROFS', /data folder is read-only/],
    ['EACCES', /data folder is read-only/],
    ['EPERM', /data folder is read-only/],
    ['SQLITE_IOERR_WRITE', /cannot be written or read \(SQLITE_IOERR_WRITE\)/],
    ['SQLITE_CANTOPEN', /cannot be written or read \(SQLITE_CANTOPEN\)/],
    ['SQLITE_CORRUPT', /damaged \(SQLITE_CORRUPT\)/],
    ['SQLITE_NOTADB', /damaged \(SQLITE_NOTADB\)/],
    ['SQLITE_BUSY', /busy/],
    ['SQLITE_LOCKED', /busy/],
  ])(
    'a storage failure with code %s is a storage error said plainly, the raw message kept as detail',
    (code, message) => {
      const error = Object.assign(new Error(`raw ${code} text`), { code });
      expect(serializeError(error)).toEqual({
        kind: 'storage',
        message: expect.stringMatching(message),
        detail: `raw ${code} text`,
      });
    },
  );

  it.each(['XSQLITE_FULL', 'NOT_SQLITE_BUSY', 'ENOENT', ''])('code %j is no storage failure', (code) => {
    expect(serializeError(Object.assign(new Error('x'), { code })).kind).toBe('internal');
  });

  it('an error without a message is named by its class; anything thrown that is not an error is redacted', () => {
    expect(serializeError(new RangeError(''))).toEqual({ kind: 'internal', message: 'RangeError' });
    expect(serializeError({ toString: () => 'password=hunter22' })).toEqual({
      kind: 'internal',
      message: 'password=***',
    });
    expect(serializeError(null)).toEqual({ kind: 'internal', message: 'null' });
  });

  it('a serialized error passes through, redacted, with its detail', () => {
    expect(serializeError({ kind: 'auth', message: 'token=abc', detail: 'pwd: x' })).toEqual({
      kind: 'auth',
      message: 'token=***',
      detail: 'pwd: ***',
    });
    expect(serializeError({ kind: 'auth', message: 'no detail' })).toEqual({ kind: 'auth', message: 'no detail' });
  });

  it('only objects with a known kind and a string message are serialized errors', () => {
    for (const value of [null, undefined, 'auth', 3, { kind: 'auth', message: 3 }, { message: 'x' }])
      expect(isSerializedError(value)).toBe(false);
  });

  it('round-trips through deserializeError, and an AppError is named AppError', () => {
    const back = deserializeError({ kind: 'timeout', message: 'slow', detail: 'd' });
    expect(back).toBeInstanceOf(AppError);
    expect(back).toMatchObject({ name: 'AppError', kind: 'timeout', message: 'slow', detail: 'd' });
  });

  it.each([
    ["password='a b c' next", 'password=*** next'],
    ["pwd=''", 'pwd=***'],
    ['apikey=k1', 'apikey=***'],
    ['api_key = "q r"', 'api_key = ***'],
  ])('redacts %j', (input, expected) => {
    expect(redactSecrets(input)).toBe(expected);
  });
});

describe('the guard', () => {
  it('counts hits and misses of its verdict cache, and keeps no verdict of very long text', () => {
    const sql = `SELECT ${Math.random()} AS fresh`;
    const before = guardCacheStats();
    checkReadOnlySql(sql, 'mysql');
    const missed = guardCacheStats();
    expect(missed.misses).toBe(before.misses + 1);
    expect(missed.size).toBe(Math.min(before.size + 1, before.max));
    checkReadOnlySql(sql, 'mysql');
    expect(guardCacheStats().hits).toBe(missed.hits + 1);
    checkReadOnlySql(sql, 'postgres'); // per engine
    expect(guardCacheStats().misses).toBe(missed.misses + 1);

    const long = `SELECT 1 ${' '.repeat(20_001)}`;
    const size = guardCacheStats().size;
    checkReadOnlySql(long, 'sqlite');
    checkReadOnlySql(long, 'sqlite');
    expect(guardCacheStats().size).toBe(size);
    const exactly = `SELECT 2${' '.repeat(20_000 - 'SELECT 2'.length - 'sqlite'.length + 'sqlite'.length)}`;
    expect(exactly).toHaveLength(20_000);
    checkReadOnlySql(exactly, 'sqlite');
    expect(guardCacheStats().size).toBe(Math.min(size + 1, guardCacheStats().max));
  });

  it('returns the statement trimmed', () => {
    expect(checkReadOnlySql('  SELECT 3  \n', 'sqlite').statement).toBe('SELECT 3');
  });

  it.each([
    'SELECT * FROM t FOR   UPDATE',
    'SELECT * FROM t FOR\nSHARE',
    'SELECT * FROM t FOR NO   KEY   UPDATE',
    'SELECT * FROM t FOR KEY\tSHARE',
    'SELECT * FROM t LOCK  IN  SHARE  MODE',
  ])('refuses the locking read %j whatever the spacing', (sql) => {
    expect(refusal(() => lexicalWall(sql, 'postgres'))).toMatchObject({
      message: expect.stringMatching(/locking reads/),
    });
  });

  it('exempts CREATE only in SHOW CREATE', () => {
    expect(refusal(() => lexicalWall('SHOW CREATE TABLE t', 'mysql'))).toBeUndefined();
    expect(refusal(() => lexicalWall('SELECT create FROM t', 'mysql'))).toMatchObject({
      message: expect.stringMatching(/CREATE can change/),
    });
    expect(refusal(() => lexicalWall('SHOW CREATE TABLE t INTO x', 'mysql'))).toMatchObject({
      message: expect.stringMatching(/INTO can change/),
    });
  });

  it('finds a dangerous function whatever the space before its parenthesis', () => {
    expect(refusal(() => lexicalWall("SELECT load_file  ('/etc/passwd')", 'mysql'))).toMatchObject({
      message: expect.stringMatching(/load_file\(\)/),
    });
    expect(refusal(() => lexicalWall('SELECT pg_read_file\n(1)', 'postgres'))).toMatchObject({
      message: expect.stringMatching(/pg_read_file\(\)/),
    });
  });

  it('the parser wall refuses a parsed statement of a type that is not a read, and INTO a variable', () => {
    expect(refusal(() => parserWall('USE other_database', 'mysql'))).toMatchObject({
      message: 'Only read-only statements can run; the parser sees USE.',
    });
    expect(refusal(() => parserWall('SELECT a INTO @v FROM t', 'mysql'))).toMatchObject({
      message: expect.stringMatching(/contains INTO/),
    });
    expect(
      refusal(() => parserWall('SELECT a FROM t WHERE b IN (SELECT c FROM u WHERE d IN (SELECT 1))', 'mysql')),
    ).toBeUndefined();
    // Writes found deep in the tree: in a list (FROM's tables), in a union's second part, in a subquery.
    for (const sql of [
      'SELECT * FROM t1 JOIN (SELECT 1 INTO @x) t2 ON 1',
      'SELECT a FROM t UNION SELECT b INTO @v FROM u',
      'SELECT * FROM t WHERE a IN (SELECT b INTO @v FROM u)',
    ]) {
      expect(
        refusal(() => parserWall(sql, 'mysql')),
        sql,
      ).toMatchObject({ message: 'Refused: the statement contains INTO VAR.' });
    }
    expect(refusal(() => parserWall('SELECT a, b FROM t INTO OUTFILE "/tmp/x"', 'mysql'))).toMatchObject({
      message: 'Refused: the statement contains INTO OUTFILE.',
    });
  });
});

describe('masking, engine by engine', () => {
  const masks: [Parameters<typeof maskSql>[1], string, string][] = [
    // A stray */ outside any comment is code (and not the end of an executable comment).
    ['postgres', 'SELECT 2 */ 3', 'SELECT 2 */ 3'],
    ['mysql', 'SELECT 2 */ 3', 'SELECT 2 */ 3'],
    ['mysql', 'SELECT /*!1 2 */ */ 3', 'SELECT      2    */ 3'],
    // /*! is an ordinary comment outside MySQL.
    ['postgres', 'SELECT 1 /*! ; x */ 2', 'SELECT 1            2'],
    ['sqlite', 'SELECT 1 /*! ; x */ 2', 'SELECT 1            2'],
    // $tag$ quotes exist only in PostgreSQL.
    ['mysql', 'SELECT $a$;$a$', 'SELECT $a$;$a$'],
    ['sqlite', 'SELECT $a$;$a$', 'SELECT $a$;$a$'],
    // E'...' takes backslashes only in PostgreSQL, and only as a word of its own.
    ['sqlite', "SELECT E'a\\';'", "SELECT E''  ; "],
    ['postgres', "SELECT xe'a\\';'", "SELECT xe''  ; "],
    ['postgres', "E'a\\';'", "E''    "],
    ['postgres', "e'\\'' ;", "e''   ;"],
    ['mysql', "SELECT 'a", "SELECT ''"],
    ['mysql', "SELECT '", 'SELECT  '],
    // # and [ are code outside MySQL and SQLite respectively; -- needs no space outside MySQL.
    ['sqlite', 'SELECT 1 # c', 'SELECT 1 # c'],
    ['mysql', 'SELECT [a;b]', 'SELECT [a;b]'],
    ['postgres', 'SELECT 1--1', 'SELECT 1   '],
    ['mysql', 'SELECT 1 --\u0001x', 'SELECT 1     '],
    ['mysql', 'SELECT 1 --x', 'SELECT 1 --x'],
    // Unterminated: to the end.
    ['mysql', 'SELECT 1 /* open', 'SELECT 1        '],
    ['postgres', 'SELECT $$ open', "SELECT ''     "],
    ['sqlite', 'SELECT [open', 'SELECT q    '],
    ['mysql', 'SELECT "a\\', "SELECT '' "],
  ];
  it.each(masks)('%s masks %j as %j', (engine, sql, expected) => {
    expect(maskSql(sql, engine)).toBe(expected);
  });

  it('keeps later lines after a line comment', () => {
    expect(maskSql('SELECT 1 -- c\n;2', 'postgres')).toBe('SELECT 1     \n;2');
    expect(maskSql('SELECT 1 # c\n;2', 'mysql')).toBe('SELECT 1    \n;2');
  });
});

describe('connection URLs', () => {
  it.each([
    ['postgres://h:0/db', /port "0" is not between/],
    ['postgres://h:65536/db', /is not between 1 and 65535|malformed/],
    ['mysql://u@h/a%zz', /database name in the URL has a malformed %-escape/],
    ['mysql://u%zz@h/db', /user name in the URL has a malformed %-escape/],
    ['mysql://u:p%zz@h/db', /password in the URL has a malformed %-escape/],
    ['xmysql://h/db', /Unknown database engine "xmysql"/],
    [`sqlite:${'x'.repeat(4097)}`, /longer than 4,096/],
  ])('%j is refused: %s', (url, message) => {
    expect(refusal(() => parseConnectionUrl(url))).toMatchObject({
      kind: 'invalid_input',
      message: expect.stringMatching(message),
    });
  });

  it('accepts the edges', () => {
    expect(parseConnectionUrl('postgres://h:1/db').port).toBe(1);
    expect(parseConnectionUrl('postgres://h:65535/db').port).toBe(65535);
    expect(parseConnectionUrl(`sqlite:/${'x'.repeat(4096 - 'sqlite:/'.length)}`).engine).toBe('sqlite');
    expect(parseConnectionUrl('MYSQL://h/db').engine).toBe('mysql');
  });

  it('reads SQLite paths with // and a query string', () => {
    expect(parseConnectionUrl('sqlite:///tmp/a.db?mode=ro').file).toBe('/tmp/a.db');
    expect(parseConnectionUrl('sqlite://rel/a.db', '/base').file).toBe('/base/rel/a.db');
    expect(parseConnectionUrl('sqlite:/tmp/q%3F.db').file).toBe('/tmp/q?.db');
    expect(refusal(() => parseConnectionUrl('sqlite:?x'))).toMatchObject({
      message: expect.stringMatching(/no file path/),
    });
  });

  it('displays IPv6 hosts in brackets, names in plain, and no user when there is none', () => {
    expect(displayUrl(parseConnectionUrl('postgres://[::1]:5433/db'))).toBe('postgres://[::1]:5433/db');
    expect(displayUrl(parseConnectionUrl('mariadb://db.local/sales'))).toBe('mysql://db.local:3306/sales');
    expect(displayUrl(parseConnectionUrl('sqlite:/tmp/a.db'))).toBe('sqlite:/tmp/a.db');
  });
});

describe('the password-scrubbing connection', () => {
  const stats: PoolStats = {
    engine: 'postgres',
    idle: 1,
    total: 2,
    limit: 3,
    active: 1,
    waiting: 0,
    queueLimit: 5,
    acquired: 7,
    rejected: 0,
    recentWaitsMs: [],
  };
  const failing = (message: string) => async () => {
    throw new AppError('auth', message, `detail ${message}`);
  };
  const inner: SourceConnection = {
    engine: 'postgres',
    serverVersion: failing('version hunter22'),
    introspect: failing('introspect hunter22'),
    execute: failing('execute hunter22'),
    cancel: failing('cancel hunter22'),
    stats: () => stats,
    close: failing('close hunter22'),
  };
  const options: ExecuteOptions = { limit: 1, timeoutMs: 1, queryId: 'q' };

  it('scrubs the password from the error of every call, keeping the kind', async () => {
    const connection = new PasswordScrubbingConnection(inner, 'hunter22');
    expect(connection.engine).toBe('postgres');
    expect(connection.stats()).toBe(stats);
    const calls: [string, () => Promise<unknown>][] = [
      ['version', () => connection.serverVersion()],
      ['introspect', () => connection.introspect()],
      ['execute', () => connection.execute('SELECT 1', options)],
      ['cancel', () => connection.cancel('q')],
      ['close', () => connection.close()],
    ];
    for (const [name, call] of calls) {
      await expect(call()).rejects.toMatchObject({
        kind: 'auth',
        message: `${name} ***`,
        detail: `detail ${name} ***`,
      });
    }
  });

  it('passes answers through unchanged', async () => {
    const answering: SourceConnection = {
      ...inner,
      serverVersion: async () => 'PostgreSQL 15',
      introspect: async () => ({ snapshot: { database: 'd' }, stats: { queries: 1 } }) as never,
      execute: async () => ({ columns: [], rows: [[1]], truncated: false, ms: 1 }),
      cancel: async () => true,
      close: async () => undefined,
    };
    const connection = new PasswordScrubbingConnection(answering, 'hunter22');
    expect(await connection.serverVersion()).toBe('PostgreSQL 15');
    expect(await connection.introspect()).toMatchObject({ snapshot: { database: 'd' } });
    expect(await connection.execute('SELECT 1', options)).toMatchObject({ rows: [[1]] });
    expect(await connection.cancel('q')).toBe(true);
    expect(await connection.close()).toBeUndefined();
  });
});

describe('web auth', () => {
  it('makes a new random 32-character token each time', () => {
    const tokens = new Set(Array.from({ length: 20 }, () => newToken()));
    expect(tokens.size).toBe(20);
    for (const token of tokens) expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });

  it('names the Origin it refuses', () => {
    expect(checkHostAndOrigin({ headers: { host: 'localhost:1', origin: 'http://x' } }, 1)).toBe(
      'Origin "http://x" is not allowed.',
    );
  });
});

describe('second round (mutants that survived the second Stryker run)', () => {
  it('guard: no word at all, two spaces in FOR KEY SHARE, the parser dialect, and each read type alone', () => {
    expect(refusal(() => lexicalWall('(1)', 'mysql'))).toMatchObject({
      message: expect.stringMatching(/starts with nothing\.$/),
    });
    expect(refusal(() => lexicalWall('SELECT * FROM t FOR KEY  SHARE', 'postgres'))).toMatchObject({
      message: expect.stringMatching(/locking reads/),
    });
    expect(parserWall('SELECT a::int FROM t', 'postgres')).toBe(true); // PostgreSQL's cast: read with its own dialect
    expect(parserWall('SHOW TABLES', 'mysql')).toBe(true);
    expect(parserWall('DESCRIBE t', 'mysql')).toBe(true);
    expect(parserWall('EXPLAIN SELECT 1', 'mysql')).toBe(true);
  });

  it('masking at the edges of the text and of brackets', () => {
    expect(maskSql('$$;$$', 'postgres')).toBe("''   ");
    expect(maskSql("'a\\';'", 'postgres')).toBe("''  ; ");
    expect(maskSql('SELECT /*! 2*3 / 4 */', 'mysql')).toBe('SELECT     2*3 / 4   ');
    expect(maskSql('SELECT a][b;c]', 'sqlite')).toBe('SELECT a]q    ');
  });

  it('URLs: not a string, a scheme only at the start, options shown, a password added', () => {
    expect(refusal(() => parseConnectionUrl(3 as unknown as string))).toMatchObject({
      message: 'The connection URL must be a string.',
    });
    expect(refusal(() => parseConnectionUrl('1mysql://h/db'))).toMatchObject({
      message: expect.stringMatching(/has no scheme/),
    });
    const spec = parseConnectionUrl('postgres://u@h/db?sslmode=require&schema=a%2Cb');
    expect(displayUrl(spec)).toBe('postgres://u@h:5432/db?sslmode=require&schema=a%2Cb');
    expect(withPassword(spec, 'pw')).toEqual({ ...spec, password: 'pw' });
    expect(withPassword(spec, undefined)).toBe(spec);
  });

  it('errors: the cancelled message, and storage codes only at the start', () => {
    const abort = Object.assign(new Error('x'), { name: 'AbortError' });
    expect(serializeError(abort)).toEqual({ kind: 'cancelled', message: 'The operation was cancelled.' });
    for (const code of ['XSQLITE_READONLY', 'XSQLITE_IOERR', 'XSQLITE_CORRUPT', 'XSQLITE_BUSY']) {
      expect(serializeError(Object.assign(new Error('x'), { code })).kind, code).toBe('internal');
    }
  });

  it('web auth names an empty Host as empty', () => {
    expect(checkHostAndOrigin({ headers: {} }, 1)).toBe('Host "" is not this server.');
  });
});
