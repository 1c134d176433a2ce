import type { CellValue } from '../../../shared/ipc-contract.ts';

/** How a cell reads in the grid: NULL is not '', binary shows its size and hex. */
export function formatCell(value: CellValue): string {
  if (value === null) return 'NULL';
  if (typeof value === 'object') return `0x${value.hex} (${value.bytes} B)`;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return String(value);
}

export function compareCells(a: CellValue, b: CellValue): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const numberA = Number(a);
  const numberB = Number(b);
  if (
    typeof a === 'string' &&
    typeof b === 'string' &&
    a.trim() !== '' &&
    b.trim() !== '' &&
    Number.isFinite(numberA) &&
    Number.isFinite(numberB)
  )
    return numberA - numberB;
  return formatCell(a).localeCompare(formatCell(b));
}

/** RFC 4180 CSV of the given rows; NULL becomes an empty field, '' stays a quoted empty string. */

export { toCsv } from '../../../shared/csv.ts';
