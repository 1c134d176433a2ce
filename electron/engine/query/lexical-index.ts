import type { TableInfo } from '../../../shared/schema-types.ts';
import { lexicalWords } from '../embeddings/local-provider.ts';

/** A table (column -1) or one of its columns, by position in the snapshot's table list. */
export interface LexicalHit {
  readonly table: number;
  readonly column: number;
  readonly score: number;
}

const K1 = 1.2;
const B = 0.75;
/** Name words count more than comment words: a name is what the analyst's words usually match. */
const NAME_WEIGHT = 2;

interface Posting {
  readonly document: number;
  readonly weight: number;
}

/**
 * BM25 over names and comments, the "names" half of hybrid retrieval. Words go through the same splitting,
 * abbreviation expansion and stemming as the offline embedding, so `cust_acct_dt` matches "customer account date".
 * Built once per snapshot (memory: a posting per distinct word per document) and kept by the context service's LRU.
 */
export class LexicalIndex {
  /** Document d is table `tableOf[d]`, column `columnOf[d]` (-1 for the table itself). */
  readonly #tableOf: Int32Array;
  readonly #columnOf: Int32Array;
  readonly #length: Float32Array;
  readonly #postings = new Map<string, Posting[]>();
  readonly #averageLength: number;

  constructor(tables: readonly TableInfo[]) {
    const count = tables.reduce((sum, table) => sum + 1 + table.columns.length, 0);
    this.#tableOf = new Int32Array(count);
    this.#columnOf = new Int32Array(count);
    this.#length = new Float32Array(count);
    let document = 0;
    let totalLength = 0;
    const add = (tableIndex: number, columnIndex: number, name: string, comment: string | null) => {
      const weights = new Map<string, number>();
      for (const word of lexicalWords(name)) weights.set(word, (weights.get(word) ?? 0) + NAME_WEIGHT);
      if (comment) for (const word of lexicalWords(comment.slice(0, 400))) weights.set(word, (weights.get(word) ?? 0) + 1);
      let length = 0;
      for (const [word, weight] of weights) {
        length += weight;
        let list = this.#postings.get(word);
        if (!list) this.#postings.set(word, (list = []));
        list.push({ document, weight });
      }
      this.#tableOf[document] = tableIndex;
      this.#columnOf[document] = columnIndex;
      this.#length[document] = length;
      totalLength += length;
      document += 1;
    };
    tables.forEach((table, tableIndex) => {
      add(tableIndex, -1, table.name, table.comment);
      table.columns.forEach((column, columnIndex) => add(tableIndex, columnIndex, column.name, column.comment));
    });
    this.#averageLength = count > 0 ? totalLength / count : 1;
  }

  get documentCount(): number {
    return this.#tableOf.length;
  }

  /** Every document sharing a word with the text, scored with BM25 (unsorted). */
  search(text: string): LexicalHit[] {
    const words = [...new Set(lexicalWords(text))];
    const scores = new Map<number, number>();
    const total = this.#tableOf.length;
    for (const word of words) {
      const list = this.#postings.get(word);
      if (!list) continue;
      const idf = Math.log(1 + (total - list.length + 0.5) / (list.length + 0.5));
      for (const { document, weight } of list) {
        const norm = weight + K1 * (1 - B + (B * this.#length[document]!) / this.#averageLength);
        scores.set(document, (scores.get(document) ?? 0) + idf * ((weight * (K1 + 1)) / norm));
      }
    }
    const hits: LexicalHit[] = [];
    for (const [document, score] of scores) hits.push({ table: this.#tableOf[document]!, column: this.#columnOf[document]!, score });
    return hits;
  }
}
