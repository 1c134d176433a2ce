import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  parseResetDuration,
  RateLimiter,
  readRateLimitHeaders,
  retryAfterMs,
  sleep,
} from '../../electron/engine/search/rate-limiter.ts';

/**
 * The rate limiter on its own, without the fake API: a clock the test moves, a sleep that records what was asked of
 * it, and the server's headers handed in directly. (test/integration/indexer.test.ts drives the same code with 429
 * storms against the fake server.)
 */
function clocked(options: { requestsPerMinute: number; tokensPerMinute: number }) {
  const state = { clock: 1_000_000, sleeps: [] as number[], signals: [] as (AbortSignal | undefined)[] };
  const limiter = new RateLimiter({
    ...options,
    now: () => state.clock,
    sleep: async (ms, signal) => {
      state.sleeps.push(ms);
      state.signals.push(signal);
      if (state.sleeps.length > 50) throw new Error('the limiter keeps sleeping');
      state.clock += ms;
    },
  });
  return { limiter, state };
}

const headersFrom = (values: Record<string, string>) => (name: string) =>
  Object.hasOwn(values, name) ? values[name]! : null;

afterEach(() => {
  vi.useRealTimers();
});

describe('sleep', () => {
  it('waits the time asked, not less, and then leaves no listener behind', async () => {
    vi.useFakeTimers();
    const controller = new AbortController();
    const added = vi.spyOn(controller.signal, 'addEventListener');
    const removed = vi.spyOn(controller.signal, 'removeEventListener');
    let done = false;
    const slept = sleep(1000, controller.signal).then(() => {
      done = true;
    });
    expect(added).toHaveBeenCalledWith('abort', expect.any(Function), { once: true });
    await vi.advanceTimersByTimeAsync(999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await slept;
    expect(done).toBe(true);
    expect(removed).toHaveBeenCalledWith('abort', added.mock.calls[0]![1]);
  });

  it('treats a negative time as no wait', async () => {
    vi.useFakeTimers();
    let done = false;
    const slept = sleep(-500).then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(done).toBe(true);
    await slept;
  });

  it('stops at once on abort with the signal reason, and clears its timer', async () => {
    vi.useFakeTimers();
    const controller = new AbortController();
    const slept = sleep(60_000, controller.signal).catch((error: unknown) => error);
    expect(vi.getTimerCount()).toBe(1);
    const reason = new Error('user cancelled');
    controller.abort(reason);
    expect(await slept).toBe(reason);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('refuses an already aborted signal without starting a timer', async () => {
    vi.useFakeTimers();
    const reason = new Error('gone');
    await expect(sleep(10, AbortSignal.abort(reason))).rejects.toBe(reason);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('says "aborted" for a signal without a reason', async () => {
    vi.useFakeTimers();
    // A signal-like object (a DOM AbortSignal always has a reason once aborted).
    const signalLike = (aborted: boolean) =>
      Object.assign(new EventTarget(), { aborted, reason: undefined }) as unknown as AbortSignal;
    await expect(sleep(10, signalLike(true))).rejects.toThrow(new Error('aborted'));
    const later = signalLike(false);
    const slept = sleep(10_000, later).catch((error: unknown) => error);
    later.dispatchEvent(new Event('abort'));
    expect(await slept).toEqual(new Error('aborted'));
  });
});

describe('RateLimiter', () => {
  it('refuses limits that are not positive, naming both', () => {
    const message = 'requestsPerMinute and tokensPerMinute must be positive';
    expect(() => new RateLimiter({ requestsPerMinute: 0, tokensPerMinute: 10 })).toThrow(new TypeError(message));
    expect(() => new RateLimiter({ requestsPerMinute: 10, tokensPerMinute: 0 })).toThrow(new TypeError(message));
    expect(() => new RateLimiter({ requestsPerMinute: Number.NaN, tokensPerMinute: 10 })).toThrow(TypeError);
    expect(() => new RateLimiter({ requestsPerMinute: 10, tokensPerMinute: Number.NaN })).toThrow(TypeError);
    expect(() => new RateLimiter({ requestsPerMinute: 1, tokensPerMinute: 1 })).not.toThrow();
  });

  it('lets exactly requestsPerMinute requests through a minute, the next when the first leaves the window', async () => {
    const { limiter, state } = clocked({ requestsPerMinute: 3, tokensPerMinute: 1_000_000 });
    const start = state.clock;
    await limiter.acquire(1);
    state.clock += 10_000;
    await limiter.acquire(1);
    await limiter.acquire(1);
    expect(state.sleeps).toEqual([]);
    await limiter.acquire(1); // the first left at start + 60 s
    expect(state.sleeps).toEqual([50_000]);
    expect(state.clock).toBe(start + 60_000);
    await limiter.acquire(1); // the second (start + 10 s) leaves at start + 70 s
    expect(state.sleeps).toEqual([50_000, 10_000]);
    expect(state.clock).toBe(start + 70_000);
    expect(limiter.waitedMs).toBe(60_000);
  });

  it('counts a request sent exactly a minute ago as gone', async () => {
    const { limiter, state } = clocked({ requestsPerMinute: 1, tokensPerMinute: 1_000_000 });
    await limiter.acquire(1);
    state.clock += 60_000;
    await limiter.acquire(1);
    state.clock += 59_999;
    await limiter.acquire(1);
    expect(state.sleeps).toEqual([1]);
  });

  it('lets exactly tokensPerMinute through, then waits only until enough old tokens leave', async () => {
    const { limiter, state } = clocked({ requestsPerMinute: 100, tokensPerMinute: 1000 });
    const start = state.clock;
    await limiter.acquire(300);
    state.clock += 1000;
    await limiter.acquire(300);
    state.clock += 1000;
    await limiter.acquire(400); // 1000 in the window: exactly the limit
    expect(state.sleeps).toEqual([]);
    // 250 more: the first request's 300 leaving is enough (not the second's), at start + 60 s.
    await limiter.acquire(250);
    expect(state.sleeps).toEqual([58_000]);
    expect(state.clock).toBe(start + 60_000);
    // Now 300 + 400 + 250 = 950 in the window; 400 more needs both the second (start + 1 s) and the third (start + 2 s)
    // to leave: the wait ends when the third does.
    await limiter.acquire(400);
    expect(state.clock).toBe(start + 62_000);
    expect(state.sleeps).toEqual([58_000, 2000]);
  });

  it('waits for the oldest request only when freeing it brings the window exactly to the limit', async () => {
    const { limiter, state } = clocked({ requestsPerMinute: 100, tokensPerMinute: 1000 });
    const start = state.clock;
    await limiter.acquire(600);
    state.clock += 1000;
    await limiter.acquire(400);
    await limiter.acquire(600); // 1000 - 600 + 600 = 1000: the first leaving is enough
    expect(state.clock).toBe(start + 60_000);
    expect(state.sleeps).toEqual([59_000]);
  });

  it('sends a request larger than tokensPerMinute when the window is empty', async () => {
    const { limiter, state } = clocked({ requestsPerMinute: 10, tokensPerMinute: 100 });
    await limiter.acquire(500);
    expect(state.sleeps).toEqual([]);
  });

  it('holds a request larger than tokensPerMinute until the window is empty, never sending it into a full one', async () => {
    const { limiter, state } = clocked({ requestsPerMinute: 10, tokensPerMinute: 100 });
    const start = state.clock;
    await limiter.acquire(60);
    state.clock += 5000;
    await limiter.acquire(30);
    // 90 in the window; 500 can never fit beside anything: it waits until the last request (start + 5 s) has left.
    await limiter.acquire(500);
    expect(state.clock).toBe(start + 65_000);
    expect(state.sleeps).toEqual([60_000]);
  });

  it('holds every request until a pause ends, and keeps the later of two pauses', async () => {
    const { limiter, state } = clocked({ requestsPerMinute: 100, tokensPerMinute: 1_000_000 });
    const start = state.clock;
    expect(limiter.pausedUntil).toBe(0);
    limiter.pauseUntil(start + 5000);
    limiter.pauseUntil(start + 2000);
    expect(limiter.pausedUntil).toBe(start + 5000);
    await limiter.acquire(1);
    expect(state.sleeps).toEqual([5000]);
    expect(state.clock).toBe(start + 5000);
    limiter.pauseUntil(state.clock); // a pause that ends now holds nothing
    await limiter.acquire(1);
    expect(state.sleeps).toEqual([5000]);
    expect(limiter.waitedMs).toBe(5000);
  });

  it('waits for the server reset when the server says no requests remain, counting its own down meanwhile', async () => {
    const { limiter, state } = clocked({ requestsPerMinute: 100, tokensPerMinute: 1_000_000 });
    const start = state.clock;
    limiter.observe({ remainingRequests: 2, resetRequestsMs: 3000, resetTokensMs: 1000 });
    await limiter.acquire(1);
    await limiter.acquire(1);
    expect(state.sleeps).toEqual([]);
    await limiter.acquire(1); // the server's two are used: wait for the later reset (3 s)
    expect(state.sleeps).toEqual([3000]);
    expect(state.clock).toBe(start + 3000);
    // The reset has passed: the server's view no longer holds anything back.
    await limiter.acquire(1);
    expect(state.sleeps).toEqual([3000]);
  });

  it('waits for the server reset when fewer tokens remain than asked, not when exactly enough remain', async () => {
    const { limiter, state } = clocked({ requestsPerMinute: 100, tokensPerMinute: 1_000_000 });
    const start = state.clock;
    limiter.observe({ remainingTokens: 500, resetTokensMs: 4000 });
    await limiter.acquire(300);
    await limiter.acquire(200); // exactly the 200 left
    expect(state.sleeps).toEqual([]);
    await limiter.acquire(1);
    expect(state.sleeps).toEqual([4000]);
    expect(state.clock).toBe(start + 4000);
  });

  it('takes the later of the two resets, and none when the server gives none', async () => {
    const early = clocked({ requestsPerMinute: 100, tokensPerMinute: 1_000_000 });
    early.limiter.observe({ remainingRequests: 0, resetRequestsMs: 1500, resetTokensMs: 2500 });
    await early.limiter.acquire(1);
    expect(early.state.sleeps).toEqual([2500]);
    const tokensOnly = clocked({ requestsPerMinute: 100, tokensPerMinute: 1_000_000 });
    tokensOnly.limiter.observe({ remainingRequests: 0, resetTokensMs: 700 });
    await tokensOnly.limiter.acquire(1);
    expect(tokensOnly.state.sleeps).toEqual([700]);
    // No reset time: the server's "none left" is already stale, nothing to wait for.
    const none = clocked({ requestsPerMinute: 100, tokensPerMinute: 1_000_000 });
    none.limiter.observe({ remainingRequests: 0, remainingTokens: 0 });
    await none.limiter.acquire(1);
    expect(none.state.sleeps).toEqual([]);
  });

  it('ignores missing headers and keeps what it knew', async () => {
    const { limiter, state } = clocked({ requestsPerMinute: 100, tokensPerMinute: 1_000_000 });
    limiter.observe({ remainingRequests: 0, resetRequestsMs: 1000 });
    limiter.observe(undefined);
    await limiter.acquire(1);
    expect(state.sleeps).toEqual([1000]);
  });

  it('serves calls in order, each after the one before it has left', async () => {
    const { limiter, state } = clocked({ requestsPerMinute: 1, tokensPerMinute: 1_000_000 });
    const start = state.clock;
    const sent: [string, number][] = [];
    await Promise.all(
      ['first', 'second', 'third'].map((name) => limiter.acquire(1).then(() => sent.push([name, state.clock]))),
    );
    expect(sent).toEqual([
      ['first', start],
      ['second', start + 60_000],
      ['third', start + 120_000],
    ]);
  });

  it('passes the caller signal to its sleep', async () => {
    const { limiter, state } = clocked({ requestsPerMinute: 1, tokensPerMinute: 1_000_000 });
    const controller = new AbortController();
    await limiter.acquire(1, controller.signal);
    await limiter.acquire(1, controller.signal);
    expect(state.signals).toEqual([controller.signal]);
  });

  it('goes on after a cancelled caller, which took no slot', async () => {
    const { limiter, state } = clocked({ requestsPerMinute: 1, tokensPerMinute: 1_000_000 });
    await limiter.acquire(1);
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    const abortingSleep = vi.fn(async (ms: number, signal?: AbortSignal) => {
      if (signal?.aborted) throw signal.reason;
      state.clock += ms;
    });
    const limited = new RateLimiter({
      requestsPerMinute: 1,
      tokensPerMinute: 1_000_000,
      now: () => state.clock,
      sleep: abortingSleep,
    });
    await limited.acquire(1);
    const start = state.clock;
    await expect(limited.acquire(1, controller.signal)).rejects.toThrow('stop');
    await limited.acquire(1); // would fail if the rejected call had broken the queue
    expect(state.clock).toBe(start + 60_000);
    expect(abortingSleep.mock.calls.map(([ms]) => ms)).toEqual([60_000, 60_000]);
  });

  it('uses the real clock and sleep when none are given', async () => {
    vi.useFakeTimers();
    vi.setSystemTime(1_000_000);
    const limiter = new RateLimiter({ requestsPerMinute: 1, tokensPerMinute: 1_000_000 });
    await limiter.acquire(1);
    let sent = false;
    const second = limiter.acquire(1).then(() => {
      sent = true;
    });
    await vi.advanceTimersByTimeAsync(59_999);
    expect(sent).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await second;
    expect(sent).toBe(true);
    expect(limiter.waitedMs).toBe(60_000);
    // The server's reset is read against the same clock.
    limiter.observe({ remainingRequests: 0, resetRequestsMs: 90_000 });
    const controller = new AbortController();
    const third = limiter.acquire(1, controller.signal).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(1000);
    controller.abort(new Error('enough'));
    expect(await third).toEqual(new Error('enough'));
  });
});

describe('rate-limit headers', () => {
  it('reads the six x-ratelimit headers by name', () => {
    expect(
      readRateLimitHeaders(
        headersFrom({
          'x-ratelimit-limit-requests': '500',
          'x-ratelimit-limit-tokens': '200000',
          'x-ratelimit-remaining-requests': '499',
          'x-ratelimit-remaining-tokens': '199000',
          'x-ratelimit-reset-requests': '120ms',
          'x-ratelimit-reset-tokens': '6m0s',
        }),
      ),
    ).toEqual({
      limitRequests: 500,
      limitTokens: 200_000,
      remainingRequests: 499,
      remainingTokens: 199_000,
      resetRequestsMs: 120,
      resetTokensMs: 360_000,
    });
  });

  it('reads a missing, empty or non-numeric header as unknown, and "0" as zero', () => {
    const read = readRateLimitHeaders(
      headersFrom({
        'x-ratelimit-limit-requests': '',
        'x-ratelimit-limit-tokens': 'lots',
        'x-ratelimit-remaining-requests': '0',
        'x-ratelimit-reset-requests': '',
        'x-ratelimit-reset-tokens': 'soon',
      }),
    );
    expect(read).toEqual({
      limitRequests: undefined,
      limitTokens: undefined,
      remainingRequests: 0,
      remainingTokens: undefined,
      resetRequestsMs: undefined,
      resetTokensMs: undefined,
    });
  });

  it('parses durations with fractions, several digits and every unit, and nothing from text without one', () => {
    expect(parseResetDuration('1.5s')).toBe(1500);
    expect(parseResetDuration('12ms')).toBe(12);
    expect(parseResetDuration('2h')).toBe(7_200_000);
    expect(parseResetDuration('10m')).toBe(600_000);
    expect(parseResetDuration('0s')).toBe(0);
    expect(parseResetDuration('1m30s')).toBe(90_000);
    expect(parseResetDuration('0.25ms')).toBe(0.25);
    expect(parseResetDuration('')).toBeUndefined();
    expect(parseResetDuration(null)).toBeUndefined();
    expect(parseResetDuration(undefined)).toBeUndefined();
    expect(parseResetDuration('5')).toBeUndefined();
    expect(parseResetDuration('s')).toBeUndefined();
  });

  it('reads retry-after-ms first, then retry-after in seconds or as a date, never negative', () => {
    expect(retryAfterMs(headersFrom({ 'retry-after-ms': '250' }))).toBe(250);
    expect(retryAfterMs(headersFrom({ 'retry-after-ms': '0', 'retry-after': '3' }))).toBe(0); // "0" is a value
    expect(retryAfterMs(headersFrom({ 'retry-after-ms': 'soon', 'retry-after': '3' }))).toBe(3000);
    expect(retryAfterMs(headersFrom({ 'retry-after-ms': '', 'retry-after': '1.5' }))).toBe(1500);
    expect(retryAfterMs(headersFrom({ 'retry-after': '0' }))).toBe(0);
    expect(retryAfterMs(headersFrom({}))).toBeUndefined();
    expect(retryAfterMs(headersFrom({ 'retry-after': '' }))).toBeUndefined();
    expect(retryAfterMs(headersFrom({ 'retry-after': 'whenever' }), 0)).toBeUndefined();
    const date = 'Wed, 21 Oct 2015 07:28:00 GMT';
    const at = Date.parse(date);
    expect(retryAfterMs(headersFrom({ 'retry-after': date }), at - 7000)).toBe(7000);
    expect(retryAfterMs(headersFrom({ 'retry-after': date }), at + 7000)).toBe(0);
  });

  it('measures a retry-after date from the current time by default', () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2015-10-21T07:27:50Z'));
    expect(retryAfterMs(headersFrom({ 'retry-after': 'Wed, 21 Oct 2015 07:28:00 GMT' }))).toBe(10_000);
  });
});
