import { randomUUID } from 'node:crypto';
import { AppError } from '../../../shared/errors.ts';
import type { QueryResult } from '../../../shared/ipc-contract.ts';
import type { SourceConnection } from '../sources/dialect.ts';
import { checkReadOnlySql } from './sql-guard.ts';
import type { MetricsRegistry } from '../platform/metrics-registry.ts';
import { serializeError } from '../../../shared/errors.ts';

export const DEFAULT_ROW_LIMIT = 10_000;
export const DEFAULT_TIMEOUT_MS = 30_000;

export interface DoorRequest {
  readonly sql: string;
  readonly limit?: number;
  readonly offset?: number;
  readonly timeoutMs?: number;
  readonly queryId?: string;
  readonly signal?: AbortSignal;
}

/**
 * The one door every SQL statement passes through: the read-only guard (sql-guard.ts), bounded rows, a server-side
 * timeout, a read-only session (enforced by each dialect, so the guard is not the only wall), cancellation by id. Nothing else in the engine calls `SourceConnection.execute`.
 */
export class SqlDoor {
  readonly #running = new Map<string, SourceConnection>();
  readonly #metrics: MetricsRegistry | undefined;

  constructor(metrics?: MetricsRegistry) {
    this.#metrics = metrics;
  }

  async execute(connection: SourceConnection, request: DoorRequest): Promise<QueryResult> {
    const sql = request.sql.trim();
    if (sql.length === 0) throw new AppError('invalid_input', 'The SQL is empty.');
    try {
      checkReadOnlySql(sql, connection.engine); // first wall; the read-only session is the second
    } catch (error) {
      this.#metrics?.inc('query.refused');
      throw error;
    }
    const queryId = request.queryId ?? randomUUID();
    if (this.#running.has(queryId)) throw new AppError('invalid_input', `A query with id ${queryId} is already running.`);
    const limit = request.limit ?? DEFAULT_ROW_LIMIT;
    this.#running.set(queryId, connection);
    try {
      const result = await connection.execute(sql, {
        limit,
        offset: request.offset,
        timeoutMs: request.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        queryId,
        signal: request.signal,
      });
      this.#metrics?.observe('query.ms', result.ms);
      this.#metrics?.inc('query.count');
      this.#metrics?.inc('query.rows', result.rows.length);
      return { queryId, columns: [...result.columns], rows: result.rows, rowCount: result.rows.length, truncated: result.truncated, ms: result.ms };
    } catch (error) {
      this.#metrics?.inc(`query.errors.${serializeError(error).kind}`);
      throw error;
    } finally {
      this.#running.delete(queryId);
    }
  }

  /** Stops a running query on its server; false when no such query runs. */
  async cancel(queryId: string): Promise<boolean> {
    const connection = this.#running.get(queryId);
    return connection ? connection.cancel(queryId) : false;
  }

  get runningCount(): number {
    return this.#running.size;
  }
}
