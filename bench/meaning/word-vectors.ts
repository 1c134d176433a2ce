import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { MEANING_CACHE, PACKAGES, unpackedPackage } from './packages.ts';

/** Unit-length word vectors: `vectors[i * dimensions ..]` is the vector of `words[i]`. */
export interface WordVectors {
  readonly words: readonly string[];
  readonly dimensions: number;
  readonly vectors: Float32Array;
  /** Frequency rank of each word (the package lists its words most frequent first). */
  readonly rankOf: ReadonlyMap<string, number>;
}

/** Builds {@link WordVectors} from rows of (word, vector), normalising each vector. */
export function wordVectors(rows: readonly (readonly [string, readonly number[]])[], dimensions: number): WordVectors {
  const vectors = new Float32Array(rows.length * dimensions);
  rows.forEach(([, vector], row) => {
    let norm = 0;
    for (let at = 0; at < dimensions; at += 1) norm += vector[at]! * vector[at]!;
    norm = Math.sqrt(norm) || 1;
    for (let at = 0; at < dimensions; at += 1) vectors[row * dimensions + at] = vector[at]! / norm;
  });
  const words = rows.map(([word]) => word);
  return { words, dimensions, vectors, rankOf: new Map(words.map((word, rank) => [word, rank])) };
}

/** How many of the package's most frequent plain words are kept (of 341,479 entries, punctuation and numbers included). */
const KEPT_WORDS = 100_000;

/**
 * The package's vectors for its most frequent plain lower-case words. The first call parses the package's 294 MB JSON
 * (about 1 GB of memory) and keeps a compact copy (.cache/meaning/vectors-*.bin); later calls read that copy.
 */
export function loadWinkVectors(): WordVectors {
  const { name, version } = PACKAGES.vectors;
  const stem = path.join(MEANING_CACHE, `vectors-${name}-${version}-${KEPT_WORDS}`);
  if (existsSync(`${stem}.bin`) && existsSync(`${stem}.words`)) {
    const words = readFileSync(`${stem}.words`, 'utf8').split('\n');
    const bytes = readFileSync(`${stem}.bin`);
    const vectors = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    return {
      words,
      dimensions: vectors.length / words.length,
      vectors,
      rankOf: new Map(words.map((word, rank) => [word, rank])),
    };
  }
  const root = unpackedPackage('vectors');
  const data = JSON.parse(readFileSync(path.join(root, `${name}.json`), 'utf8')) as {
    dimensions: number;
    words: string[];
    vectors: Record<string, number[]>;
  };
  const rows: [string, number[]][] = [];
  for (const word of data.words) {
    if (rows.length >= KEPT_WORDS) break;
    if (!/^[a-z]{2,}$/.test(word) || !Object.hasOwn(data.vectors, word)) continue;
    rows.push([word, data.vectors[word]!.slice(0, data.dimensions)]);
  }
  const loaded = wordVectors(rows, data.dimensions);
  writeFileSync(`${stem}.words`, loaded.words.join('\n'));
  writeFileSync(
    `${stem}.bin`,
    Buffer.from(loaded.vectors.buffer, loaded.vectors.byteOffset, loaded.vectors.byteLength),
  );
  return loaded;
}
