export interface BatchItem {
  readonly index: number;
  readonly tokens: number;
}

/**
 * Packs items into request batches under both caps: at most `maxInputs` inputs and (when `maxTokens` > 0) at most
 * `maxTokens` tokens each. Order is kept; an item over the token cap alone was truncated before it got here.
 */
export function packBatches<T extends BatchItem>(items: readonly T[], maxInputs: number, maxTokens: number): T[][] {
  if (!Number.isInteger(maxInputs) || maxInputs < 1) throw new TypeError(`maxInputs must be a positive integer, got ${maxInputs}`);
  const batches: T[][] = [];
  let current: T[] = [];
  let tokens = 0;
  for (const item of items) {
    const full = current.length === maxInputs || (maxTokens > 0 && current.length > 0 && tokens + item.tokens > maxTokens);
    if (full) {
      batches.push(current);
      current = [];
      tokens = 0;
    }
    current.push(item);
    tokens += item.tokens;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
