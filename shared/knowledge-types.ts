/**
 * Team knowledge on the wire: notes on tables and columns, glossary terms linked to them, and examples (a question
 * with the SQL that answered it well). The zod schemas are the one source of truth; the engine's types are inferred.
 */
import { z } from 'zod';

/** Limits: every store is bounded, and a pack can hold no more than the catalog would accept. */
export const KNOWLEDGE_LIMITS = {
  noteChars: 4000,
  notesPerSource: 20_000,
  termChars: 200,
  definitionChars: 4000,
  linksPerTerm: 50,
  termsPerSource: 5000,
  questionChars: 4000,
  sqlChars: 50_000,
  examplesPerSource: 5000,
  nameChars: 1024,
} as const;

const name = z.string().min(1).max(KNOWLEDGE_LIMITS.nameChars);

export const objectTarget = z.strictObject({
  schema: z.string().max(KNOWLEDGE_LIMITS.nameChars),
  table: name,
  column: name.nullable(),
});

export const noteText = z
  .string()
  .trim()
  .min(1, 'The note is empty.')
  .max(KNOWLEDGE_LIMITS.noteChars, `A note holds at most ${KNOWLEDGE_LIMITS.noteChars} characters.`);
export const glossaryTerm = z
  .string()
  .trim()
  .min(1, 'The term is empty.')
  .max(KNOWLEDGE_LIMITS.termChars, `A term holds at most ${KNOWLEDGE_LIMITS.termChars} characters.`);
export const glossaryDefinition = z
  .string()
  .trim()
  .min(1, 'The definition is empty.')
  .max(KNOWLEDGE_LIMITS.definitionChars, `A definition holds at most ${KNOWLEDGE_LIMITS.definitionChars} characters.`);
export const exampleQuestion = z
  .string()
  .trim()
  .min(1, 'The question is empty.')
  .max(KNOWLEDGE_LIMITS.questionChars, `A question holds at most ${KNOWLEDGE_LIMITS.questionChars} characters.`);
export const exampleSql = z
  .string()
  .trim()
  .min(1, 'The SQL is empty.')
  .max(KNOWLEDGE_LIMITS.sqlChars, `An example's SQL holds at most ${KNOWLEDGE_LIMITS.sqlChars} characters.`);
export const glossaryLinks = z
  .array(objectTarget)
  .max(KNOWLEDGE_LIMITS.linksPerTerm, `A term links at most ${KNOWLEDGE_LIMITS.linksPerTerm} tables and columns.`);

/** `attached`: the object exists in the latest snapshot (false: it is gone, the note waits for it by name). */
export const noteView = z.object({
  schema: z.string(),
  table: z.string(),
  column: z.string().nullable(),
  /** `table.column` (`schema.table.column` with several schemas), quoted where a name needs it. */
  object: z.string(),
  text: z.string(),
  attached: z.boolean(),
  updatedAt: z.string(),
});

export const glossaryView = z.object({
  term: z.string(),
  definition: z.string(),
  links: z.array(
    z.object({
      schema: z.string(),
      table: z.string(),
      column: z.string().nullable(),
      object: z.string(),
      attached: z.boolean(),
    }),
  ),
  updatedAt: z.string(),
});

export const exampleView = z.object({
  id: z.number(),
  question: z.string(),
  sql: z.string(),
  /** Tables of the latest snapshot the SQL names: what the example lifts for a related question. */
  tables: z.array(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export type NoteView = z.output<typeof noteView>;
export type GlossaryView = z.output<typeof glossaryView>;
export type ExampleView = z.output<typeof exampleView>;
