import type { CellValue } from '../../../shared/ipc-contract.ts';

const HEX_PREVIEW_BYTES = 64;

/**
 * Converts a driver value into a JSON-safe cell without losing meaning: NULL stays null (never ''), big integers
 * and decimals stay exact as strings, dates stay as the server wrote them, binary becomes size + hex preview.
 */
export function toCell(value: unknown): CellValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'bigint') {
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)
      ? Number(value)
      : value.toString();
  }
  if (value instanceof Uint8Array) {
    const bytes = value.byteLength;
    const hex = Buffer.from(value.buffer, value.byteOffset, Math.min(bytes, HEX_PREVIEW_BYTES)).toString('hex');
    return { type: 'binary', bytes, hex: bytes > HEX_PREVIEW_BYTES ? `${hex}…` : hex };
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? String(value) : value.toISOString();
  if (typeof value === 'object') {
    try {
      return JSON.stringify(value);
    } catch {
      return String(value);
    }
  }
  return String(value);
}
