import { createHash } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../../../shared/errors.ts';
import {
  KNOWLEDGE_LIMITS,
  exampleQuestion,
  exampleSql,
  glossaryDefinition,
  glossaryTerm,
  noteText,
  objectTarget,
} from '../../../shared/knowledge-types.ts';
import { engine } from '../../../shared/schema-types.ts';

/**
 * The schema pack file: what a colleague needs to browse, search and ask about a source without connecting to it.
 *
 *   line 1: {"format":"schemascope-pack","version":1,"payloadBytes":N,"sha256":"<hex of the payload's bytes>"}
 *   line 2: the payload, N bytes of JSON
 *
 * The checksum covers the payload's exact bytes (no re-serialisation to agree on), and the byte count tells a
 * truncated file from a damaged one. Never credentials (the URL is stored without user and password); data rows only
 * as value profiles, and only when the exporter turned them on and chose to include them.
 */
export const PACK_FORMAT = 'schemascope-pack';
export const PACK_VERSION = 1;
/** The largest pack read: a 100,000-column schema with its knowledge is a few tens of MB. */
export const MAX_PACK_BYTES = 256 * 1024 * 1024;
const MAX_HEADER_BYTES = 1024;

const identifier = z.string().max(KNOWLEDGE_LIMITS.nameChars);
const shortText = z.string().max(1024);
const comment = z.string().max(65_536).nullable();

const packColumn = z.strictObject({
  name: identifier.min(1),
  ordinal: z.number().int().min(0),
  type: shortText,
  nullable: z.boolean(),
  defaultValue: z.string().max(8192).nullable(),
  comment,
});
const packTable = z.strictObject({
  schema: identifier,
  name: identifier.min(1),
  kind: z.enum(['table', 'view']),
  comment,
  rowEstimate: z.number().nullable(),
  columns: z.array(packColumn).max(20_000),
  primaryKey: z.array(identifier).max(1000),
  foreignKeys: z
    .array(
      z.strictObject({
        name: identifier,
        columns: z.array(identifier).max(1000),
        refSchema: identifier,
        refTable: identifier,
        refColumns: z.array(identifier).max(1000),
      }),
    )
    .max(5000),
  indexes: z
    .array(
      z.strictObject({
        name: identifier,
        columns: z.array(identifier).max(1000),
        unique: z.boolean(),
        primary: z.boolean(),
      }),
    )
    .max(5000),
});

/** Names that could be taken for a path or a file name anywhere: refused outright. */
const plainName = z
  .string()
  .min(1)
  .max(200)
  .refine(
    // eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
    (text) => !/[/\\\u0000-\u001f]/.test(text) && !text.includes('..') && !/^[A-Za-z]:/.test(text),
    'is path-like (slashes, "..", a drive letter or control characters)',
  );

/** A credential-free connection URL of one of the three engines. */
const packUrl = z
  .string()
  .max(4096)
  .refine(
    (url) => /^(sqlite:|mysql:\/\/|mariadb:\/\/|postgres(ql)?:\/\/)/.test(url),
    'is not a sqlite:, mysql:// or postgres:// URL',
  )
  .refine((url) => !/^[a-z]+:\/\/[^/]*@/i.test(url), 'holds credentials (a pack never carries a user or password)')
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
  .refine((url) => !/[\u0000-\u001f]/.test(url), 'holds control characters');

export const packPayload = z.strictObject({
  createdAt: z.string().max(64),
  app: z.string().max(64),
  source: z.strictObject({ name: plainName, engine, displayUrl: packUrl }),
  snapshot: z.strictObject({
    database: identifier,
    schemas: z.array(identifier).max(10_000),
    warnings: z.array(z.string().max(4096)).max(10_000),
    tables: z.array(packTable).max(200_000),
  }),
  notes: z.array(objectTarget.extend({ text: noteText })).max(KNOWLEDGE_LIMITS.notesPerSource),
  glossary: z
    .array(
      z.strictObject({
        term: glossaryTerm,
        definition: glossaryDefinition,
        links: z.array(objectTarget).max(KNOWLEDGE_LIMITS.linksPerTerm),
      }),
    )
    .max(KNOWLEDGE_LIMITS.termsPerSource),
  examples: z
    .array(z.strictObject({ question: exampleQuestion, sql: exampleSql }))
    .max(KNOWLEDGE_LIMITS.examplesPerSource),
  /** Example values of text columns: present only when the exporter had value profiles on and included them. */
  values: z
    .array(
      z.strictObject({
        schema: identifier,
        table: identifier.min(1),
        column: identifier.min(1),
        values: z.array(z.string().max(1024)).max(100),
        origin: z.enum(['statistics', 'sample']),
      }),
    )
    .max(200_000)
    .optional(),
  /**
   * The vectors of one provider's index of the source, when the exporter named it: so that a colleague searches by
   * meaning without sending every item to an embedding service again. Each vector is little-endian Float32, base64.
   */
  vectors: z
    .strictObject({
      provider: z.string().min(1).max(300),
      dimensions: z.number().int().min(1).max(8192),
      items: z
        .array(
          z.strictObject({
            itemId: z.string().min(1).max(8192),
            kind: z.enum(['table', 'column']),
            schema: identifier,
            table: identifier.min(1),
            column: identifier.min(1).nullable(),
            key: z.string().min(1).max(300),
          }),
        )
        .max(1_000_000),
      vectors: z
        .array(z.strictObject({ key: z.string().min(1).max(300), data: z.string().max(8192 * 6) }))
        .max(1_000_000),
    })
    .optional(),
});

export type PackPayload = z.output<typeof packPayload>;
export type PackVectors = NonNullable<PackPayload['vectors']>;

const header = z.strictObject({
  format: z.literal(PACK_FORMAT),
  version: z.number().int().min(1),
  payloadBytes: z.number().int().min(2).max(MAX_PACK_BYTES),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

/** Keys that would reach an object's prototype in code that is less careful than this: a pack holding one is refused. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export function writePack(payload: PackPayload): { bytes: Buffer; checksum: string } {
  const body = Buffer.from(JSON.stringify(payload), 'utf8');
  const checksum = createHash('sha256').update(body).digest('hex');
  const head = Buffer.from(
    `${JSON.stringify({ format: PACK_FORMAT, version: PACK_VERSION, payloadBytes: body.length, sha256: checksum })}\n`,
    'utf8',
  );
  return { bytes: Buffer.concat([head, body]), checksum };
}

function refuse(message: string): never {
  throw new AppError('invalid_input', `The pack is refused: ${message}`);
}

/**
 * Reads and checks a pack, in this order, each with its own clear refusal: size, header (format, a newer version),
 * length (truncated), checksum, JSON, prototype keys, then every field's shape and size. Nothing is written here:
 * the caller imports only what passed all of it.
 */
export function readPack(bytes: Buffer): { payload: PackPayload; checksum: string; version: number } {
  if (bytes.length > MAX_PACK_BYTES)
    refuse(`it is ${bytes.length} bytes, larger than the ${MAX_PACK_BYTES} a pack may be.`);
  const newline = bytes.subarray(0, MAX_HEADER_BYTES + 1).indexOf(0x0a);
  if (newline < 0)
    refuse(
      bytes.length < MAX_HEADER_BYTES
        ? 'it is truncated or not a schema pack (no header line).'
        : 'it is not a schema pack (no header line).',
    );
  let rawHeader: unknown;
  try {
    rawHeader = JSON.parse(bytes.subarray(0, newline).toString('utf8'));
  } catch {
    refuse('it is not a schema pack (its first line is not a pack header).');
  }
  const format = (rawHeader as { format?: unknown } | null)?.format;
  if (format !== PACK_FORMAT) refuse('it is not a schema pack (its header names no "schemascope-pack" format).');
  const version = (rawHeader as { version?: unknown }).version;
  if (typeof version === 'number' && version > PACK_VERSION)
    refuse(
      `it was written in pack format ${version} by a newer Schemascope; this one reads format ${PACK_VERSION} and older. Update Schemascope to import it.`,
    );
  const parsedHeader = header.safeParse(rawHeader);
  if (!parsedHeader.success)
    refuse(
      `its header is malformed (${parsedHeader.error.issues[0]?.path.join('.') || 'header'}: ${parsedHeader.error.issues[0]?.message}).`,
    );
  const body = bytes.subarray(newline + 1);
  if (body.length < parsedHeader.data.payloadBytes)
    refuse(
      `it is truncated: the header promises ${parsedHeader.data.payloadBytes} bytes of content, the file holds ${body.length}.`,
    );
  if (body.length > parsedHeader.data.payloadBytes)
    refuse(
      `it has ${body.length - parsedHeader.data.payloadBytes} bytes more than its header says: the file was changed or damaged.`,
    );
  const checksum = createHash('sha256').update(body).digest('hex');
  if (checksum !== parsedHeader.data.sha256)
    refuse('its checksum does not match its content: the file was changed or damaged since it was exported.');
  let raw: unknown;
  try {
    raw = JSON.parse(body.toString('utf8'), (key, value: unknown) => {
      if (PROTOTYPE_KEYS.has(key))
        refuse(`it holds the key ${JSON.stringify(key)}, which Schemascope never writes (a prototype key).`);
      return value;
    });
  } catch (error) {
    if (error instanceof AppError) throw error;
    refuse('its content is not valid JSON.');
  }
  const parsed = packPayload.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.join('.') || 'content';
    if (issue.code === 'too_big') refuse(`${where} is too large (${issue.message}).`);
    refuse(`${where} ${issue.code === 'custom' ? issue.message : `is invalid (${issue.message})`}.`);
  }
  return { payload: parsed.data, checksum, version: parsedHeader.data.version };
}
