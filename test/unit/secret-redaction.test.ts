import { describe, expect, it } from 'vitest';
import { redactSecrets, serializeError, AppError } from '../../shared/errors.ts';
import { displayUrl, parseConnectionUrl } from '../../electron/engine/sources/connection-url.ts';
import { scrubSecret, withoutSecret } from '../../electron/engine/sources/secret-scrubbing.ts';

describe('?password= in a connection URL', () => {
  it.each(['password', 'PASSWORD', 'Password', 'pwd', 'passwd', 'pass'])(
    '?%s= is the password, not a shown option',
    (key) => {
      const spec = parseConnectionUrl(`postgres://app@db.example:5432/sales?sslmode=require&${key}=s%40cret`);
      expect(spec.password).toBe('s@cret');
      expect(spec.options).toEqual({ sslmode: 'require' });
      expect(displayUrl(spec)).toBe('postgres://app@db.example:5432/sales?sslmode=require');
    },
  );

  it('agrees with the password before the @, and refuses two different ones without naming either', () => {
    expect(parseConnectionUrl('mysql://app:same@h/db?password=same').password).toBe('same');
    let caught: unknown;
    try {
      parseConnectionUrl('mysql://app:first-secret@h/db?password=other-secret');
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({
      kind: 'invalid_input',
      message: expect.stringContaining('two different passwords'),
    });
    expect((caught as Error).message).not.toMatch(/first-secret|other-secret/);
  });

  it('an empty ?password= leaves the password unset and is still not shown', () => {
    const spec = parseConnectionUrl('postgres://app@h/db?password=');
    expect(spec.password).toBeUndefined();
    expect(displayUrl(spec)).toBe('postgres://app@h:5432/db');
  });

  it('options that only look like it stay options', () => {
    const spec = parseConnectionUrl('postgres://app@h/db?password_file=x&passage=y');
    expect(spec.password).toBeUndefined();
    expect(spec.options).toEqual({ password_file: 'x', passage: 'y' });
  });
});

describe('scrubbing a known password from a message', () => {
  it('replaces it, as written and %-encoded, wherever it is', () => {
    expect(scrubSecret('database "hunter22" does not exist', 'hunter22')).toBe('database "***" does not exist');
    expect(scrubSecret('a p@ss/w0rd b p%40ss%2Fw0rd c p@ss/w0rd', 'p@ss/w0rd')).toBe('a *** b *** c ***');
    expect(scrubSecret('nothing here', 'hunter22')).toBe('nothing here');
  });

  it('leaves messages alone when there is no password, or one too short to tell apart', () => {
    expect(scrubSecret('at line 12', undefined)).toBe('at line 12');
    expect(scrubSecret('at line 12', '')).toBe('at line 12');
    expect(scrubSecret('at line 12', '12')).toBe('at line 12');
    expect(scrubSecret('abc abc', 'abc')).toBe('*** ***');
  });

  it('keeps the kind and scrubs the detail too, for any error', () => {
    expect(serializeError(withoutSecret(new AppError('auth', 'no: hunter22', 'detail hunter22'), 'hunter22'))).toEqual({
      kind: 'auth',
      message: 'no: ***',
      detail: 'detail ***',
    });
    expect(serializeError(withoutSecret(new Error('raw hunter22'), 'hunter22'))).toEqual({
      kind: 'internal',
      message: 'raw ***',
    });
    expect(serializeError(withoutSecret(new AppError('timeout', 'slow'), 'hunter22'))).toEqual({
      kind: 'timeout',
      message: 'slow',
    });
  });
});

describe('pattern redaction (no password known)', () => {
  it.each([
    ['mysql://app:s3cret@db:3306/x failed', 'mysql://app:***@db:3306/x failed'],
    ['postgres://u:p@h/d', 'postgres://u:***@h/d'],
    ['password=abc; next', 'password=***; next'],
    ['PWD : "a b c" end', 'PWD : *** end'],
    ["api_key='k-1'", 'api_key=***'],
    ['api-key=x&y=1', 'api-key=***&y=1'],
    ['token: abc,def', 'token: ***,def'],
    ['key sk-abcdefgh12345 used', 'key sk-*** used'],
    ['sk-short', 'sk-short'],
    ['https://example.com/path', 'https://example.com/path'],
    ['passwords are hashed', 'passwords are hashed'],
  ])('%j -> %j', (input, expected) => {
    expect(redactSecrets(input)).toBe(expected);
  });
});
