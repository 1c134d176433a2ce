import type { FieldPacket, PoolConnection } from 'mysql2';
import { toCell } from '../cell-values.ts';
import type { ExecutedQuery } from '../dialect.ts';

/**
 * Where a cursor is. `reading` until one of: `ended` (the server sent every row), `stopped` (the limit was reached:
 * reading paused, the statement is being killed and the rows in flight drained), `failed` (the statement failed; the
 * connection is fine), `lost` (the connection died). Every listener only asks the state; nothing else is shared.
 */
export type CursorState = 'reading' | 'ended' | 'stopped' | 'failed' | 'lost';

/** What becomes of the pooled connection once the cursor is done with it. */
export type ConnectionFate = 'release' | 'destroy';

export interface CursorOptions {
  readonly limit: number;
  readonly offset: number;
  /** Asks the server to stop the statement (KILL QUERY from another connection); resolves when it has been asked. */
  readonly stopStatement: () => Promise<void>;
  /** How long the rows in flight after a stop may take to drain before the connection is given up. */
  readonly drainTimeoutMs?: number;
}

type Rows = Omit<ExecutedQuery, 'ms'>;

/**
 * One streamed statement on one pooled connection, with its states made explicit. `rows` settles as soon as the
 * answer is known (at the limit it does not wait for the server); `fate` settles when the connection may be
 * released or must be destroyed (after a bounded drain when the statement was stopped).
 */
export class MysqlRowCursor {
  readonly rows: Promise<Rows>;
  readonly fate: Promise<ConnectionFate>;
  #state: CursorState = 'reading';
  #columns: { name: string; type: string }[] = [];
  readonly #collected: ExecutedQuery['rows'] = [];
  #skipped = 0;
  #resolveRows!: (rows: Rows) => void;
  #rejectRows!: (error: Error) => void;
  #settleFate!: (fate: ConnectionFate) => void;
  #detach: () => void = () => {};
  /** Set once stopped: called when the killed statement's end or error arrives. */
  #afterDrain: (() => void) | undefined;
  #finished = false;
  readonly #connection: PoolConnection;
  readonly #options: CursorOptions;

  constructor(connection: PoolConnection, sql: string, options: CursorOptions, typeNames: ReadonlyMap<number, string>) {
    this.#connection = connection;
    this.#options = options;
    this.rows = new Promise((resolve, reject) => {
      this.#resolveRows = resolve;
      this.#rejectRows = reject;
    });
    this.fate = new Promise((settle) => (this.#settleFate = settle));
    const query = connection.query({ sql, rowsAsArray: true });
    query.on('fields', (fields: FieldPacket[]) => {
      this.#columns = fields.map((field) => ({
        name: field.name,
        type: typeNames.get(field.columnType ?? -1) ?? 'UNKNOWN',
      }));
    });
    query.on('result', (row: unknown) => this.#onRow(row));
    query.on('error', (error: Error) => this.#onError(error));
    query.on('end', () => this.#onEnd());
    this.#watchConnection();
  }

  get state(): CursorState {
    return this.#state;
  }

  #onRow(row: unknown): void {
    if (this.#state !== 'reading' || !Array.isArray(row)) return; // rows in flight after a stop; OK packets
    if (this.#skipped < this.#options.offset) {
      this.#skipped += 1;
      return;
    }
    if (this.#collected.length === this.#options.limit) return this.#stop();
    this.#collected.push(row.map(toCell));
  }

  /**
   * Enough rows: stop reading now (the server blocks once the socket buffers fill), answer the caller, and have the
   * server stop the statement with KILL QUERY. The rows already in flight are drained and the connection goes back
   * to the pool whole: destroying it instead left the server busy with a dead socket and made the next queries
   * several times slower (measured).
   */
  #stop(): void {
    this.#state = 'stopped';
    this.#connection.pause();
    this.#resolveRows({ columns: this.#columns, rows: this.#collected, truncated: true });
    const timer = setTimeout(() => this.#finish('destroy'), this.#options.drainTimeoutMs ?? 5000);
    this.#afterDrain = () => {
      clearTimeout(timer);
      this.#finish('release');
    };
    this.#options.stopStatement().then(
      () => this.#connection.resume(),
      () => {
        // The statement could not be stopped: its remaining rows are not worth reading on this connection.
        clearTimeout(timer);
        this.#finish('destroy');
      },
    );
  }

  #onError(error: Error): void {
    if (this.#state === 'stopped') return this.#afterDrain?.(); // the killed statement's own error ends the drain
    if (this.#state !== 'reading') return;
    this.#state = 'failed';
    this.#rejectRows(error);
    this.#finish((error as { fatal?: boolean }).fatal ? 'destroy' : 'release');
  }

  #onEnd(): void {
    if (this.#state === 'stopped') return this.#afterDrain?.();
    if (this.#state !== 'reading') return;
    this.#state = 'ended';
    this.#resolveRows({ columns: this.#columns, rows: this.#collected, truncated: false });
    this.#finish('release');
  }

  /**
   * A server that shuts down or a network that drops can end the connection without a word to the query (seen with
   * MariaDB's shutdown): without these listeners the caller would wait forever.
   */
  #watchConnection(): void {
    const socket = (this.#connection as unknown as { stream?: NodeJS.EventEmitter }).stream;
    const lost = (error?: Error): void => {
      const wasReading = this.#state === 'reading';
      if (this.#state === 'ended' || this.#state === 'failed' || this.#state === 'lost') return;
      this.#state = 'lost';
      const code = (error as { code?: string } | undefined)?.code;
      if (wasReading)
        this.#rejectRows(
          Object.assign(new Error(`The connection to the server was lost${error ? `: ${error.message}` : ''}.`), {
            code: code ?? 'PROTOCOL_CONNECTION_LOST',
            fatal: true,
          }),
        );
      this.#finish('destroy');
    };
    const onEnd = (): void => lost();
    this.#connection.on('error', lost);
    this.#connection.on('end', onEnd);
    socket?.on('close', onEnd);
    this.#detach = () => {
      this.#connection.off('error', lost);
      this.#connection.off('end', onEnd);
      socket?.off('close', onEnd);
    };
  }

  #finish(fate: ConnectionFate): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#detach();
    this.#settleFate(fate);
  }
}
