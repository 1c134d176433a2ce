import type { MetricsSnapshotView } from '../../../shared/ipc-contract.ts';
import { quantile } from './percentiles.ts';

/** Latencies kept per histogram: the newest N within the window. Bounded like every other store. */
const HISTOGRAM_SAMPLES = 2048;
/** Percentiles describe the last five minutes: recent enough to show a slowdown, long enough to be stable. */
export const WINDOW_MS = 5 * 60_000;
const RATE_BUCKETS = 60;

export interface HistogramSnapshot {
  /** Observations ever. */
  readonly count: number;
  /** Observations inside the window (at most the sample bound). */
  readonly window: number;
  readonly p50: number | null;
  readonly p95: number | null;
  readonly p99: number | null;
  readonly max: number | null;
}

export interface RegistrySnapshot {
  readonly counters: Record<string, number>;
  /** Counter increments in the last 60 seconds. */
  readonly perMinute: Record<string, number>;
  readonly gauges: Record<string, number>;
  readonly histograms: Record<string, HistogramSnapshot>;
}

/** A sliding window of recent values in two fixed typed arrays: observe() is a couple of stores, no allocation. */
export class Histogram {
  readonly #values = new Float64Array(HISTOGRAM_SAMPLES);
  readonly #times = new Float64Array(HISTOGRAM_SAMPLES);
  #next = 0;
  #count = 0;
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  observe(value: number): void {
    const at = this.#next;
    this.#values[at] = value;
    this.#times[at] = this.#now();
    this.#next = (at + 1) % HISTOGRAM_SAMPLES;
    this.#count += 1;
  }

  snapshot(): HistogramSnapshot {
    const since = this.#now() - WINDOW_MS;
    const recent: number[] = [];
    const stored = Math.min(this.#count, HISTOGRAM_SAMPLES);
    for (let index = 0; index < stored; index += 1) if (this.#times[index]! >= since) recent.push(this.#values[index]!);
    recent.sort((a, b) => a - b); // quantile() sorts a copy again; a sorted input makes that cheap
    const round = (value: number | undefined) =>
      value === undefined || Number.isNaN(value) ? null : Math.round(value * 10) / 10;
    return {
      count: this.#count,
      window: recent.length,
      p50: round(quantile(recent, 0.5)),
      p95: round(quantile(recent, 0.95)),
      p99: round(quantile(recent, 0.99)),
      max: round(recent.at(-1)),
    };
  }
}

/** A monotonic count plus per-second buckets for "per minute" rates. */
export class Counter {
  value = 0;
  readonly #buckets = new Float64Array(RATE_BUCKETS);
  readonly #bucketSecond = new Float64Array(RATE_BUCKETS);
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  inc(by = 1): void {
    this.value += by;
    const second = Math.floor(this.#now() / 1000);
    const slot = second % RATE_BUCKETS;
    if (this.#bucketSecond[slot] !== second) {
      this.#bucketSecond[slot] = second;
      this.#buckets[slot] = 0;
    }
    this.#buckets[slot]! += by;
  }

  perMinute(): number {
    const second = Math.floor(this.#now() / 1000);
    let sum = 0;
    for (let slot = 0; slot < RATE_BUCKETS; slot += 1)
      if (second - this.#bucketSecond[slot]! < RATE_BUCKETS) sum += this.#buckets[slot]!;
    return sum;
  }
}

/**
 * The engine's one metrics registry (no `electron` import): counters, gauges and latency histograms with p50/p95/p99
 * over a sliding window. Names are dotted paths (`query.ms`, `embedding.request_ms`); a label goes in brackets
 * (`pool.acquire_wait_ms[demo]`). The number of names is bounded: beyond it, new names are folded into `other`.
 */
/**
 * What a component reports besides counters: its caches, pools, vector memory and running jobs, in the contract's
 * shapes (the `metrics/snapshot` response). Components register a reporter; the snapshot asks each one.
 */
export type MetricReports = Pick<MetricsSnapshotView, 'caches' | 'pools' | 'vectors' | 'indexing'>;
export type MetricReporter = () => Partial<MetricReports> | Promise<Partial<MetricReports>>;

export class MetricsRegistry {
  readonly #counters = new Map<string, Counter>();
  readonly #reporters = new Map<string, MetricReporter>();
  readonly #gauges = new Map<string, number>();
  readonly #histograms = new Map<string, Histogram>();
  readonly #now: () => number;
  static readonly MAX_NAMES = 500;

  constructor(now: () => number = () => Date.now()) {
    this.#now = now;
  }

  #bounded<T>(map: Map<string, T>, name: string, create: () => T): T {
    let found = map.get(name);
    if (found) return found;
    const key = map.size >= MetricsRegistry.MAX_NAMES ? `${name.split('[')[0]}[other]` : name;
    found = map.get(key);
    if (!found) map.set(key, (found = create()));
    return found;
  }

  counter(name: string): Counter {
    return this.#bounded(this.#counters, name, () => new Counter(this.#now));
  }

  histogram(name: string): Histogram {
    return this.#bounded(this.#histograms, name, () => new Histogram(this.#now));
  }

  inc(name: string, by = 1): void {
    this.counter(name).inc(by);
  }

  observe(name: string, value: number): void {
    this.histogram(name).observe(value);
  }

  /** A counter's increments in the last minute, without building a whole snapshot (the per-second chart series). */
  perMinute(name: string): number {
    return this.#counters.get(name)?.perMinute() ?? 0;
  }

  gauge(name: string, value: number): void {
    if (this.#gauges.has(name) || this.#gauges.size < MetricsRegistry.MAX_NAMES) this.#gauges.set(name, value);
  }

  /** Registers (or replaces) the reporter named `name`; a component that closes unregisters with the returned call. */
  report(name: string, reporter: MetricReporter): () => void {
    this.#reporters.set(name, reporter);
    return () => {
      if (this.#reporters.get(name) === reporter) this.#reporters.delete(name);
    };
  }

  /** Every registered reporter's lists, concatenated in registration order. */
  async reports(): Promise<MetricReports> {
    const all: MetricReports = { caches: [], pools: [], vectors: [], indexing: [] };
    for (const reporter of this.#reporters.values()) {
      const part = await reporter();
      all.caches.push(...(part.caches ?? []));
      all.pools.push(...(part.pools ?? []));
      all.vectors.push(...(part.vectors ?? []));
      all.indexing.push(...(part.indexing ?? []));
    }
    return all;
  }

  snapshot(): RegistrySnapshot {
    const byName = <T>(entries: Iterable<[string, T]>) => [...entries].sort((a, b) => a[0].localeCompare(b[0]));
    const counters = byName(this.#counters);
    return {
      counters: Object.fromEntries(counters.map(([name, counter]) => [name, counter.value])),
      perMinute: Object.fromEntries(counters.map(([name, counter]) => [name, counter.perMinute()])),
      gauges: Object.fromEntries(byName(this.#gauges)),
      histograms: Object.fromEntries(byName(this.#histograms).map(([name, histogram]) => [name, histogram.snapshot()])),
    };
  }
}
