/**
 * Packs items into request batches under both caps: at most `maxInputs` inputs and (when `maxTokens` > 0) at most
 * `maxTokens` tokens each, keeping order (an item over the token cap alone was truncated before it got here).
 * Lazily: each item's tokens are counted (exactly) only when the packer reaches it, and a batch is handed out as soon
 * as it is full, so the first requests leave while later inputs are still being counted.
 */
export async function* packBatchesLazily<T>(
  items: readonly T[],
  maxInputs: number,
  maxTokens: number,
  tokensOf: (item: T) => number,
): AsyncGenerator<{ items: T[]; tokens: number }> {
  if (!Number.isInteger(maxInputs) || maxInputs < 1)
    throw new TypeError(`maxInputs must be a positive integer, got ${maxInputs}`);
  let current: T[] = [];
  let tokens = 0;
  for (let index = 0; index < items.length; index += 1) {
    const item = items[index]!;
    const itemTokens = tokensOf(item);
    if (current.length === maxInputs || (maxTokens > 0 && current.length > 0 && tokens + itemTokens > maxTokens)) {
      yield { items: current, tokens };
      current = [];
      tokens = 0;
    }
    current.push(item);
    tokens += itemTokens;
    if (index % 512 === 511) await new Promise((resolve) => setImmediate(resolve)); // let finished batches go out
  }
  if (current.length > 0) yield { items: current, tokens };
}
