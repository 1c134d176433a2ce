import type { TableInfo } from '../../../shared/schema-types.ts';
import { abbreviationsOf, lexicalTerms, singularForms, stemWord, type LexicalTerm } from './identifier-words.ts';
import { columnPrefixOf, columnTagOf, withoutPrefix } from './column-prefix.ts';

/** A table (column -1) or one of its columns, by position in the snapshot's table list. */
export interface LexicalHit {
  readonly table: number;
  readonly column: number;
  readonly score: number;
}

/** The index as plain data: typed arrays (transferable between threads without copying) and the vocabulary. */
export interface LexicalIndexParts {
  /** Stems. */
  readonly vocabulary: string[];
  /** Per stem, the words that gave it as written (lower case, `|`-joined): where question words are looked for inside. */
  readonly surfaces: string[];
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
 * A question word found inside a longer name word (`customer` in `sbcustomer`, `daily` in `sbdailyprice`, `cust` in
 * `sbtxcustid`) counts this much of a whole-word match: schemas folded to lower case or written without separators
 * have no word boundaries to split on. Only from this many letters (a shorter part matches too much by chance).
 */
const PART_WEIGHT = 0.5;
const MIN_PART_LETTERS = 4;
const MIN_ABBREVIATION_LETTERS = 3;
const MAX_SURFACES = 4;

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
  const surfaces: Set<string>[] = [];
  const postingDocs: number[][] = [];
  const postingWeights: number[][] = [];
  let document = 0;
  let totalLength = 0;
  let total = 0;
  const add = (tableIndex: number, columnIndex: number, name: string, tag: string, comment: string | null) => {
    const weights = new Map<string, number>();
    const addTerms = (text: string, weight: number) => {
      for (const { stem, surface } of lexicalTerms(text)) {
        weights.set(stem, (weights.get(stem) ?? 0) + weight);
        let id = ids.get(stem);
        if (id === undefined) {
          id = vocabulary.length;
          ids.set(stem, id);
          vocabulary.push(stem);
          surfaces.push(new Set());
          postingDocs.push([]);
          postingWeights.push([]);
        }
        if (surfaces[id]!.size < MAX_SURFACES) surfaces[id]!.add(surface);
      }
    };
    addTerms(name, NAME_WEIGHT);
    // Behind a tag the name's own words show (`sbtransaction` -> `transaction`, `sbtxshares` -> `shares`): glued,
    // a tagged name would only match as part of a word.
    const untagged = withoutPrefix(name, tag);
    if (tag && untagged !== name.toLowerCase()) addTerms(untagged, NAME_WEIGHT);
    if (comment) addTerms(comment.slice(0, 400), 1);
    let length = 0;
    for (const [word, weight] of weights) {
      length += weight;
      const id = ids.get(word)!;
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
  const tableTags = tableTagsBySchema(tables);
  tables.forEach((table, tableIndex) => {
    add(tableIndex, -1, table.name, tableTags.get(table.schema)!, table.comment);
    const tag = columnTagOf(table);
    table.columns.forEach((column, columnIndex) => add(tableIndex, columnIndex, column.name, tag, column.comment));
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
  return {
    vocabulary,
    surfaces: surfaces.map((forms) => [...forms].join('|')),
    offsets,
    documents,
    weights,
    tableOf,
    columnOf,
    lengths,
    averageLength: count > 0 ? totalLength / count : 1,
  };
}

/** Per schema, the tag its table names share (`sb` in `sbcustomer`, `sbticker`, `sbtransaction`), or ''. */
function tableTagsBySchema(tables: readonly TableInfo[]): Map<string, string> {
  const names = new Map<string, string[]>();
  for (const table of tables) {
    const list = names.get(table.schema);
    if (list) list.push(table.name);
    else names.set(table.schema, [table.name]);
  }
  return new Map([...names].map(([schema, list]) => [schema, columnPrefixOf(list)]));
}

/** Lexical hits as typed arrays ({@link LexicalIndex.searchDocuments}): the first `count` entries are valid. */
export interface LexicalDocuments {
  readonly count: number;
  readonly documents: Int32Array;
  readonly scores: Float64Array;
  /** Per document: its table's position, and its column's (-1 for the table's own document). */
  readonly tableOf: Int32Array;
  readonly columnOf: Int32Array;
}

/** A word a question did not say but may mean, counted at `weight` of a whole-word match (below 1). */
export interface ExpandedStem {
  readonly stem: string;
  readonly weight: number;
}

/**
 * Word-level meaning for the query side: given the question's words and the index (whose vocabulary it may read),
 * further stems to look for. Optional; without it the index is purely lexical.
 */
export interface QueryExpansion {
  expand(terms: readonly LexicalTerm[], index: LexicalIndex): readonly ExpandedStem[];
}

/** Vocabulary words that count for a question word, with one idf for all of them. */
interface WordMatch {
  readonly ids: readonly number[];
  readonly factor: number;
  readonly idf: number;
}

/**
 * BM25 over names and comments, the "names" half of hybrid retrieval. Words go through the same splitting,
 * abbreviation expansion and stemming as the offline embedding, so `cust_acct_dt` matches "customer account date";
 * and a question word is also found inside glued names (`sbtxcustid`). Postings are stored compactly (CSR: a few
 * typed arrays for 100,000 documents), built once per snapshot and kept by the context service's LRU.
 */
export class LexicalIndex {
  readonly #parts: LexicalIndexParts;
  readonly #ids: Map<string, number>;

  constructor(source: readonly TableInfo[] | LexicalIndexParts) {
    this.#parts = Array.isArray(source)
      ? buildLexicalParts(source as readonly TableInfo[])
      : (source as LexicalIndexParts);
    this.#ids = new Map(this.#parts.vocabulary.map((word, id) => [word, id]));
  }

  get documentCount(): number {
    return this.#parts.tableOf.length;
  }

  /** The stems of the indexed names and comments, by id. */
  get vocabulary(): readonly string[] {
    return this.#parts.vocabulary;
  }

  /** The words as written (lower case) that gave the stem with this id. */
  surfacesOf(id: number): string[] {
    const forms = this.#parts.surfaces[id];
    return forms ? forms.split('|') : [];
  }

  /** The id of a stem in {@link vocabulary}, if any name or comment has it. */
  idOf(stem: string): number | undefined {
    return this.#ids.get(stem);
  }

  /** Every document sharing a word with the text (or with its expansion), scored with BM25 (unsorted). */
  search(text: string, expansion?: QueryExpansion): LexicalHit[] {
    const found = this.searchDocuments(text, expansion);
    const { tableOf, columnOf } = this.#parts;
    const hits: LexicalHit[] = [];
    for (let at = 0; at < found.count; at += 1) {
      const document = found.documents[at]!;
      hits.push({ table: tableOf[document]!, column: columnOf[document]!, score: found.scores[at]! });
    }
    return hits;
  }

  /**
   * {@link search} as typed arrays, without an object per hit: a question's common words match 100,000+ of W10k's
   * 510,000 documents. Documents in the order they were first matched, with their scores (the same sums, in the same
   * order, as a map would give). `documents` and `scores` are this index's buffers: valid until its next search.
   */
  searchDocuments(text: string, expansion?: QueryExpansion): LexicalDocuments {
    const { offsets, documents, weights, lengths, tableOf, columnOf, averageLength } = this.#parts;
    const count = tableOf.length;
    const sums = (this.#sums ??= new Float64Array(count));
    const touched = (this.#touched ??= new Int32Array(count));
    let found = 0;
    for (const match of this.#matches(text, expansion)) {
      const { factor } = match;
      for (const id of match.ids) {
        for (let at = offsets[id]!; at < offsets[id + 1]!; at += 1) {
          const document = documents[at]!;
          const weight = weights[at]!;
          const norm = weight + K1 * (1 - B + (B * lengths[document]!) / averageLength);
          if (sums[document] === 0) touched[found++] = document; // scores are positive: 0 means not yet matched
          sums[document]! += factor * match.idf * ((weight * (K1 + 1)) / norm);
        }
      }
    }
    const scores = (this.#scores ??= new Float64Array(count));
    for (let at = 0; at < found; at += 1) {
      const document = touched[at]!;
      scores[at] = sums[document]!;
      sums[document] = 0; // clean for the next search
    }
    return { count: found, documents: touched, scores, tableOf, columnOf };
  }

  /** Scratch of {@link searchDocuments}: 16 bytes a document, allocated at the first search. */
  #sums: Float64Array | undefined;
  #touched: Int32Array | undefined;
  #scores: Float64Array | undefined;

  /**
   * Each question word's matches: the same stem (a whole word, with its own idf), and the names that contain the
   * word, its stem or one of its usual abbreviations ({@link PART_WEIGHT}). Being inside a name is scored as one term
   * of its own, its idf from all those names together: `customer` inside the few `sbcustomer`-like names is rare
   * and telling, `name` inside hundreds of `authorname`-like names is not.
   */
  #matches(text: string, expansion?: QueryExpansion): WordMatch[] {
    const { offsets, vocabulary, surfaces, tableOf } = this.#parts;
    const total = tableOf.length;
    const idf = (ids: readonly number[]) => {
      const frequency = Math.min(
        total,
        ids.reduce((sum, id) => sum + offsets[id + 1]! - offsets[id]!, 0),
      );
      return Math.log(1 + (total - frequency + 0.5) / (frequency + 0.5));
    };
    const matches: WordMatch[] = [];
    const seen = new Set<string>();
    const terms = lexicalTerms(text);
    for (const term of terms) {
      if (seen.has(term.stem)) continue;
      seen.add(term.stem);
      const exact = this.#ids.get(term.stem);
      const whole = new Set<number>(exact === undefined ? [] : [exact]);
      // Porter stems a plural and its singular apart now and then (`statuses` -> `status`, `status` -> `statu`):
      // the singular's stem is the same word.
      for (const singular of term.surface.length < 4 ? [] : singularForms(term.surface)) {
        const id = this.#ids.get(stemWord(singular));
        if (id !== undefined) whole.add(id);
      }
      if (whole.size > 0) matches.push({ ids: [...whole], factor: 1, idf: idf([...whole]) });
      const parts = partsOf(term.stem, term.surface);
      if (parts.length === 0) continue;
      const inside: number[] = [];
      for (let id = 0; id < vocabulary.length; id += 1) {
        if (whole.has(id)) continue;
        const forms = surfaces[id]!;
        if (parts.some((part) => forms.length > part.length && forms.includes(part))) inside.push(id);
      }
      if (inside.length > 0) matches.push({ ids: inside, factor: PART_WEIGHT, idf: idf(inside) });
    }
    // Expanded words count once each (the strongest weight), never for a stem the question said itself.
    const expanded = new Map<number, number>();
    for (const { stem, weight } of expansion?.expand(terms, this) ?? []) {
      const id = this.#ids.get(stem);
      if (id === undefined || seen.has(stem) || !(weight > 0)) continue;
      expanded.set(id, Math.max(expanded.get(id) ?? 0, Math.min(weight, 1)));
    }
    for (const [id, factor] of expanded) matches.push({ ids: [id], factor, idf: idf([id]) });
    return matches;
  }
}

/** What to look for inside glued names: the word as written (a simple plural dropped), its stem, its abbreviations. */
function partsOf(stem: string, surface: string): string[] {
  const parts = new Set<string>();
  const singular = surface.replace(/(?<=[^s])s$/, '');
  for (const part of [surface, singular, stem]) if (part.length >= MIN_PART_LETTERS) parts.add(part);
  for (const abbreviation of abbreviationsOf(surface))
    if (abbreviation.length >= MIN_ABBREVIATION_LETTERS) parts.add(abbreviation);
  for (const abbreviation of abbreviationsOf(singular))
    if (abbreviation.length >= MIN_ABBREVIATION_LETTERS) parts.add(abbreviation);
  return [...parts];
}
