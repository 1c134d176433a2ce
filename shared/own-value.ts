/**
 * Reads a constant lookup table by a key that came from outside (a driver's error code, a file extension, a command
 * name, an identifier). `table[key]` would find `Object.prototype`'s members for keys such as `constructor` or
 * `toString`; this finds only the table's own entries.
 */
export function ownValue<V>(table: Readonly<Record<string, V>>, key: string): V | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}
