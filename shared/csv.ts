import type { CellValue } from './ipc-contract.ts';

/**
 * RFC 4180 CSV with one rule of our own: NULL is an empty field and an empty string is `""`, so the two stay
 * distinct. Binary cells are written as 0x-hex. Used by the grid (loaded rows) and the server export (whole result).
 */
export function csvField(value: CellValue | string): string {
  if (value === null) return '';
  const text = typeof value === 'object' ? `0x${value.hex}` : String(value);
  return /[",\n\r]/.test(text) || text === '' ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine(values: readonly (CellValue | string)[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

export function toCsv(columns: readonly { name: string }[], rows: readonly CellValue[][]): string {
  return csvLine(columns.map((column) => column.name)) + rows.map(csvLine).join('');
}
