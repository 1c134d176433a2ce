import type { LexicalTerm } from '../../electron/engine/search/identifier-words.ts';
import { stemWord } from '../../electron/engine/search/identifier-words.ts';
import type { ExpandedStem, LexicalIndex, QueryExpansion } from '../../electron/engine/search/lexical-index.ts';
import type { WordVectors } from './word-vectors.ts';
import { baseForms, type Thesaurus } from './wordnet.ts';

/**
 * Query-side word expansion for the offline-meaning experiment (issue #11, item 7). Each variant adds, for each
 * question word, a few schema words it may mean, weighted below an exact or stem match (1) and below a word found
 * inside a glued name (0.5). Only words that some name or comment of the schema has are worth adding: each expander
 * looks among the index's own vocabulary, so it works the same on any schema.
 */

/** An expanded word counts at most this much of a whole-word match. */
export const VECTOR_WEIGHT = 0.4;
export const WORDNET_WEIGHT = 0.3;
/** Nearest schema words kept per question word, and the least cosine similarity that counts. */
export const NEIGHBOURS = 3;
export const MIN_SIMILARITY = 0.6;
/** The most frequent English words (by the vectors' frequency order) are too vague to expand ("get", "have", "one"). */
export const VAGUE_RANK = 150;
const MIN_LETTERS = 3;

/** Question words worth expanding: the surface forms, letters only, not vague. */
function expandable(terms: readonly LexicalTerm[], rankOf?: ReadonlyMap<string, number>): string[] {
  const words = new Set<string>();
  for (const { surface } of terms) {
    if (surface.length < MIN_LETTERS || !/^[a-z]+$/.test(surface)) continue;
    if (rankOf && (rankOf.get(surface) ?? Infinity) < VAGUE_RANK) continue;
    words.add(surface);
  }
  return [...words];
}

/** Keeps the strongest weight per stem. */
function strongest(stems: readonly ExpandedStem[]): ExpandedStem[] {
  const best = new Map<string, number>();
  for (const { stem, weight } of stems) best.set(stem, Math.max(best.get(stem) ?? 0, weight));
  return [...best].map(([stem, weight]) => ({ stem, weight }));
}

interface SchemaWords {
  /** Per schema word with a vector: its stem and its row in the vectors. */
  readonly stems: string[];
  readonly rows: Int32Array;
}

/**
 * Word vectors: each question word's nearest schema words (cosine >= {@link MIN_SIMILARITY}, at most
 * {@link NEIGHBOURS}), weighted {@link VECTOR_WEIGHT} x similarity. The schema's words are gathered once per index.
 */
export function vectorExpansion(vectors: WordVectors): QueryExpansion {
  const schemas = new WeakMap<LexicalIndex, SchemaWords>();
  const { dimensions, vectors: data, rankOf } = vectors;
  /** A word's row, or its base form's (`clients` -> client) when the word itself has no vector. */
  const rowOf = (word: string): number | undefined => {
    for (const form of baseForms(word)) {
      const row = rankOf.get(form);
      if (row !== undefined) return row;
    }
    return undefined;
  };
  const schemaWords = (index: LexicalIndex): SchemaWords => {
    let found = schemas.get(index);
    if (found) return found;
    const stems: string[] = [];
    const rows: number[] = [];
    index.vocabulary.forEach((stem, id) => {
      const seen = new Set<number>();
      for (const surface of index.surfacesOf(id)) {
        const row = rowOf(surface);
        if (row === undefined || seen.has(row) || surface.length < MIN_LETTERS) continue;
        seen.add(row);
        stems.push(stem);
        rows.push(row);
      }
    });
    schemas.set(index, (found = { stems, rows: Int32Array.from(rows) }));
    return found;
  };
  return {
    expand(terms, index) {
      const schema = schemaWords(index);
      const said = new Set(terms.map((term) => term.stem));
      const out: ExpandedStem[] = [];
      for (const word of expandable(terms, rankOf)) {
        const row = rowOf(word);
        if (row === undefined) continue;
        const query = row * dimensions;
        const best: { stem: string; similarity: number }[] = [];
        for (let at = 0; at < schema.rows.length; at += 1) {
          const stem = schema.stems[at]!;
          if (said.has(stem)) continue;
          const other = schema.rows[at]! * dimensions;
          let dot = 0;
          for (let d = 0; d < dimensions; d += 1) dot += data[query + d]! * data[other + d]!;
          if (dot < MIN_SIMILARITY) continue;
          best.push({ stem, similarity: dot });
        }
        best.sort((a, b) => b.similarity - a.similarity);
        const kept = new Set<string>();
        for (const { stem, similarity } of best) {
          if (kept.has(stem)) continue;
          kept.add(stem);
          out.push({ stem, weight: VECTOR_WEIGHT * similarity });
          if (kept.size >= NEIGHBOURS) break;
        }
      }
      return strongest(out);
    },
  };
}

/** WordNet: the synonyms of each question word's most common senses, weighted {@link WORDNET_WEIGHT}. */
export function wordnetExpansion(thesaurus: Thesaurus): QueryExpansion {
  return {
    expand(terms) {
      const said = new Set(terms.map((term) => term.stem));
      const out: ExpandedStem[] = [];
      for (const word of expandable(terms)) {
        const lemma = baseForms(word).find((form) => thesaurus.has(form));
        for (const synonym of lemma ? thesaurus.get(lemma)! : []) {
          const stem = stemWord(synonym);
          if (!said.has(stem)) out.push({ stem, weight: WORDNET_WEIGHT });
        }
      }
      return strongest(out);
    },
  };
}

/** Both: every expansion, the strongest weight per stem. */
export function unionExpansion(...expansions: readonly QueryExpansion[]): QueryExpansion {
  return {
    expand: (terms, index) => strongest(expansions.flatMap((expansion) => [...expansion.expand(terms, index)])),
  };
}

/**
 * Expands only the question words that no name or comment of the schema has (as a stem): a word the schema already
 * says is matched exactly, and its neighbours can only add noise; a word it never says ("client" against
 * `customer`) is where meaning can help.
 */
export function unmatchedOnly(expansion: QueryExpansion): QueryExpansion {
  return {
    expand: (terms, index) =>
      expansion.expand(
        terms.filter((term) => index.idOf(term.stem) === undefined),
        index,
      ),
  };
}

/** A deterministic 32-bit hash (FNV-1a) of a text: the control's seed. */
function hash(text: string): number {
  let value = 0x811c9dc5;
  for (let at = 0; at < text.length; at += 1) value = Math.imul(value ^ text.charCodeAt(at), 0x01000193) >>> 0;
  return value;
}

/**
 * The control: as many expanded schema words, with the same weights, as `model` gives, but each one drawn at
 * random from the schema's words (seeded by the question's words, so runs repeat). A gain of the real expansion over this one is meaning,
 * not the mere effect of adding low-weight words.
 */
export function randomExpansion(model: QueryExpansion): QueryExpansion {
  return {
    expand(terms, index) {
      const vocabulary = index.vocabulary;
      if (vocabulary.length === 0) return [];
      let seed = hash(terms.map((term) => term.stem).join(' '));
      const next = () => {
        seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
        return seed / 2 ** 32;
      };
      // Only the model's words that the schema has count (the others match nothing): as many random ones.
      return model
        .expand(terms, index)
        .filter(({ stem }) => index.idOf(stem) !== undefined)
        .map(({ weight }) => ({ stem: vocabulary[Math.floor(next() * vocabulary.length)]!, weight }));
    },
  };
}
