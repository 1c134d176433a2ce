import { readFileSync } from 'node:fs';
import { stripDefogSchema } from './defog-sql.ts';

export type QuestionSet = 'gen' | 'basic' | 'advanced' | 'idk';
export const QUESTION_SETS: readonly QuestionSet[] = ['gen', 'basic', 'advanced', 'idk'];

const SET_OF_SOURCE = new Map<string, QuestionSet>([
  ['questions_gen_postgres', 'gen'],
  ['instruct_basic_postgres', 'basic'],
  ['instruct_advanced_postgres', 'advanced'],
  ['idk', 'idk'],
]);

/** One way to answer: the tables and columns its SQL reads, as `table` and `table.column` of its defog database. */
export interface GoldAlternative {
  readonly tables: readonly string[];
  readonly columns: readonly string[];
}

export interface PublicQuestion {
  readonly id: string;
  readonly set: QuestionSet;
  /** The defog database the question is about (also its schema in PostgreSQL and its table prefix elsewhere). */
  readonly db: string;
  readonly question: string;
  readonly instructions: string;
  /** What the product is asked: see {@link askedText}. */
  readonly text: string;
  /** Empty for `idk` questions: no table of the database answers them. */
  readonly alternatives: readonly GoldAlternative[];
}

interface GoldRow {
  id: string;
  db: string;
  question: string;
  instructions: string | null;
  alternatives: { tables: string[]; columns: string[]; error: string | null }[];
}

/**
 * The text the product gets. An analyst types the question and, when there is one, the note that goes with it
 * ("Always filter names using an exact match", or the advanced set's definitions of terms), so the instructions are
 * appended on a new line. Not for `idk`: there the "instruction" is the evaluation harness's refusal template
 * ("Return the query 'SELECT ...' if the current data doesn't permit an answer"), which no analyst types.
 */
export function askedText(set: QuestionSet, question: string, instructions: string): string {
  const note = instructions.trim();
  return set === 'idk' || !note ? question.trim() : `${question.trim()}\n${note}`;
}

/** Questions and gold from `gold_schema_refs_postgres.jsonl`; ewallet's names lose their `consumer_div.` schema. */
export function readQuestions(file: string): PublicQuestion[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => {
      const row = JSON.parse(line) as GoldRow;
      const set = SET_OF_SOURCE.get(row.id.split('#')[0]!);
      if (!set) throw new Error(`Unknown question set in ${row.id}`);
      const instructions = row.instructions ?? '';
      const alternatives = row.alternatives
        .filter((alternative) => !alternative.error && (set === 'idk' || alternative.tables.length > 0))
        .map((alternative) => ({
          tables: alternative.tables.map(stripDefogSchema),
          columns: alternative.columns.map(stripDefogSchema),
        }))
        .filter((alternative) => set !== 'idk' || alternative.tables.length > 0);
      return {
        id: row.id,
        set,
        db: row.db,
        question: row.question,
        instructions,
        text: askedText(set, row.question, instructions),
        alternatives,
      };
    });
}
