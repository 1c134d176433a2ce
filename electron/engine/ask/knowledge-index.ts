import type { TableInfo } from '../../../shared/schema-types.ts';
import { tableId } from '../../../shared/schema-types.ts';
import type { ObjectTarget } from '../../../shared/object-path.ts';
import type { GlossaryEntry, KnowledgeContent } from '../catalog/knowledge-store.ts';
import { tablesNamedIn } from '../catalog/sql-table-names.ts';
import { lexicalTerms } from '../search/identifier-words.ts';

/** A table (column -1) or column the team's knowledge ties to the question, by position in the snapshot. */
export interface KnowledgeHit {
  readonly table: number;
  readonly column: number;
  readonly score: number;
}

export interface RankedExample {
  readonly question: string;
  readonly sql: string;
  readonly score: number;
}

export interface RankedTerm extends GlossaryEntry {
  readonly score: number;
}

/** What the index is built from: the source's notes, glossary and examples, as the catalog keeps them. */
export type KnowledgeInput = KnowledgeContent;

interface KnowledgeDocument {
  readonly kind: 'note' | 'term' | 'example';
  /** Index into notes, glossary or examples. */
  readonly index: number;
  readonly weights: Map<string, number>;
  readonly length: number;
  readonly targets: readonly { table: number; column: number }[];
}

const K1 = 1.2;
const B = 0.75;
/** A term's own words count more than its definition's: "churn" is what a question says. */
const TERM_WEIGHT = 3;
/** Documents scoring under this share of the best one are noise (a shared everyday word). */
const MIN_SHARE = 0.35;
const MAX_TEXT_CHARS = 2000;

/**
 * The team's knowledge as evidence for a question: a small BM25 index (same word splitting, abbreviations and stems
 * as the schema's) over notes, glossary terms with their definitions, and example questions. A matching note points
 * at its table or column, a term at the objects it links, an example at the tables its SQL names: so "customers who
 * churned" lifts `cust_acct` and `ord_hdr` when a colleague's example about churn used them, though no name says so.
 * Built per snapshot and knowledge revision (the context service caches it); bounded as the knowledge store is.
 */
export class KnowledgeIndex {
  readonly #documents: KnowledgeDocument[] = [];
  readonly #frequency = new Map<string, number>();
  readonly #averageLength: number;
  readonly #input: KnowledgeInput;
  readonly #notes = new Map<string, string>();

  constructor(tables: readonly TableInfo[], input: KnowledgeInput) {
    this.#input = input;
    const tableAt = new Map(tables.map((table, index) => [tableId(table.schema, table.name), index]));
    const locate = (target: ObjectTarget): { table: number; column: number } | undefined => {
      const table = tableAt.get(tableId(target.schema, target.table));
      if (table === undefined) return undefined; // gone from this snapshot: waits for the name to return
      if (target.column === null) return { table, column: -1 };
      const column = tables[table]!.columns.findIndex((candidate) => candidate.name === target.column);
      return column < 0 ? undefined : { table, column };
    };
    input.notes.forEach((note, index) => {
      const at = locate(note);
      if (at) this.#notes.set(`${at.table}:${at.column}`, note.text);
      this.#add(
        'note',
        index,
        [
          [note.text, 1],
          [`${note.table} ${note.column ?? ''}`, 1],
        ],
        at ? [at] : [],
      );
    });
    input.glossary.forEach((term, index) => {
      const targets = term.links.map(locate).filter((at) => at !== undefined);
      this.#add(
        'term',
        index,
        [
          [term.term, TERM_WEIGHT],
          [term.definition, 1],
        ],
        targets,
      );
    });
    input.examples.forEach((example, index) => {
      const named = tablesNamedIn(
        example.sql,
        tables.map((table, at) => ({ schema: table.schema, name: table.name, at })),
      );
      this.#add(
        'example',
        index,
        [[example.question, 1]],
        named.map(({ at }) => ({ table: at, column: -1 })),
      );
    });
    this.#averageLength =
      this.#documents.length > 0
        ? this.#documents.reduce((sum, document) => sum + document.length, 0) / this.#documents.length
        : 1;
  }

  get size(): number {
    return this.#documents.length;
  }

  /** The note on a table (column -1) or column, by position in the snapshot. */
  noteOf(table: number, column: number): string | undefined {
    return this.#notes.get(`${table}:${column}`);
  }

  #add(
    kind: KnowledgeDocument['kind'],
    index: number,
    texts: readonly [string, number][],
    targets: readonly { table: number; column: number }[],
  ): void {
    const weights = new Map<string, number>();
    for (const [text, weight] of texts)
      for (const term of lexicalTerms(text.slice(0, MAX_TEXT_CHARS)))
        weights.set(term.stem, (weights.get(term.stem) ?? 0) + weight);
    if (weights.size === 0) return;
    for (const stem of weights.keys()) this.#frequency.set(stem, (this.#frequency.get(stem) ?? 0) + 1);
    const length = [...weights.values()].reduce((sum, weight) => sum + weight, 0);
    this.#documents.push({ kind, index, weights, length, targets });
  }

  /** Documents sharing words with the question, BM25-scored, the weak ones dropped. */
  #scored(question: string): { document: KnowledgeDocument; score: number }[] {
    const stems = new Set(lexicalTerms(question).map((term) => term.stem));
    const total = this.#documents.length;
    const scored: { document: KnowledgeDocument; score: number }[] = [];
    for (const document of this.#documents) {
      let score = 0;
      for (const stem of stems) {
        const weight = document.weights.get(stem);
        if (weight === undefined) continue;
        const frequency = this.#frequency.get(stem)!;
        const idf = Math.log(1 + (total - frequency + 0.5) / (frequency + 0.5));
        score += (idf * weight * (K1 + 1)) / (weight + K1 * (1 - B + (B * document.length) / this.#averageLength));
      }
      if (score > 0) scored.push({ document, score });
    }
    const best = Math.max(0, ...scored.map((entry) => entry.score));
    return scored.filter((entry) => entry.score >= best * MIN_SHARE).sort((a, b) => b.score - a.score);
  }

  /** Tables and columns the matching knowledge points at, each with its best document's score. */
  search(question: string): KnowledgeHit[] {
    const best = new Map<string, KnowledgeHit>();
    for (const { document, score } of this.#scored(question)) {
      for (const target of document.targets) {
        const key = `${target.table}:${target.column}`;
        if ((best.get(key)?.score ?? 0) < score) best.set(key, { ...target, score });
      }
    }
    return [...best.values()];
  }

  /** Notes, terms and examples matching a text, best first, by their index in the input's lists (offline search). */
  matching(text: string): { kind: 'note' | 'term' | 'example'; index: number }[] {
    return this.#scored(text).map(({ document }) => ({ kind: document.kind, index: document.index }));
  }

  /** The examples closest to the question, best first. */
  examples(question: string, limit: number): RankedExample[] {
    return this.#scored(question)
      .filter(({ document }) => document.kind === 'example')
      .slice(0, limit)
      .map(({ document, score }) => ({ ...this.#input.examples[document.index]!, score }));
  }

  /** The glossary terms the question's words match, best first. */
  terms(question: string, limit: number): RankedTerm[] {
    return this.#scored(question)
      .filter(({ document }) => document.kind === 'term')
      .slice(0, limit)
      .map(({ document, score }) => ({ ...this.#input.glossary[document.index]!, score }));
  }
}
