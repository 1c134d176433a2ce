import type { EmbeddingProvider, EmbeddingResponse } from './embedding-provider.ts';
import { l2normalize, ProviderError } from './embedding-provider.ts';
import { lexicalWords } from './identifier-words.ts';

export interface LocalProviderOptions {
  readonly dimensions?: number;
  /** Features used; the defaults were chosen by the retrieval benchmark (bench/suites/retrieval-quality.ts). */
  readonly features?: { readonly trigrams: boolean; readonly bigrams: boolean };
}

/** FNV-1a, 32 bit: fast, deterministic everywhere. */
function hash32(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * The built-in offline provider: an identifier-aware lexical embedding. Words (identifiers split, abbreviations
 * expanded, light stemming), word bigrams and character trigrams are hashed into a fixed number of signed
 * dimensions with sublinear term weights, then L2-normalised. No network, no key, deterministic, ~10k docs/s.
 */
export class LocalEmbeddingProvider implements EmbeddingProvider {
  readonly dimensions: number;
  readonly id: string;
  readonly maxInputsPerRequest = 4096;
  readonly maxTokensPerRequest = 0;
  readonly countsTokens = false;
  readonly recomputable = true;
  readonly #features: { trigrams: boolean; bigrams: boolean };

  constructor(options: LocalProviderOptions = {}) {
    this.dimensions = options.dimensions ?? 512;
    if (!Number.isInteger(this.dimensions) || this.dimensions < 16 || this.dimensions > 4096)
      throw new TypeError(`dimensions must be an integer from 16 to 4096, got ${this.dimensions}`);
    this.#features = { trigrams: true, bigrams: true, ...options.features };
    const variant = `${this.#features.trigrams ? 't' : ''}${this.#features.bigrams ? 'b' : ''}`;
    this.id = `local:lexical-v2${variant ? `-${variant}` : ''}:${this.dimensions}`;
  }

  embedOne(text: string): Float32Array {
    const counts = new Map<string, number>();
    const add = (feature: string, weight: number) => counts.set(feature, (counts.get(feature) ?? 0) + weight);
    const words = lexicalWords(text);
    for (let index = 0; index < words.length; index += 1) {
      const word = words[index]!;
      add(`w:${word}`, 1);
      if (this.#features.bigrams && index > 0) add(`b:${words[index - 1]}_${word}`, 0.5);
      if (this.#features.trigrams && word.length > 3) {
        const padded = `^${word}$`;
        for (let at = 0; at + 3 <= padded.length; at += 1) add(`t:${padded.slice(at, at + 3)}`, 0.25);
      }
    }
    const vector = new Float32Array(this.dimensions);
    for (const [feature, count] of counts) {
      const hash = hash32(feature);
      const weight = count <= 1 ? count : 1 + Math.log(count); // sublinear: a word said five times is not five times as relevant
      vector[hash % this.dimensions]! += hash & 0x80000000 ? -weight : weight;
    }
    return l2normalize(vector);
  }

  async embed(texts: readonly string[]): Promise<EmbeddingResponse> {
    return {
      vectors: texts.map((text, index) => {
        try {
          return this.embedOne(text);
        } catch (error) {
          // Deterministic: the same input fails again, so retrying is useless; not retryable lets the indexer split
          // the batch and isolate this one input instead of failing its neighbours.
          const reason = error instanceof Error ? error.message : String(error);
          throw new ProviderError(
            'invalid_input',
            `The built-in provider could not embed input ${index + 1}: ${reason}`,
            { retryable: false },
          );
        }
      }),
    };
  }
}

/**
 * The built-in provider that made the vectors of `providerId` (`local:lexical-v2-tb:512`), to recompute them; undefined
 * for any other provider, or a built-in variant this version does not make.
 */
export function recomputingProvider(providerId: string): LocalEmbeddingProvider | undefined {
  const match = /^local:lexical-v2(?:-(t?)(b?))?:(\d+)$/.exec(providerId);
  if (!match) return undefined;
  const dimensions = Number(match[3]);
  if (!Number.isInteger(dimensions) || dimensions < 16 || dimensions > 4096) return undefined;
  const provider = new LocalEmbeddingProvider({
    dimensions,
    features: { trigrams: match[1] === 't', bigrams: match[2] === 'b' },
  });
  return provider.id === providerId ? provider : undefined;
}
