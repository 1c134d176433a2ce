import { CompactProjection, compactWidth } from './compact-projection.ts';
import type { CompactCopy } from './compact-vectors-file.ts';

/**
 * Strings in the order SQLite's BINARY collation gives them (UTF-8 bytes, that is code points), which is the order
 * `source_items` are read back in. JavaScript's `<` compares UTF-16 code units instead, which differs where a
 * character above U+FFFF (a surrogate pair) meets one from U+E000 to U+FFFF.
 */
export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; index += 1) {
    const x = a.charCodeAt(index);
    const y = b.charCodeAt(index);
    if (x === y) continue;
    return rankOf(x) - rankOf(y);
  }
  return a.length - b.length;
}

/** Code units in code point order: surrogates (characters above U+FFFF) after U+E000..U+FFFF. */
function rankOf(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  if (unit >= 0xe000) return unit - 0x800;
  return unit;
}

/**
 * The compact copy of an index, filled while its vectors are computed (each vector projected once, however many items
 * share it), so that the end of an index run writes it without reading 500,000 vectors back from disk.
 *
 * @example
 * const builder = new CompactCopyBuilder(items.length, 512, budgetBytes);
 * builder.add(vector, [0, 7]); // items 0 and 7 share this vector
 * if (builder.complete) writeCompactCopy(file, itemsStamp(items), builder.copy());
 */
export class CompactCopyBuilder {
  readonly #projection: CompactProjection;
  readonly #compact: Int8Array;
  readonly #scales: Float32Array;
  readonly #filled: Uint8Array;
  #missing: number;

  constructor(count: number, dimensions: number, budgetBytes: number) {
    if (!Number.isInteger(count) || count < 0) throw new TypeError(`count must be a whole number, got ${count}`);
    const width = compactWidth(count, dimensions, budgetBytes);
    this.#projection = new CompactProjection(dimensions, width);
    this.#compact = new Int8Array(count * width);
    this.#scales = new Float32Array(count);
    this.#filled = new Uint8Array(count);
    this.#missing = count;
  }

  /** Projects `vector` once and stores it at every position given. */
  add(vector: Float32Array, positions: readonly number[]): void {
    if (vector.length !== this.#projection.dimensions)
      throw new TypeError(`vector has ${vector.length} dimensions, the copy ${this.#projection.dimensions}`);
    const projected = this.#projection.project(vector);
    const width = this.#projection.width;
    for (const at of positions) {
      if (!Number.isInteger(at) || at < 0 || at >= this.#scales.length) throw new RangeError(`no position ${at}`);
      this.#scales[at] = this.#projection.quantize(projected, this.#compact, at * width);
      if (this.#filled[at] === 0) this.#missing -= 1;
      this.#filled[at] = 1;
    }
  }

  /** Stores compact rows computed elsewhere (the embedding workers) with this builder's width: row i at positions[i]. */
  addCompact(rows: { compact: Int8Array; scales: Float32Array }, positions: readonly (readonly number[])[]): void {
    const width = this.#projection.width;
    if (rows.compact.length !== positions.length * width || rows.scales.length !== positions.length)
      throw new RangeError(
        `${rows.scales.length} compact rows of ${rows.compact.length / Math.max(1, rows.scales.length)} for ${positions.length} of ${width}`,
      );
    positions.forEach((places, row) => {
      const source = rows.compact.subarray(row * width, (row + 1) * width);
      for (const at of places) {
        if (!Number.isInteger(at) || at < 0 || at >= this.#scales.length) throw new RangeError(`no position ${at}`);
        this.#compact.set(source, at * width);
        this.#scales[at] = rows.scales[row]!;
        if (this.#filled[at] === 0) this.#missing -= 1;
        this.#filled[at] = 1;
      }
    });
  }

  get width(): number {
    return this.#projection.width;
  }

  get dimensions(): number {
    return this.#projection.dimensions;
  }

  /** Every position has its vector. */
  get complete(): boolean {
    return this.#missing === 0;
  }

  copy(): CompactCopy {
    if (!this.complete) throw new Error(`The compact copy misses ${this.#missing} vector(s).`);
    return { dimensions: this.#projection.dimensions, compact: this.#compact, scales: this.#scales };
  }
}
