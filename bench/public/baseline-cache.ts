import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import type { TableInfo } from '../../shared/schema-types.ts';
import { CACHE_DIR, REPO_ROOT } from './datasets.ts';
import type { Answer } from './run-systems.ts';

/** Everything the baseline's answers depend on besides the snapshot and the question. */
const BASELINE_CODE = [
  'bench/baselines/bm25-whole-tables.ts',
  'electron/engine/search/identifier-words.ts',
  'electron/engine/platform/token-counter.ts',
  'node_modules/tiktoken/package.json',
];

/**
 * The baseline's answers kept between score.ts runs: they depend only on the snapshot, the baseline's code and the
 * question, none of which a product-tuning session changes, so recomputing them (a quarter of a run) is skipped.
 * Keyed by a hash of all of those; times are those of the run that computed them. The bench suite never uses it.
 */
export class BaselineCache {
  readonly #file: string;
  readonly #key: string;
  readonly #answers: Map<string, Answer>;
  hits = 0;

  constructor(engine: string, tables: readonly TableInfo[]) {
    this.#file = path.join(CACHE_DIR, `baseline-${engine}.json`);
    const hash = createHash('sha256').update(JSON.stringify(tables));
    for (const file of BASELINE_CODE) hash.update(readFileSync(path.join(REPO_ROOT, file)));
    this.#key = hash.digest('hex');
    const stored = existsSync(this.#file)
      ? (JSON.parse(readFileSync(this.#file, 'utf8')) as { key: string; answers: [string, Answer][] })
      : undefined;
    this.#answers = new Map(stored?.key === this.#key ? stored.answers : []);
  }

  get(question: string, budget: number): Answer | undefined {
    const found = this.#answers.get(`${budget}\u0000${question}`);
    if (found) this.hits += 1;
    return found;
  }

  set(question: string, budget: number, answer: Answer): void {
    this.#answers.set(`${budget}\u0000${question}`, answer);
  }

  save(): void {
    mkdirSync(CACHE_DIR, { recursive: true });
    writeFileSync(this.#file, JSON.stringify({ key: this.#key, answers: [...this.#answers] }));
  }
}
