import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createHash, randomUUID } from 'node:crypto';
import path from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { threadId } from 'node:worker_threads';
import type { SchemaSnapshot } from '../../../shared/schema-types.ts';
import type { SnapshotRecord } from '../catalog/catalog-store.ts';
import { JoinGraph, type JoinEdge } from './join-graph.ts';
import { buildLexicalParts, type LexicalIndexParts } from './lexical-index.ts';

/**
 * Bumped whenever what is stored changes meaning (the BM25 postings, the word stems, the inferred joins): a file of
 * another format is ignored and rebuilt.
 */
export const PREPARED_FORMAT = 5;

/** What a question needs of a snapshot, ready to use: the tables, the BM25 index, the join graph's edges. */
export interface PreparedParts {
  readonly snapshot: SchemaSnapshot;
  readonly lexical: LexicalIndexParts;
  readonly edges: readonly JoinEdge[];
}

/** What a question needs of this snapshot, built from it (seconds at W10k: done once, by the indexer or a worker). */
export function prepareParts(snapshot: SchemaSnapshot): PreparedParts {
  return { snapshot, lexical: buildLexicalParts(snapshot.tables), edges: new JoinGraph(snapshot.tables).edges };
}

interface Stored extends PreparedParts {
  readonly format: number;
  readonly snapshotId: number;
  readonly takenAt: string;
}

/**
 * Prepared snapshots on disk (`<data folder>/prepared/`), one file per snapshot, written once (at index time, or by
 * the first question) and loaded by every later process instead of being rebuilt. Written to a temporary file and
 * renamed, so a reader never sees half a file, whichever process writes; a file that does not match its snapshot
 * (format, id, time) is ignored. Bounded: a source keeps the files of its stored snapshots only.
 */
export class PreparedStore {
  readonly #dir: string;

  constructor(home: string) {
    this.#dir = path.join(home, 'prepared');
  }

  /**
   * Whether this snapshot's file is there, without reading it (the name carries the snapshot's id, time and the
   * format). A damaged file still counts: {@link read} ignores it and the next question prepares again.
   */
  has(record: SnapshotRecord): boolean {
    return existsSync(this.#file(record));
  }

  read(record: SnapshotRecord): PreparedParts | undefined {
    let stored: Stored;
    try {
      stored = deserialize(readFileSync(this.#file(record))) as Stored;
    } catch {
      return undefined; // none yet, or unreadable: rebuilt
    }
    if (stored.format !== PREPARED_FORMAT || stored.snapshotId !== record.id || stored.takenAt !== record.takenAt)
      return undefined;
    return stored;
  }

  write(record: SnapshotRecord, parts: PreparedParts, keepSnapshotIds: readonly number[]): void {
    mkdirSync(this.#dir, { recursive: true });
    const file = this.#file(record);
    // Unique per writer: the indexer, the context worker and the main thread of one process may all write.
    const temporary = `${file}.${process.pid}.${threadId}.${randomUUID()}.tmp`;
    const stored: Stored = { format: PREPARED_FORMAT, snapshotId: record.id, takenAt: record.takenAt, ...parts };
    writeFileSync(temporary, serialize(stored));
    renameSync(temporary, file);
    this.#prune(record.sourceId, keepSnapshotIds);
  }

  #prune(sourceId: string, keep: readonly number[]): void {
    const prefix = `${sourceKey(sourceId)}-`;
    const kept = new Set(keep.map(String));
    for (const name of readdirSync(this.#dir)) {
      if (!name.startsWith(prefix) || name.endsWith('.tmp')) continue;
      const [stamp, format] = name.slice(prefix.length).split('.');
      const id = stamp!.split('-')[0]!;
      if (!kept.has(id) || format !== `v${PREPARED_FORMAT}`) rmSync(path.join(this.#dir, name), { force: true });
    }
  }

  #file(record: SnapshotRecord): string {
    const taken = createHash('sha256').update(record.takenAt).digest('hex').slice(0, 8);
    return path.join(this.#dir, `${sourceKey(record.sourceId)}-${record.id}-${taken}.v${PREPARED_FORMAT}.bin`);
  }
}

/** A file-name-safe key of a source id (ids are UUIDs, but the demo's and imported ones may not be). */
function sourceKey(sourceId: string): string {
  return createHash('sha256').update(sourceId).digest('hex').slice(0, 16);
}
