import { LRUCache } from 'lru-cache';
import type { Tiktoken, TiktokenEncoding } from 'tiktoken';
import { lazyModule } from './lazy-module.ts';

const tiktoken = lazyModule<typeof import('tiktoken')>('tiktoken');

/**
 * Exact token counts with tiktoken. Encoders are WASM objects: one per encoding, created on first use, kept for the
 * life of the process (at most two exist), and freed by `freeEncoders()`.
 */
const encoders = new Map<TiktokenEncoding, Tiktoken>();
let encoderLoadMs = 0;

export function encoder(encoding: TiktokenEncoding): Tiktoken {
  let found = encoders.get(encoding);
  if (!found) {
    const started = performance.now();
    found = tiktoken().get_encoding(encoding);
    encoderLoadMs += performance.now() - started;
    encoders.set(encoding, found);
  }
  return found;
}

/**
 * Time spent building encoders in this process so far: a fixed cost paid once per encoding (o200k_base takes
 * 0.4-0.9 s here), reported apart so that it is not mistaken for the cost of a question.
 */
export function encoderLoadTime(): number {
  return encoderLoadMs;
}

/** Tokens of `text`; special-token markers in user text are counted as ordinary text, never interpreted. */
export function countTokens(text: string, encoding: TiktokenEncoding = 'cl100k_base'): number {
  return encoder(encoding).encode_ordinary(text).length;
}

/** Counts of short pieces (schema lines) by encoding and text; bounded in entries and in the length of what it keeps. */
const pieceCounts = new LRUCache<string, number>({ max: 100_000 });
const MAX_CACHED_PIECE = 1000;
let pieceHits = 0;
let pieceMisses = 0;

/** {@link countTokens} for short pieces that recur (the packer's schema lines), through a bounded LRU. */
export function countTokensCached(text: string, encoding: TiktokenEncoding = 'cl100k_base'): number {
  if (text.length > MAX_CACHED_PIECE) return countTokens(text, encoding);
  const key = `${encoding}\u0000${text}`;
  const cached = pieceCounts.get(key);
  if (cached !== undefined) {
    pieceHits += 1;
    return cached;
  }
  pieceMisses += 1;
  const counted = countTokens(text, encoding);
  pieceCounts.set(key, counted);
  return counted;
}

export function pieceCountCacheStats(): { size: number; max: number; hits: number; misses: number } {
  return { size: pieceCounts.size, max: pieceCounts.max, hits: pieceHits, misses: pieceMisses };
}

/** The text cut to at most `maxTokens` tokens (on a token boundary). */
export function truncateToTokens(
  text: string,
  maxTokens: number,
  encoding: TiktokenEncoding = 'cl100k_base',
): { text: string; tokens: number; truncated: boolean } {
  const tokens = encoder(encoding).encode_ordinary(text);
  if (tokens.length <= maxTokens) return { text, tokens: tokens.length, truncated: false };
  const bytes = encoder(encoding).decode(tokens.slice(0, maxTokens));
  return {
    text: new TextDecoder('utf-8', { fatal: false }).decode(bytes).replace(/\uFFFD+$/, ''),
    tokens: maxTokens,
    truncated: true,
  };
}

/** The encoding of a chat model: o200k_base for gpt-4o, gpt-4.1, gpt-5 and the o-series, cl100k_base for older ones. */
export function encodingForModel(model: string): TiktokenEncoding {
  return /^(gpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|o\d|chatgpt-4o)/i.test(model) ? 'o200k_base' : 'cl100k_base';
}

export function freeEncoders(): void {
  for (const found of encoders.values()) found.free();
  encoders.clear();
}
