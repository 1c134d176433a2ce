import type { TableInfo } from '../../shared/schema-types.ts';
import { splitIdentifier } from '../../electron/engine/search/identifier-words.ts';
import { countTokens } from '../../electron/engine/platform/token-counter.ts';

const K1 = 1.2;
const B = 0.75;
/** Tokens set aside for the instruction line a real prompt would have. */
const INSTRUCTION_ALLOWANCE = 60;

export interface BaselineContext {
  readonly tables: string[];
  readonly columns: string[];
  readonly text: string;
  readonly tokens: number;
}

/**
 * The simplest baseline, for the public benchmark only (never used by the product): BM25 over each table's name and
 * column names split into words; tables packed whole in rank order, one line each, `schema.table(col1, col2, ...)`,
 * until the next line would not fit. Tokens: tiktoken o200k_base of the whole text plus the instruction allowance.
 */
export function bm25WholeTables(tables: readonly TableInfo[]): (question: string, budget: number) => BaselineContext {
  const several = new Set(tables.map((table) => table.schema)).size > 1;
  const names = tables.map((table) => (several ? `${table.schema}.${table.name}` : table.name));
  const documents = tables.map((table) => {
    const frequencies = new Map<string, number>();
    for (const word of [table.name, ...table.columns.map((column) => column.name)].flatMap(splitIdentifier))
      frequencies.set(word, (frequencies.get(word) ?? 0) + 1);
    return { frequencies, length: [...frequencies.values()].reduce((sum, count) => sum + count, 0) };
  });
  const averageLength = documents.reduce((sum, document) => sum + document.length, 0) / Math.max(1, documents.length);
  const documentFrequency = new Map<string, number>();
  for (const { frequencies } of documents)
    for (const word of frequencies.keys()) documentFrequency.set(word, (documentFrequency.get(word) ?? 0) + 1);
  const lines = tables.map(
    (table, index) => `${names[index]}(${table.columns.map((column) => column.name).join(', ')})\n`,
  );
  const lineTokens = lines.map((line) => countTokens(line, 'o200k_base'));

  return (question, budget) => {
    const words = [...new Set(splitIdentifier(question))];
    const scores = documents.map(({ frequencies, length }) =>
      words.reduce((score, word) => {
        const frequency = frequencies.get(word) ?? 0;
        if (frequency === 0) return score;
        const containing = documentFrequency.get(word)!;
        const idf = Math.log(1 + (documents.length - containing + 0.5) / (containing + 0.5));
        return score + (idf * frequency * (K1 + 1)) / (frequency + K1 * (1 - B + (B * length) / averageLength));
      }, 0),
    );
    const order = tables.map((_table, index) => index).sort((a, b) => scores[b]! - scores[a]! || a - b);
    const tail = `Question: ${question}`;
    const packed: number[] = [];
    let used = INSTRUCTION_ALLOWANCE + countTokens(tail, 'o200k_base');
    for (const index of order) {
      if (used + lineTokens[index]! > budget) break;
      packed.push(index);
      used += lineTokens[index]!;
    }
    const render = () => packed.map((index) => lines[index]).join('') + tail;
    // Lines end in "\n" and start with a letter, so their counts add up; checked on the whole text all the same.
    let tokens = countTokens(render(), 'o200k_base') + INSTRUCTION_ALLOWANCE;
    while (packed.length > 0 && tokens > budget) {
      packed.pop();
      tokens = countTokens(render(), 'o200k_base') + INSTRUCTION_ALLOWANCE;
    }
    return {
      tables: packed.map((index) => names[index]!),
      columns: packed.flatMap((index) => tables[index]!.columns.map((column) => `${names[index]}.${column.name}`)),
      text: render(),
      tokens,
    };
  };
}
