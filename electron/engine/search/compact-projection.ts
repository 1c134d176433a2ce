import { createRandom } from '../platform/random.ts';

export const DEFAULT_VECTOR_BUDGET_BYTES = 64 * 1024 * 1024;
export const COMPACT_DIMENSIONS = 128;
/** Below this the compact pass no longer picks good candidates; a budget that small is exceeded rather than useless. */
const MIN_COMPACT_DIMENSIONS = 16;
/** The compact copy may take this share of the budget; the rest is for full vectors read back to re-score. */
const COMPACT_SHARE = 0.75;
/** Bytes of one sparse entry as stored ({@link encodeVector}): its value (float32) and its dimension (uint16). */
const SPARSE_ENTRY_BYTES = 6;

/**
 * Dimensions of the compact copy: 128, fewer when items x 128 bytes would not fit the budget's compact share
 * (W10k has 510,000 items: 65 MB at 128, over the 64 MB default). A multiple of 8, never below 16.
 */
export function compactWidth(items: number, dimensions: number, budgetBytes: number): number {
  // share x budget >= items x (width + 4 for the scale) + dimensions x width x 4 (the projection matrix)
  const fits = Math.floor((budgetBytes * COMPACT_SHARE - 4 * items) / (items + 4 * dimensions));
  return Math.min(dimensions, COMPACT_DIMENSIONS, Math.max(MIN_COMPACT_DIMENSIONS, fits - (fits % 8)));
}

/** A seeded Gaussian random projection: preserves angles well enough to pick candidates for exact re-scoring. */
function projectionMatrix(from: number, to: number): Float32Array {
  const random = createRandom(0x5eed);
  const matrix = new Float32Array(from * to);
  for (let index = 0; index < matrix.length; index += 2) {
    const u = Math.max(random(), 1e-12);
    const v = random();
    const radius = Math.sqrt(-2 * Math.log(u));
    matrix[index] = radius * Math.cos(2 * Math.PI * v);
    if (index + 1 < matrix.length) matrix[index + 1] = radius * Math.sin(2 * Math.PI * v);
  }
  return matrix;
}

/**
 * The compact form of vectors: a seeded random projection from `dimensions` to `width` (none when the vectors are
 * that narrow already), quantised to int8 with one scale per vector. The same everywhere it is computed: at index
 * time (index-run.ts) and when an index is rebuilt from stored vectors (vector-index.ts).
 *
 * @example
 * const projection = new CompactProjection(512, 88);
 * const scale = projection.quantize(projection.project(vector), compact, at * 88);
 */
export class CompactProjection {
  readonly dimensions: number;
  readonly width: number;
  /** Row-major: row r (a compact dimension) holds the weights of the `dimensions` inputs. */
  readonly matrix: Float32Array | null;
  readonly #projected: Float32Array;

  constructor(dimensions: number, width: number) {
    if (!Number.isInteger(dimensions) || dimensions < 1)
      throw new TypeError(`dimensions must be positive, got ${dimensions}`);
    if (!Number.isInteger(width) || width < 1) throw new TypeError(`width must be positive, got ${width}`);
    this.dimensions = dimensions;
    this.width = width;
    this.matrix = dimensions > width ? projectionMatrix(dimensions, width) : null;
    this.#projected = new Float32Array(width);
  }

  /**
   * The projection of a vector (a scratch array, valid until the next call; the vector itself without a matrix).
   * Mostly-zero vectors (the built-in provider's: ~45 of 512) are projected by their non-zero dimensions only.
   */
  project(vector: Float32Array): Float32Array {
    const matrix = this.matrix;
    if (!matrix) return vector;
    const rows = this.width;
    const from = this.dimensions;
    const out = this.#projected;
    let nonZero = 0;
    for (let column = 0; column < from; column += 1) if (vector[column] !== 0) nonZero += 1;
    if (nonZero * 4 < from) {
      out.fill(0);
      for (let column = 0; column < from; column += 1) {
        const value = vector[column]!;
        if (value === 0) continue;
        for (let row = 0; row < rows; row += 1) out[row]! += matrix[row * from + column]! * value;
      }
      return out;
    }
    // Hot loop (every dense vector): locals, and four accumulators.
    for (let row = 0; row < rows; row += 1) {
      const offset = row * from;
      let sum0 = 0;
      let sum1 = 0;
      let sum2 = 0;
      let sum3 = 0;
      let column = 0;
      for (; column + 3 < from; column += 4) {
        sum0 += matrix[offset + column]! * vector[column]!;
        sum1 += matrix[offset + column + 1]! * vector[column + 1]!;
        sum2 += matrix[offset + column + 2]! * vector[column + 2]!;
        sum3 += matrix[offset + column + 3]! * vector[column + 3]!;
      }
      for (; column < from; column += 1) sum0 += matrix[offset + column]! * vector[column]!;
      out[row] = sum0 + sum1 + sum2 + sum3;
    }
    return out;
  }

  /** The projection of a sparsely stored vector (encodeVector's layout) without making it dense first. */
  projectStoredSparse(blob: Uint8Array): Float32Array {
    const matrix = this.matrix;
    const from = this.dimensions;
    const out = this.#projected;
    out.fill(0);
    const count = blob.byteLength / SPARSE_ENTRY_BYTES;
    const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
    for (let entry = 0; entry < count; entry += 1) {
      const column = view.getUint16(count * 4 + entry * 2, true);
      if (column >= from) throw new RangeError(`A stored sparse vector names dimension ${column} of ${from}.`);
      const value = view.getFloat32(entry * 4, true);
      if (!matrix) out[column] = value;
      else for (let row = 0; row < this.width; row += 1) out[row]! += matrix[row * from + column]! * value;
    }
    return out;
  }

  /** Writes a projected vector as `width` int8 values at `offset` of `compact`; returns its scale. */
  quantize(projected: Float32Array, compact: Int8Array, offset: number): number {
    let max = 0;
    for (let dimension = 0; dimension < this.width; dimension += 1)
      max = Math.max(max, Math.abs(projected[dimension]!));
    const scale = max > 0 ? max / 127 : 1;
    for (let dimension = 0; dimension < this.width; dimension += 1)
      compact[offset + dimension] = Math.round(projected[dimension]! / scale);
    return scale;
  }
}
