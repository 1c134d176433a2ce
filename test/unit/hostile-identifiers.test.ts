import { describe, expect, it } from 'vitest';
import { expandIdentifier, splitIdentifier } from '../../electron/engine/search/identifier-words.ts';
import { LocalEmbeddingProvider } from '../../electron/engine/search/local-provider.ts';
import { lexicalWords } from '../../electron/engine/search/identifier-words.ts';
import { LexicalIndex } from '../../electron/engine/search/lexical-index.ts';
import { ownValue } from '../../shared/own-value.ts';
import { completionNamespace } from '../../renderer/src/components/completion-namespace.ts';
import { parseConnectionUrl } from '../../electron/engine/sources/connection-url.ts';
import { toSourceError } from '../../electron/engine/sources/driver-errors.ts';
import type { TableInfo } from '../../shared/schema-types.ts';

/** Every own property name of Object.prototype, plus the ones that matter most: the words a plain-object lookup finds. */
export const PROTOTYPE_WORDS = [...new Set([...Object.getOwnPropertyNames(Object.prototype), 'constructor', '__proto__', 'prototype'])];

describe('words that are Object.prototype property names', () => {
  it('are plain words to the identifier splitter, the lexical words and the offline embedding', () => {
    const provider = new LocalEmbeddingProvider();
    for (const word of PROTOTYPE_WORDS) {
      for (const identifier of [word, `${word}Id`, `${word}_id`, `x_${word}`]) {
        expect(typeof expandIdentifier(identifier)).toBe('string');
        for (const part of lexicalWords(identifier)) expect(typeof part).toBe('string');
        const vector = provider.embedOne(identifier);
        expect(vector.every(Number.isFinite)).toBe(true);
      }
      expect(splitIdentifier(`${word}Id`).at(-1)).toBe('id');
    }
  });

  it('are found by the BM25 index like any other word', () => {
    const tables: TableInfo[] = PROTOTYPE_WORDS.map((word, index) => ({
      schema: 'main',
      name: `${word}_${index}`,
      kind: 'table',
      comment: `about ${word}`,
      rowEstimate: null,
      columns: [{ name: `${word}Id`, ordinal: 1, type: 'int', nullable: false, defaultValue: null, comment: null }],
      primaryKey: [`${word}Id`],
      foreignKeys: [],
      indexes: [],
    }));
    const index = new LexicalIndex(tables);
    const hits = index.search('constructor standings');
    expect(hits.some((hit) => tables[hit.table]!.name.startsWith('constructor'))).toBe(true);
  });

  it('find nothing in constant lookup tables', () => {
    for (const word of PROTOTYPE_WORDS) expect(ownValue({ a: 1 }, word)).toBeUndefined();
    for (const code of PROTOTYPE_WORDS) expect(toSourceError('mysql', Object.assign(new Error('boom'), { code }), 'here').kind).toBe('invalid_input');
  });

  it('stay ordinary keys in URL options and in the editor completion namespace', () => {
    const spec = parseConnectionUrl('postgres://u@h/db?__proto__=x&constructor=y&sslmode=require');
    expect(Object.getPrototypeOf(spec.options)).toBe(Object.prototype);
    expect(spec.options.sslmode).toBe('require');
    expect(Object.hasOwn(spec.options, '__proto__')).toBe(true);

    const namespace = completionNamespace([
      { schema: 'constructor', name: '__proto__', columns: ['toString'] },
      { schema: '__proto__', name: 'a.b', columns: ['c'] },
    ]) as Record<string, Record<string, string[]>>;
    expect(Object.keys(namespace).sort()).toEqual(['__proto__', 'constructor']);
    expect(namespace['constructor']!['__proto__']).toEqual(['toString']);
    expect(namespace['__proto__']!['a\\.b']).toEqual(['c']);
  });
});
