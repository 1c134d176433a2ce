import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../electron/engine/search/embedding-provider.ts';
import { RetryPolicy } from '../../electron/engine/search/retry-policy.ts';

describe('the indexer retry policy, apart from batch halving', () => {
  const policy = new RetryPolicy(3, () => 0.5);
  const error = (kind: ProviderError['kind'], retryable: boolean, retryAfterMs?: number) =>
    new ProviderError(kind, 'x', { retryable, retryAfterMs });

  it('stops the run on a refused key, whatever the attempt', () => {
    expect(policy.decide(error('auth', false), 1, 10).action).toBe('stop');
    expect(policy.decide(error('auth', true), 1, 1).action).toBe('stop');
  });

  it('retries what can succeed, honouring retry-after, until the attempts run out', () => {
    expect(policy.decide(error('rate_limited', true, 1234), 1, 5)).toMatchObject({
      action: 'retry',
      waitMs: 1234,
      global: true,
    });
    expect(policy.decide(error('internal', true), 1, 5)).toMatchObject({
      action: 'retry',
      waitMs: 187.5,
      global: false,
    });
    expect(policy.decide(error('internal', true), 2, 5)).toMatchObject({ action: 'retry', waitMs: 375 });
    expect(policy.decide(error('internal', true), 3, 5).action).toBe('fail');
    // A thrown non-provider error (a bug, a socket reset) counts as retryable.
    expect(policy.decide(new Error('socket hang up'), 1, 5)).toMatchObject({ action: 'retry', global: false });
  });

  it('splits a refused batch to isolate the bad input, and fails a single refused input', () => {
    expect(policy.decide(error('invalid_input', false), 1, 2).action).toBe('split');
    expect(policy.decide(error('invalid_input', false), 1, 1).action).toBe('fail');
  });

  it('backs off exponentially with jitter, capped', () => {
    const jittered = new RetryPolicy(10, () => 1);
    expect([1, 2, 3, 10].map((attempt) => jittered.backoff(attempt))).toEqual([250, 500, 1000, 8000]);
    expect(() => new RetryPolicy(0)).toThrow(TypeError);
  });
});
