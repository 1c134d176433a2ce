import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { CatalogStore } from './catalog-store.ts';
import { processExists } from '../platform/process-exists.ts';

export type JobKind = 'index';

/** The process that runs a job now, as another process sees it. */
export interface JobHolder {
  readonly pid: number;
  readonly host: string;
  readonly startedAt: string;
  /** ms since the epoch of the holder's last sign of life. */
  readonly heartbeatAt: number;
  /** Whatever the holder last reported (an index job's progress), parsed; null before its first report. */
  readonly progress: unknown;
}

/** A holder silent this long is taken for dead even when its pid is alive (pid reuse, or another machine's process). */
export const STALE_AFTER_MS = 30_000;
/** How often a holder should call `heartbeat`: well inside the staleness window. */
export const HEARTBEAT_EVERY_MS = 2_000;

interface LockRow {
  owner_pid: number;
  owner_host: string;
  owner_nonce: string;
  started_at: string;
  heartbeat_at: number;
  progress_json: string | null;
}

/**
 * One owner per job and source across every process on one data folder, kept in the catalog (SQLite's write lock
 * makes taking it atomic). A lock whose owner died, also by kill -9, is recovered: the owner's pid no longer exists
 * on this host, or it has not written a heartbeat for {@link STALE_AFTER_MS}.
 */
export class JobLockStore {
  readonly #catalog: CatalogStore;
  readonly #now: () => number;
  readonly #host = hostname();

  constructor(catalog: CatalogStore, now: () => number = Date.now) {
    this.#catalog = catalog;
    this.#now = now;
  }

  /** Takes the lock: returns a token to heartbeat and release with, or the live holder that has it. */
  acquire(kind: JobKind, sourceId: string): { token: string } | { holder: JobHolder } {
    const db = this.#catalog.db;
    const token = randomUUID();
    return db
      .transaction(() => {
        const row = this.#row(kind, sourceId);
        if (row && this.#alive(row)) return { holder: toHolder(row) };
        db.prepare(
          'INSERT INTO job_locks (kind, source_id, owner_pid, owner_host, owner_nonce, started_at, heartbeat_at, progress_json) VALUES (?, ?, ?, ?, ?, ?, ?, NULL) ' +
            'ON CONFLICT(kind, source_id) DO UPDATE SET owner_pid = excluded.owner_pid, owner_host = excluded.owner_host, owner_nonce = excluded.owner_nonce, started_at = excluded.started_at, heartbeat_at = excluded.heartbeat_at, progress_json = NULL',
        ).run(kind, sourceId, process.pid, this.#host, token, new Date(this.#now()).toISOString(), this.#now());
        return { token };
      })
      .immediate();
  }

  /** Proves the owner alive and records its progress; false when the lock was taken over (the owner should stop). */
  heartbeat(kind: JobKind, sourceId: string, token: string, progress?: unknown): boolean {
    const result = this.#catalog.db
      .prepare(
        'UPDATE job_locks SET heartbeat_at = ?, progress_json = COALESCE(?, progress_json) WHERE kind = ? AND source_id = ? AND owner_nonce = ?',
      )
      .run(this.#now(), progress === undefined ? null : JSON.stringify(progress), kind, sourceId, token);
    return result.changes === 1;
  }

  release(kind: JobKind, sourceId: string, token: string): void {
    this.#catalog.db
      .prepare('DELETE FROM job_locks WHERE kind = ? AND source_id = ? AND owner_nonce = ?')
      .run(kind, sourceId, token);
  }

  /** The live holder of a job, or null when nobody (alive) holds it. */
  holder(kind: JobKind, sourceId: string): JobHolder | null {
    const row = this.#row(kind, sourceId);
    return row && this.#alive(row) ? toHolder(row) : null;
  }

  #row(kind: JobKind, sourceId: string): LockRow | undefined {
    return this.#catalog.db
      .prepare(
        'SELECT owner_pid, owner_host, owner_nonce, started_at, heartbeat_at, progress_json FROM job_locks WHERE kind = ? AND source_id = ?',
      )
      .get(kind, sourceId) as LockRow | undefined;
  }

  #alive(row: LockRow): boolean {
    if (this.#now() - row.heartbeat_at > STALE_AFTER_MS) return false;
    if (row.owner_host !== this.#host) return true; // another machine on a shared folder: only its heartbeat tells
    return processExists(row.owner_pid);
  }
}

function toHolder(row: LockRow): JobHolder {
  return {
    pid: row.owner_pid,
    host: row.owner_host,
    startedAt: row.started_at,
    heartbeatAt: row.heartbeat_at,
    progress: row.progress_json ? (JSON.parse(row.progress_json) as unknown) : null,
  };
}
