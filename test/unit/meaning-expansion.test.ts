import { describe, expect, it } from 'vitest';
import type { TableInfo } from '../../shared/schema-types.ts';
import { lexicalTerms } from '../../electron/engine/search/identifier-words.ts';
import { LexicalIndex } from '../../electron/engine/search/lexical-index.ts';
import {
  NEIGHBOURS,
  randomExpansion,
  unionExpansion,
  unmatchedOnly,
  vectorExpansion,
  VECTOR_WEIGHT,
  wordnetExpansion,
  WORDNET_WEIGHT,
} from '../../bench/meaning/expansion.ts';
import { wordVectors } from '../../bench/meaning/word-vectors.ts';
import { baseForms, parseWordnet } from '../../bench/meaning/wordnet.ts';

const column = (name: string) => ({
  name,
  ordinal: 1,
  type: 'text',
  nullable: true,
  defaultValue: null,
  comment: null,
});
const table = (name: string, columns: string[]): TableInfo => ({
  schema: 'main',
  name,
  kind: 'table',
  comment: null,
  rowEstimate: null,
  columns: columns.map(column),
  primaryKey: [],
  foreignKeys: [],
  indexes: [],
});

const tables = [
  table('clients', ['client_id', 'full_name']),
  table('films', ['film_id', 'title']),
  table('weather', ['city', 'rainfall']),
  table('constructor', ['__proto__']),
];
const index = new LexicalIndex(tables);

// Vectors: 150 filler words first (the "vague" frequent ones), then a few made-up but telling directions.
const filler = Array.from(
  { length: 150 },
  (_, at) =>
    [
      `filler${String.fromCharCode(97 + (at % 26))}${String.fromCharCode(97 + Math.floor(at / 26))}`,
      [0, 0, 0, 1],
    ] as const,
);
const vectors = wordVectors(
  [
    ...filler,
    ['customer', [1, 0.1, 0, 0]],
    ['client', [1, 0, 0, 0]],
    ['movie', [0, 1, 0.1, 0]],
    ['film', [0, 1, 0, 0]],
    ['town', [0, 0, 1, 0]],
    ['city', [0.1, 0, 1, 0]],
    ['rainfall', [-1, 0, 0, 0]],
    ['title', [0, 0.3, 0, 1]],
  ],
  4,
);

const WORDNET_INDEX = [
  '  1 This software and database is being provided to you, the LICENSEE, by Princeton University',
  'customer n 1 1 @ 1 0 00000001',
  'movie n 1 1 @ 1 0 00000002',
  'constructor n 1 1 @ 1 0 00000003',
].join('\n');
const WORDNET_DATA = [
  '  1 This software and database is being provided to you',
  '00000001 18 n 02 customer 0 client 0 000 | someone who pays for goods or services',
  '00000002 10 n 04 movie 0 film 0 picture 0 moving_picture 0 000 | a form of entertainment',
  '00000003 18 n 02 constructor 0 builder 0 000 | a person who builds',
].join('\n');
const thesaurus = parseWordnet([{ index: WORDNET_INDEX, data: WORDNET_DATA }]);

const stems = (expansion: ReturnType<typeof vectorExpansion>, question: string) =>
  expansion
    .expand(lexicalTerms(question), index)
    .map((entry) => entry.stem)
    .sort();
const top = (question: string, expansion?: ReturnType<typeof vectorExpansion>) => {
  const hits = index
    .search(question, expansion)
    .filter((hit) => hit.column < 0)
    .sort((a, b) => b.score - a.score);
  return hits.map((hit) => tables[hit.table]!.name);
};

describe('offline meaning: query expansion (bench/meaning)', () => {
  it('word vectors add the nearest schema words, weighted below a whole-word match', () => {
    const expansion = vectorExpansion(vectors);
    expect(stems(expansion, 'customers who saw a movie')).toEqual(['client', 'film']);
    const weights = expansion.expand(lexicalTerms('movie'), index);
    expect(weights.every((entry) => entry.weight > 0 && entry.weight <= VECTOR_WEIGHT)).toBe(true);
    // A word the question says itself is not added again; words with no near schema word add nothing.
    expect(stems(expansion, 'film and town')).toEqual(['citi']);
    expect(stems(expansion, 'zebra')).toEqual([]);
    // At most NEIGHBOURS words per question word.
    for (const word of ['customer', 'movie', 'town'])
      expect(expansion.expand(lexicalTerms(word), index).length).toBeLessThanOrEqual(NEIGHBOURS);
  });

  it('the frequent (vague) words are not expanded', () => {
    expect(vectorExpansion(vectors).expand(lexicalTerms(filler[0]![0]), index)).toEqual([]);
  });

  it('expansion finds tables the plain words miss, and leaves exact matches first', () => {
    expect(top('customers')).toEqual([]);
    expect(top('customers', vectorExpansion(vectors))).toEqual(['clients']);
    expect(top('films about a movie', vectorExpansion(vectors))[0]).toBe('films');
    // An exact word outranks the same table's expanded one: 'weather' says city exactly.
    const exact = index.search('city').find((hit) => hit.column >= 0)!.score;
    const expanded = index.search('town', vectorExpansion(vectors)).find((hit) => hit.column >= 0)!.score;
    expect(expanded).toBeGreaterThan(0);
    expect(expanded).toBeLessThan(exact);
  });

  it('WordNet reads the database format and adds the synonyms of the first senses', () => {
    expect(thesaurus.get('customer')).toEqual(['client']);
    expect(thesaurus.get('movie')).toEqual(['film', 'picture']); // multi-word lemmas skipped
    expect(thesaurus.has('__proto__')).toBe(false);
    const expansion = wordnetExpansion(thesaurus);
    expect(stems(expansion, 'Customers')).toEqual(['client']);
    expect(expansion.expand(lexicalTerms('movies'), index).every((entry) => entry.weight === WORDNET_WEIGHT)).toBe(
      true,
    );
    expect(top('movies', expansion)).toEqual(['films']);
    // Hostile words are plain words: no prototype lookups.
    expect(() => expansion.expand(lexicalTerms('constructor __proto__ toString valueOf'), index)).not.toThrow();
    expect(stems(expansion, 'constructor')).toEqual(['builder']);
  });

  it('base forms undo simple inflections', () => {
    expect(baseForms('cities')).toContain('city');
    expect(baseForms('customers')).toContain('customer');
    expect(baseForms('boxes')).toContain('box');
    expect(baseForms('class')).toEqual(['class']);
  });

  it('union keeps the strongest weight per stem; the control draws as many schema words with the same weights', () => {
    const union = unionExpansion(vectorExpansion(vectors), wordnetExpansion(thesaurus));
    const terms = lexicalTerms('customers watching a movie');
    const expanded = union.expand(terms, index);
    expect(new Set(expanded.map((entry) => entry.stem)).size).toBe(expanded.length);
    const control = randomExpansion(union);
    const drawn = control.expand(terms, index);
    // As many as the union's words that the schema has (WordNet's `picture` is not in it), with their weights.
    expect(drawn.map((entry) => entry.weight)).toEqual(
      expanded.filter((entry) => index.idOf(entry.stem) !== undefined).map((entry) => entry.weight),
    );
    expect(drawn.length).toBeLessThan(expanded.length);
    expect(drawn.every((entry) => index.idOf(entry.stem) !== undefined)).toBe(true);
    expect(control.expand(terms, index)).toEqual(drawn); // seeded: runs repeat
  });

  it('unmatched-only expands just the question words the schema does not have', () => {
    const expansion = unmatchedOnly(vectorExpansion(vectors));
    expect(stems(expansion, 'customers')).toEqual(['client']);
    expect(stems(expansion, 'city')).toEqual([]); // `city` is in the schema: its neighbour `town` is not looked for
    expect(stems(vectorExpansion(vectors), 'town city')).toEqual([]);
  });

  it('search without an expansion is unchanged', () => {
    const none = { expand: () => [] };
    expect(index.search('city rainfall', none)).toEqual(index.search('city rainfall'));
  });
});
