import type { CellValue } from '../../../../shared/ipc-contract.ts';
import type { SerializedError } from '../../../../shared/errors.ts';

/** Messages between the SQLite pool and a query process (sqlite-query-process.ts). Each request carries an id. */
export type SqliteQueryRequest = {
  readonly type: 'execute';
  readonly id: number;
  readonly file: string;
  readonly sql: string;
  readonly limit: number;
  readonly offset: number;
};

export type SqliteQueryResponse =
  | { readonly type: 'ready' }
  | {
      readonly type: 'result';
      readonly id: number;
      readonly columns: { name: string; type: string }[];
      readonly rows: CellValue[][];
      readonly truncated: boolean;
    }
  | { readonly type: 'error'; readonly id: number; readonly error: SerializedError };
