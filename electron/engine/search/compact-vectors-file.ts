import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { ItemsStamp } from './item-list.ts';

/**
 * A vector index's compact copy on disk, written by the indexer when a run ends, so that the first search of any
 * process loads it in one read instead of projecting every stored vector again (the slow part of a cold search:
 * ~20 s at W1000 with 1,536-dimension vectors). Valid only for the exact item list it was built from: the header
 * carries a fingerprint of the items, and a file that does not match (or is damaged) is ignored, never trusted.
 *
 * Layout: "SSCV" | u32 header length | header JSON | padding to 4 | int8 compact (count x width) | padding | f32 scales.
 */
const MAGIC = 'SSCV';
export const COMPACT_FORMAT = 1;

interface Header {
  readonly format: number;
  readonly dimensions: number;
  readonly width: number;
  readonly count: number;
  readonly fingerprint: string;
}

export interface CompactCopy {
  readonly dimensions: number;
  readonly compact: Int8Array;
  readonly scales: Float32Array;
}

/** `<folder of embeddings.db>/compact-vectors/<hash of source and provider>.bin` */
export function compactVectorsFile(embeddingsFile: string, sourceId: string, providerId: string): string {
  const name = createHash('sha256').update(sourceId).update('\u0000').update(providerId).digest('hex').slice(0, 40);
  return path.join(path.dirname(embeddingsFile), 'compact-vectors', `${name}.bin`);
}

const align4 = (offset: number): number => (offset + 3) & ~3;

export function writeCompactCopy(file: string, items: ItemsStamp, copy: CompactCopy): void {
  const width = items.count > 0 ? copy.compact.length / items.count : 0;
  const header = Buffer.from(
    JSON.stringify({
      format: COMPACT_FORMAT,
      dimensions: copy.dimensions,
      width,
      count: items.count,
      fingerprint: items.fingerprint,
    } satisfies Header),
  );
  const compactAt = align4(8 + header.length);
  const scalesAt = align4(compactAt + copy.compact.byteLength);
  const prefix = Buffer.alloc(compactAt);
  prefix.write(MAGIC, 0, 'latin1');
  prefix.writeUInt32LE(header.length, 4);
  header.copy(prefix, 8);
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  const fd = openSync(temporary, 'w');
  try {
    writeSync(fd, prefix);
    writeSync(fd, new Uint8Array(copy.compact.buffer, copy.compact.byteOffset, copy.compact.byteLength));
    writeSync(fd, Buffer.alloc(scalesAt - compactAt - copy.compact.byteLength));
    writeSync(fd, new Uint8Array(copy.scales.buffer, copy.scales.byteOffset, copy.scales.byteLength));
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, file); // readers see the old file or the new one, never half of one
}

/** The compact copy for exactly these items, or undefined when there is none, it is for other items, or damaged. */
export function readCompactCopy(file: string, items: ItemsStamp): CompactCopy | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return undefined;
  }
  try {
    if (bytes.length < 8 || bytes.toString('latin1', 0, 4) !== MAGIC) return undefined;
    const headerLength = bytes.readUInt32LE(4);
    const header = JSON.parse(bytes.toString('utf8', 8, 8 + headerLength)) as Header;
    if (header.format !== COMPACT_FORMAT || header.count !== items.count || header.fingerprint !== items.fingerprint)
      return undefined;
    const compactAt = align4(8 + headerLength);
    const compactBytes = header.count * header.width;
    const scalesAt = align4(compactAt + compactBytes);
    if (bytes.length !== scalesAt + header.count * 4) return undefined;
    // Copies into fresh buffers: the typed arrays may be transferred to another thread, and must own their memory.
    const compact = new Int8Array(compactBytes);
    compact.set(new Int8Array(bytes.buffer, bytes.byteOffset + compactAt, compactBytes));
    const scales = new Float32Array(header.count);
    new Uint8Array(scales.buffer).set(bytes.subarray(scalesAt, scalesAt + header.count * 4));
    return { dimensions: header.dimensions, compact, scales };
  } catch {
    return undefined;
  }
}

export function removeCompactCopy(file: string): void {
  rmSync(file, { force: true });
}
