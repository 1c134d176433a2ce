import { get_encoding, type TiktokenEncoding } from 'tiktoken';

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
