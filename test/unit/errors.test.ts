import { describe, expect, it } from 'vitest';
import { AppError, ERROR_KINDS, isSerializedError, redactSecrets, serializeError } from '../../shared/errors.ts';

describe('errors as data', () => {
  it('serializes an AppError to exactly {kind, message, detail}', () => {
    expect(serializeError(new AppError('timeout', 'Too slow', 'after 5 s'))).toEqual({
      kind: 'timeout',
      message: 'Too slow',
      detail: 'after 5 s',
    });
    expect(JSON.parse(JSON.stringify(new AppError('auth', 'no')))).toEqual({ kind: 'auth', message: 'no' });
  });

  it('turns unknown errors into internal ones and aborts into cancelled', () => {
    expect(serializeError(new TypeError('boom'))).toEqual({ kind: 'internal', message: 'boom' });
    expect(serializeError('plain string')).toEqual({ kind: 'internal', message: 'plain string' });
    const abort = new Error('aborted');
    abort.name = 'AbortError';
    expect(serializeError(abort).kind).toBe('cancelled');
  });

  it('accepts only known kinds as serialized errors', () => {
    expect(isSerializedError({ kind: 'auth', message: 'x' })).toBe(true);
    expect(isSerializedError({ kind: 'made_up', message: 'x' })).toBe(false);
    expect(isSerializedError({ kind: 'auth' })).toBe(false);
    expect(ERROR_KINDS).toContain('pool_busy');
  });

  it('redacts passwords and keys that drivers echo back', () => {
    const text = redactSecrets(
      'failed for mysql://ann:hunter2@db/x with password=hunter2; key sk-abcdefghijklmnop and token: abc123',
    );
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('sk-abcdefghijklmnop');
    expect(text).not.toContain('abc123');
    expect(serializeError(new Error('connect mysql://u:pw123@h/d failed')).message).not.toContain('pw123');
  });
});
