import type { z } from 'zod';
import type { processSample } from '../../../shared/ipc-contract.ts';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

/** One second of the process, as the contract carries it (one source of truth for its shape). */
export type ProcessSample = z.output<typeof processSample>;

/** Ten minutes of one-second samples: enough for the charts, bounded. */
export const SAMPLES_KEPT = 600;

/**
 * Samples the process once a second: memory (heap, RSS, external, array buffers) and the event loop's delay, measured
 * by Node's own histogram (perf_hooks), reset each second so the numbers describe the last second only.
 * The timer is unref'd: sampling never keeps a process alive.
 */
export class ProcessSampler {
  readonly #samples: ProcessSample[] = [];
  readonly #delay: IntervalHistogram;
  #timer: NodeJS.Timeout | undefined;

  readonly #series: () => Record<string, number>;

  constructor(
    readonly intervalMs = 1000,
    series: () => Record<string, number> = () => ({}),
  ) {
    this.#delay = monitorEventLoopDelay({ resolution: 10 });
    this.#series = series;
  }

  start(): this {
    if (this.#timer) return this;
    this.#delay.enable();
    this.#timer = setInterval(() => this.sample(), this.intervalMs);
    this.#timer.unref();
    return this;
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#delay.disable();
  }

  /** Takes a sample now (also called by the timer). */
  sample(): ProcessSample {
    const memory = process.memoryUsage();
    const ms = (nanoseconds: number) => Math.round((nanoseconds / 1e6) * 10) / 10;
    const hasDelay = this.#delay.count > 0;
    const sample: ProcessSample = {
      at: Date.now(),
      heapUsed: memory.heapUsed,
      heapTotal: memory.heapTotal,
      rss: memory.rss,
      external: memory.external,
      arrayBuffers: memory.arrayBuffers,
      lagP50: hasDelay ? ms(this.#delay.percentile(50)) : 0,
      lagP99: hasDelay ? ms(this.#delay.percentile(99)) : 0,
      lagMax: hasDelay ? ms(this.#delay.max) : 0,
      series: this.#series(),
    };
    this.#delay.reset();
    this.#samples.push(sample);
    if (this.#samples.length > SAMPLES_KEPT) this.#samples.splice(0, this.#samples.length - SAMPLES_KEPT);
    return sample;
  }

  /** Samples since `since` (ms since the epoch), oldest first. */
  history(since = 0): ProcessSample[] {
    return this.#samples.filter((sample) => sample.at > since);
  }

  latest(): ProcessSample {
    return this.#samples.at(-1) ?? this.sample();
  }

  /** p99 of the per-second lag p99s over the kept samples: the "UI responsive" number. */
  lagP99Overall(): number {
    const values = this.#samples.map((sample) => sample.lagP99).sort((a, b) => a - b);
    return values.length === 0 ? 0 : values[Math.min(values.length - 1, Math.ceil(values.length * 0.99) - 1)]!;
  }
}
