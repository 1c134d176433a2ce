import type { TableInfo } from '../../../shared/schema-types.ts';
import { lexicalWords } from '../embeddings/local-provider.ts';
import { abbreviationsOf } from '../embeddings/identifier-words.ts';

/** A table (column -1) or one of its columns, by position in the snapshot's table list. */
export interface LexicalHit {
  readonly table: number;
  readonly column: number;
  readonly score: number;
}

/** The index as plain data: typed arrays (transferable between threads without copying) and the vocabulary. */
export interface LexicalIndexParts {
  readonly vocabulary: string[];
  /** Postings of word w are entries offsets[w] .. offsets[w + 1] of `documents` and `weights`. */
  readonly offsets: Int32Array;
  readonly documents: Int32Array;
  readonly weights: Float32Array;
  readonly tableOf: Int32Array;
  readonly columnOf: Int32Array;
  readonly lengths: Float32Array;
  readonly averageLength: number;
}

/**
 * A question word found inside a longer name word (`customer` in `sbcustomer`, `price` in `sbdailyprice`, `cust` in
 * `sbtxcustid`) counts this much of a whole-word match: schemas folded to lower case or written without separators
 * have no word boundaries to split on. Only from this many letters (a shorter part matches too much by chance).
 */
const PART_WEIGHT = 0.5;
const MIN_PART_LETTERS = 4;
const MIN_ABBREVIATION_LETTERS = 3;

const K1 = 1.2;
const B = 0.75;
/** Name words count more than comment words: a name is what the analyst's words usually match. */
const NAME_WEIGHT = 2;

/** Builds the parts: run in the context worker for large schemas (W1000: about a second of word splitting). */
export function buildLexicalParts(tables: readonly TableInfo[]): LexicalIndexParts {
  const count = tables.reduce((sum, table) => sum + 1 + table.columns.length, 0);
  const tableOf = new Int32Array(count);
  const columnOf = new Int32Array(count);
  const lengths = new Float32Array(count);
  const ids = new Map<string, number>();
  const vocabulary: string[] = [];
  const postingDocs: number[][] = [];
  const postingWeights: number[][] = [];
  let document = 0;
  let totalLength = 0;
  let total = 0;
  const add = (tableIndex: number, columnIndex: number, name: string, comment: string | null) => {
    const weights = new Map<string, number>();
    for (const word of lexicalWords(name)) weights.set(word, (weights.get(word) ?? 0) + NAME_WEIGHT);
    if (comment) for (const word of lexicalWords(comment.slice(0, 400))) weights.set(word, (weights.get(word) ?? 0) + 1);
    let length = 0;
    for (const [word, weight] of weights) {
      length += weight;
      let id = ids.get(word);
      if (id === undefined) {
        id = vocabulary.length;
        ids.set(word, id);
        vocabulary.push(word);
        postingDocs.push([]);
        postingWeights.push([]);
      }
      postingDocs[id]!.push(document);
      postingWeights[id]!.push(weight);
      total += 1;
    }
    tableOf[document] = tableIndex;
    columnOf[document] = columnIndex;
    lengths[document] = length;
    totalLength += length;
    document += 1;
  };
  tables.forEach((table, tableIndex) => {
    add(tableIndex, -1, table.name, table.comment);
    table.columns.forEach((column, columnIndex) => add(tableIndex, columnIndex, column.name, column.comment));
  });
  const offsets = new Int32Array(vocabulary.length + 1);
  const documents = new Int32Array(total);
  const weights = new Float32Array(total);
  let at = 0;
  for (let id = 0; id < vocabulary.length; id += 1) {
    offsets[id] = at;
    documents.set(postingDocs[id]!, at);
    weights.set(postingWeights[id]!, at);
    at += postingDocs[id]!.length;
  }
  offsets[vocabulary.length] = at;
  return { vocabulary, offsets, documents, weights, tableOf, columnOf, lengths, averageLength: count > 0 ? totalLength / count : 1 };
}

/**
 * BM25 over names and comments, the "names" half of hybrid retrieval. Words go through the same splitting,
 * abbreviation expansion and stemming as the offline embedding, so `cust_acct_dt` matches "customer account date".
 * Postings are stored compactly (CSR: a few typed arrays for 100,000 documents), built once per snapshot and kept by
 * the context service's LRU.
 */
export class LexicalIndex {
  readonly #parts: LexicalIndexParts;
  readonly #ids: Map<string, number>;

  constructor(source: readonly TableInfo[] | LexicalIndexParts) {
    this.#parts = Array.isArray(source) ? buildLexicalParts(source as readonly TableInfo[]) : (source as LexicalIndexParts);
    this.#ids = new Map(this.#parts.vocabulary.map((word, id) => [word, id]));
  }

  get documentCount(): number {
    return this.#parts.tableOf.length;
  }

  /** Every document sharing a word with the text, scored with BM25 (unsorted). */
  search(text: string): LexicalHit[] {
    const { offsets, documents, weights, lengths, tableOf, columnOf, averageLength } = this.#parts;
    const scores = new Map<number, number>();
    const total = tableOf.length;
    for (const [id, factor] of this.#matchedWords(text)) {
      const from = offsets[id]!;
      const to = offsets[id + 1]!;
      const idf = Math.log(1 + (total - (to - from) + 0.5) / (to - from + 0.5));
      for (let at = from; at < to; at += 1) {
        const document = documents[at]!;
        const weight = weights[at]!;
        const norm = weight + K1 * (1 - B + (B * lengths[document]!) / averageLength);
        scores.set(document, (scores.get(document) ?? 0) + factor * idf * ((weight * (K1 + 1)) / norm));
      }
    }
    const hits: LexicalHit[] = [];
    for (const [document, score] of scores) hits.push({ table: tableOf[document]!, column: columnOf[document]!, score });
    return hits;
  }

  /** Vocabulary words the text matches, whole (1) or as a part of a longer word ({@link PART_WEIGHT}). */
  #matchedWords(text: string): Map<number, number> {
    const matched = new Map<number, number>();
    const parts: string[] = [];
    for (const word of new Set(lexicalWords(text))) {
      const id = this.#ids.get(word);
      if (id !== undefined) matched.set(id, 1);
      if (word.length >= MIN_PART_LETTERS) parts.push(word);
      for (const abbreviation of abbreviationsOf(word)) if (abbreviation.length >= MIN_ABBREVIATION_LETTERS) parts.push(abbreviation);
    }
    if (parts.length === 0) return matched;
    this.#parts.vocabulary.forEach((candidate, id) => {
      if (matched.get(id) === 1) return;
      for (const part of parts) {
        if (candidate.length > part.length && candidate.includes(part)) {
          matched.set(id, PART_WEIGHT);
          return;
        }
      }
    });
    return matched;
  }
}
