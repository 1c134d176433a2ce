/**
 * PostgreSQL column types (as `format_type` writes them) in MariaDB and SQLite, as a person porting the schema would
 * write them. `key` is true for columns in a primary or foreign key: MariaDB cannot index TEXT without a length.
 */
export function mysqlType(postgresType: string, key: boolean): string {
  const type = postgresType.toLowerCase();
  const sized = /^(character varying|character|numeric)\((\d+(?:,\s*\d+)?)\)$/.exec(type);
  if (sized)
    return `${sized[1] === 'character varying' ? 'VARCHAR' : sized[1] === 'character' ? 'CHAR' : 'DECIMAL'}(${sized[2]})`;
  switch (type) {
    case 'bigint':
      return 'BIGINT';
    case 'integer':
      return 'INT';
    case 'smallint':
      return 'SMALLINT';
    case 'numeric':
      return 'DOUBLE';
    case 'double precision':
      return 'DOUBLE';
    case 'real':
      return 'FLOAT';
    case 'boolean':
      return 'BOOLEAN';
    case 'date':
      return 'DATE';
    case 'timestamp without time zone':
    case 'timestamp with time zone':
      return 'DATETIME(6)';
    case 'time without time zone':
      return 'TIME';
    default:
      return key ? 'VARCHAR(255)' : 'TEXT';
  }
}

export function sqliteType(postgresType: string): string {
  const type = postgresType.toLowerCase();
  const sized = /^(character varying|character|numeric)\((\d+(?:,\s*\d+)?)\)$/.exec(type);
  if (sized)
    return `${sized[1] === 'character varying' ? 'VARCHAR' : sized[1] === 'character' ? 'CHAR' : 'NUMERIC'}(${sized[2]})`;
  switch (type) {
    case 'bigint':
    case 'integer':
    case 'smallint':
      return 'INTEGER';
    case 'numeric':
      return 'NUMERIC';
    case 'double precision':
    case 'real':
      return 'REAL';
    case 'boolean':
      return 'BOOLEAN';
    case 'date':
      return 'DATE';
    case 'timestamp without time zone':
    case 'timestamp with time zone':
      return 'DATETIME';
    case 'time without time zone':
      return 'TIME';
    default:
      return 'TEXT';
  }
}

/** A row value read from PostgreSQL as text, for a column of this PostgreSQL type (booleans as 1/0). */
export function portableValue(postgresType: string, value: string | null): string | number | null {
  if (value === null) return null;
  if (postgresType === 'boolean') return value === 'true' || value === 't' ? 1 : 0;
  return value;
}
