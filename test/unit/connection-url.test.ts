import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors.ts';
import { displayUrl, parseConnectionUrl } from '../../electron/engine/sources/connection-url.ts';

function errorOf(input: string): AppError {
  try {
    parseConnectionUrl(input, '/base');
  } catch (error) {
    return error as AppError;
  }
  throw new Error(`expected ${input} to be refused`);
}

describe('connection URLs', () => {
  it('parses the three engines with defaults', () => {
    expect(parseConnectionUrl('sqlite:demo.db', '/base')).toMatchObject({
      engine: 'sqlite',
      file: path.resolve('/base/demo.db'),
    });
    expect(parseConnectionUrl('sqlite:///abs/x.sqlite', '/base').file).toBe('/abs/x.sqlite');
    expect(parseConnectionUrl('mysql://ann:s%40cret@db.local/sales')).toMatchObject({
      engine: 'mysql',
      host: 'db.local',
      port: 3306,
      user: 'ann',
      password: 's@cret',
      database: 'sales',
    });
    expect(parseConnectionUrl('mariadb://db:3307/x')).toMatchObject({ engine: 'mysql', port: 3307 });
    expect(parseConnectionUrl('postgresql://u@[::1]:6543/w?sslmode=require&schema=a,b')).toMatchObject({
      engine: 'postgres',
      host: '::1',
      port: 6543,
      options: { sslmode: 'require', schema: 'a,b' },
    });
  });

  it('never shows the password when displayed', () => {
    const spec = parseConnectionUrl('postgres://ann:hunter2@db:5432/sales');
    expect(displayUrl(spec)).toBe('postgres://ann@db:5432/sales');
    expect(displayUrl(spec)).not.toContain('hunter2');
  });

  it('stores a URL that parses back to the same file or database, whatever its name holds', () => {
    // The catalog keeps the display URL and parses it again to connect.
    for (const name of ['a?b.db', '100%.db', '%3F.db', 'é 数据 #x.db', "it's.db"]) {
      const spec = parseConnectionUrl(`sqlite:${encodeURIComponent(path.join('/data', name))}`);
      expect(spec.file).toBe(path.join('/data', name));
      expect(parseConnectionUrl(displayUrl(spec)).file).toBe(spec.file);
    }
    for (const database of ['a/b', 'x?y', '100%', 'ss_hostile_é "q" `b`']) {
      const spec = parseConnectionUrl(`postgres://u@h/${encodeURIComponent(database)}`);
      expect(parseConnectionUrl(displayUrl(spec)).database).toBe(database);
    }
  });

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['localhost:5432', 'Unknown database engine'],
    ['db.example.com', 'no scheme'],
    ['oracle://x/y', 'Unknown database engine "oracle"'],
    ['mongodb://x', 'Unknown database engine "mongodb"'],
    ['mysql://', 'no host'],
    ['postgres://:5432/db', 'malformed'],
    ['mysql://host:99999/db', 'malformed'],
    ['mysql://host:0/db', 'not between 1 and 65535'],
    ['postgres://host/db/extra', 'single database name'],
    ['postgres://host/%E0%A4%A', 'malformed %-escape'],
    ['sqlite:', 'no file path'],
    ['sqlite::memory:', 'in-memory'],
    ['sqlite:%zz', 'malformed %-escape'],
    ['mysql://host/db\u0000', 'control characters'],
  ])('refuses %j with a clear invalid_input error', (input, fragment) => {
    const error = errorOf(input);
    expect(error).toBeInstanceOf(AppError);
    expect(error.kind).toBe('invalid_input');
    expect(error.message).toContain(fragment);
  });

  it('refuses an overlong URL', () => {
    expect(errorOf(`postgres://host/${'x'.repeat(5000)}`).message).toContain('longer than 4,096');
  });

  it('keeps the password out of error messages', () => {
    const error = errorOf('postgres://ann:topsecret@host/db/extra');
    expect(error.message).not.toContain('topsecret');
  });
});
