import { describe, expect, it } from 'vitest';
import { MetricsRegistry, WINDOW_MS } from '../../electron/engine/platform/metrics-registry.ts';
import { ProcessSampler } from '../../electron/engine/metrics/process-sampler.ts';

describe('the metrics registry', () => {
  it('reports nearest-rank p50/p95/p99 over the sliding window only', () => {
    let now = 1_000_000;
    const registry = new MetricsRegistry(() => now);
    for (let value = 1; value <= 100; value += 1) registry.observe('query.ms', value);
    expect(registry.snapshot().histograms['query.ms']).toEqual({
      count: 100,
      window: 100,
      p50: 50,
      p95: 95,
      p99: 99,
      max: 100,
    });
    now += WINDOW_MS + 1; // the old observations leave the window
    registry.observe('query.ms', 7);
    expect(registry.snapshot().histograms['query.ms']).toEqual({
      count: 101,
      window: 1,
      p50: 7,
      p95: 7,
      p99: 7,
      max: 7,
    });
  });

  it('keeps a bounded number of samples per histogram', () => {
    const registry = new MetricsRegistry();
    for (let index = 0; index < 10_000; index += 1) registry.observe('x', index);
    const snapshot = registry.snapshot().histograms.x!;
    expect(snapshot.count).toBe(10_000);
    expect(snapshot.window).toBe(2048);
    expect(snapshot.p50).toBeGreaterThan(8000); // the newest values
  });

  it('counts per minute from one-second buckets', () => {
    let now = 0;
    const registry = new MetricsRegistry(() => now);
    registry.inc('api.requests', 5);
    now += 30_000;
    registry.inc('api.requests', 3);
    expect(registry.snapshot().perMinute['api.requests']).toBe(8);
    now += 45_000; // the first five are older than a minute now
    expect(registry.snapshot().perMinute['api.requests']).toBe(3);
    expect(registry.snapshot().counters['api.requests']).toBe(8);
  });

  it('folds names beyond its bound into "other" instead of growing', () => {
    const registry = new MetricsRegistry();
    for (let index = 0; index < MetricsRegistry.MAX_NAMES + 50; index += 1)
      registry.inc(`pool.rejected[source-${index}]`);
    const counters = registry.snapshot().counters;
    expect(Object.keys(counters).length).toBe(MetricsRegistry.MAX_NAMES + 1);
    expect(counters['pool.rejected[other]']).toBe(50);
  });
});

describe('the process sampler', () => {
  it('measures a blocked event loop and keeps a bounded history', async () => {
    const sampler = new ProcessSampler(50).start();
    await new Promise((resolve) => setTimeout(resolve, 120));
    const until = performance.now() + 200;
    while (performance.now() < until); // block the loop for 200 ms
    await new Promise((resolve) => setTimeout(resolve, 120));
    sampler.stop();
    const history = sampler.history();
    expect(history.length).toBeGreaterThanOrEqual(2);
    expect(Math.max(...history.map((sample) => sample.lagMax))).toBeGreaterThanOrEqual(150);
    expect(history.every((sample) => sample.heapUsed > 0 && sample.rss >= sample.heapUsed)).toBe(true);
  });
});
