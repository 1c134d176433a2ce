import { get_encoding, type Tiktoken, type TiktokenEncoding } from 'tiktoken';

/**
 * The tests' own token count: tiktoken called directly, not through the app's token-counter module, so that a test
 * asserting a budget does not trust the code it checks. Counted as ordinary text (special-token markers included),
 * as the API counts a user message.
 */
export function tokensOf(text: string, encoding: TiktokenEncoding): number {
  const encoder = get_encoding(encoding);
  try {
    return encoder.encode_ordinary(text).length;
  } finally {
    encoder.free();
  }
}

const kept = new Map<TiktokenEncoding, Tiktoken>();

/**
 * {@link tokensOf} for a test that counts many texts: the encoder (0.4-0.9 s to build for o200k_base) is built once
 * and kept for the life of the test file, still apart from the app's counter.
 */
export function tokenCounter(encoding: TiktokenEncoding): (text: string) => number {
  return (text) => {
    let encoder = kept.get(encoding);
    if (!encoder) {
      encoder = get_encoding(encoding);
      kept.set(encoding, encoder);
    }
    return encoder.encode_ordinary(text).length;
  };
}
