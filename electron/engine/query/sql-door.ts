import { randomUUID } from 'node:crypto';
import { AppError } from '../../../shared/errors.ts';
import type { QueryResult } from '../../../shared/ipc-contract.ts';
import type { SourceConnection } from '../sources/dialect.ts';
import { checkReadOnlySql } from './sql-guard.ts';
import { maskSql } from './sql-mask.ts';
import { planReaderOf } from '../sources/plan-readers.ts';
import type { PlanNodeView } from '../../../shared/ipc-contract.ts';
import type { MetricsRegistry } from '../platform/metrics-registry.ts';
import { serializeError } from '../../../shared/errors.ts';

export const DEFAULT_ROW_LIMIT = 10_000;
export const DEFAULT_TIMEOUT_MS = 30_000;
/** Plan rows read at most (SQLite answers one row per loop; the others one JSON document). */
const EXPLAIN_ROW_LIMIT = 5_000;
const EXPLAINABLE = new Set(['select', 'with', 'values', 'table']);

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
    if (this.#running.has(queryId))
      throw new AppError('invalid_input', `A query with id ${queryId} is already running.`);
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
      return {
        queryId,
        columns: [...result.columns],
        rows: result.rows,
        rowCount: result.rows.length,
        truncated: result.truncated,
        ms: result.ms,
      };
    } catch (error) {
      this.#metrics?.inc(`query.errors.${serializeError(error).kind}`);
      throw error;
    } finally {
      this.#running.delete(queryId);
    }
  }

  /**
   * The plan of one query, never the query itself: the guard first (one read-only statement), then only a query
   * (SELECT, WITH, VALUES, TABLE) is accepted, and the dialect's EXPLAIN without ANALYZE is written around it here, so
   * no text from outside chooses how it is explained. It runs in the same read-only session, with the same timeout.
   */
  async explain(
    connection: SourceConnection,
    request: Omit<DoorRequest, 'limit' | 'offset'>,
  ): Promise<{ plan: PlanNodeView[]; statement: string; ms: number }> {
    const sql = request.sql.trim().replace(/;\s*$/, '').trim();
    if (sql.length === 0) throw new AppError('invalid_input', 'The SQL is empty.');
    try {
      checkReadOnlySql(sql, connection.engine);
      const first = (maskSql(sql, connection.engine)
        .toLowerCase()
        .match(/[a-z_]+/) ?? [''])[0];
      if (!EXPLAINABLE.has(first))
        throw new AppError(
          'invalid_input',
          `Only a query (SELECT or WITH) can be explained; this statement starts with ${first.toUpperCase() || 'nothing'}.`,
        );
    } catch (error) {
      this.#metrics?.inc('query.refused');
      throw error;
    }
    const reader = planReaderOf(connection.engine);
    const statement = reader.explainStatement(sql);
    const queryId = request.queryId ?? randomUUID();
    if (this.#running.has(queryId))
      throw new AppError('invalid_input', `A query with id ${queryId} is already running.`);
    this.#running.set(queryId, connection);
    try {
      const result = await connection.execute(statement, {
        limit: EXPLAIN_ROW_LIMIT,
        timeoutMs: request.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        queryId,
        signal: request.signal,
      });
      this.#metrics?.observe('query.explain_ms', result.ms);
      return { plan: reader.readPlan(result), statement, ms: result.ms };
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
