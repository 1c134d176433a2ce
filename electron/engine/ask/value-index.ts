import type { TableInfo } from '../../../shared/schema-types.ts';
import { tableId } from '../../../shared/schema-types.ts';
import type { ValueProfile } from '../catalog/value-profile-store.ts';

/** A column whose example values the question names ("Alameda", "Machine Learning", "sell"). */
export interface ValueHit {
  readonly table: number;
  readonly column: number;
  readonly score: number;
  /** The value as the column holds it. */
  readonly value: string;
}

/** Longest value phrase looked for, in words. */
const MAX_PHRASE_WORDS = 6;
/** Words too common to identify a column by themselves (a single-word value equal to one of them is ignored). */
const COMMON = new Set(
  'a an and are as at be by for from has have in is it no not of on or the to was were with yes all any each none other true false null n y t f'.split(
    ' ',
  ),
);

/** The question's words as written, each marked when it looks like a value: quoted, capitalised mid-sentence, or with digits. */
function writtenWords(text: string): { text: string; marked: boolean }[] {
  const words: { text: string; marked: boolean }[] = [];
  const quoted = new Set<number>();
  for (const match of text.matchAll(/(['"`])([^'"`]{1,80})\1/gu))
    for (let at = match.index! + 1; at < match.index! + 1 + match[2]!.length; at += 1) quoted.add(at);
  let sentenceStart = true;
  for (const match of text.matchAll(/[\p{L}\p{N}]+|[.!?]/gu)) {
    const word = match[0]!;
    if (/^[.!?]$/.test(word)) {
      sentenceStart = true;
      continue;
    }
    const capitalised = /\p{Lu}/u.test(word) && (!sentenceStart || /\p{Lu}.*\p{Lu}/u.test(word));
    words.push({ text: word, marked: quoted.has(match.index!) || capitalised || /\d/.test(word) });
    sentenceStart = false;
  }
  return words;
}

function tokens(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/**
 * The source's value profiles as a phrase lookup: each value (normalised to its lower-case words) -> the columns
 * holding it. A question is read as all its phrases of one to six words; a phrase that is some column's value points
 * at that column. Longer phrases, and values few columns share, count more.
 */
export class ValueIndex {
  readonly #columns = new Map<string, { table: number; column: number; value: string }[]>();
  readonly #profiles = new Map<string, readonly string[]>();

  constructor(tables: readonly TableInfo[], profiles: readonly ValueProfile[]) {
    const tableAt = new Map(tables.map((table, index) => [tableId(table.schema, table.name), index]));
    for (const profile of profiles) {
      const table = tableAt.get(tableId(profile.schema, profile.table));
      if (table === undefined) continue; // a table gone since the profiles were collected
      const column = tables[table]!.columns.findIndex((candidate) => candidate.name === profile.column);
      if (column < 0) continue;
      this.#profiles.set(`${table}:${column}`, profile.values);
      for (const value of profile.values) {
        const words = tokens(value);
        if (words.length === 0 || words.length > MAX_PHRASE_WORDS) continue;
        if (words.length === 1 && (COMMON.has(words[0]!) || words[0]!.length < 2 || /^\d{1,2}$/.test(words[0]!)))
          continue;
        const phrase = words.join(' ');
        const list = this.#columns.get(phrase);
        if (list) list.push({ table, column, value });
        else this.#columns.set(phrase, [{ table, column, value }]);
      }
    }
  }

  get size(): number {
    return this.#profiles.size;
  }

  /** The example values of a column (by table and column position), if it has a profile. */
  valuesOf(table: number, column: number): readonly string[] | undefined {
    return this.#profiles.get(`${table}:${column}`);
  }

  search(question: string): ValueHit[] {
    const written = writtenWords(question);
    const words = written.map((word) => word.text.toLowerCase());
    const best = new Map<string, ValueHit>();
    for (let from = 0; from < words.length; from += 1) {
      for (let length = 1; length <= MAX_PHRASE_WORDS && from + length <= words.length; length += 1) {
        // One ordinary word ("first", "return", "active") names a value too often by chance: a single word counts
        // when it is written as a name or a code (Alameda, USA, A12) or quoted ('sell').
        if (length === 1 && !written[from]!.marked) continue;
        const holders = this.#columns.get(words.slice(from, from + length).join(' '));
        if (!holders) continue;
        const score = (length > 1 ? 1.5 : 1) * Math.log(1 + 8 / holders.length);
        for (const holder of holders) {
          const key = `${holder.table}:${holder.column}`;
          if ((best.get(key)?.score ?? 0) < score) best.set(key, { ...holder, score });
        }
      }
    }
    return [...best.values()];
  }
}
