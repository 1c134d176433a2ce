import { AppError, serializeError } from '../../shared/errors.ts';
import type { SourceView } from '../../shared/ipc-contract.ts';
import type { CallChannel, McpLog } from './mcp-backend.ts';

/** A schema answer that came back offline triggers at most one background refresh per source in this period. */
const RETRY_REFRESH_MS = 30_000;
/** A cached schema verified this recently is not refreshed when a server starts. */
const FRESH_MS = 5 * 60_000;
/** How long a schema answer waits for a refresh already running. */
const CURRENT_WAIT_MS = 500;

/**
 * The sources an MCP server serves, addressed by name: those named with `--source` (or every saved source when none
 * is). Names are looked up in a `Map` (exactly, then ignoring case; the id works too), so `constructor` or
 * `__proto__` are just names nobody has. It also keeps the cached schemas fresh without making a call wait for a
 * database: each source is refreshed in the background at start, and again after an answer came back offline.
 */
export class SourceDirectory {
  readonly #call: CallChannel;
  readonly #log: McpLog;
  readonly #served: ReadonlySet<string> | undefined;
  readonly #refreshing = new Map<string, Promise<void>>();
  readonly #lastAttempt = new Map<string, number>();

  private constructor(call: CallChannel, log: McpLog, served: ReadonlySet<string> | undefined) {
    this.#call = call;
    this.#log = log;
    this.#served = served;
  }

  /**
   * Resolves `--source` values: a saved source's name or id, or a connection URL, optionally named (`NAME=URL`;
   * registered under that name, or its URL without the password; the password stays in memory for this process, and
   * env SCHEMASCOPE_PASSWORD works too).
   */
  static async open(call: CallChannel, log: McpLog, requested: readonly string[]): Promise<SourceDirectory> {
    if (requested.length === 0) return new SourceDirectory(call, log, undefined);
    const everyone = new SourceDirectory(call, log, undefined);
    const served = new Set<string>();
    for (const wanted of requested) {
      const named = NAMED_URL.exec(wanted);
      if (named) served.add(await registerUrl(call, named[2]!, named[1]));
      else if (URL_START.test(wanted)) served.add(await registerUrl(call, wanted));
      else {
        const source = await everyone.resolve(wanted);
        // A saved source's password lives in the desktop app's encrypted store, which this process cannot read: the
        // client's configuration passes it in the environment (kept in memory only).
        const password = process.env.SCHEMASCOPE_PASSWORD;
        if (password) await call('sources/update', { id: source.id, password });
        served.add(source.id);
      }
    }
    return new SourceDirectory(call, log, served);
  }

  async list(): Promise<SourceView[]> {
    const { sources } = await this.#call('sources/list', {});
    return this.#served ? sources.filter((source) => this.#served!.has(source.id)) : sources;
  }

  /** The source a tool call names; with one source served, the name may be left out. */
  async resolve(name: string | undefined): Promise<SourceView> {
    const sources = await this.list();
    if (name === undefined || name.trim() === '') {
      if (sources.length === 1) return sources[0]!;
      throw new AppError(
        'invalid_input',
        sources.length === 0
          ? 'No source is configured: add one in the app or start the server with --source URL.'
          : `Name a source: ${namesOf(sources)}.`,
      );
    }
    const byName = new Map<string, SourceView[]>();
    const byLowerName = new Map<string, SourceView[]>();
    const byId = new Map<string, SourceView>();
    for (const source of sources) {
      append(byName, source.name, source);
      append(byLowerName, source.name.toLowerCase(), source);
      byId.set(source.id, source);
    }
    const found =
      byName.get(name) ?? byLowerName.get(name.toLowerCase()) ?? (byId.has(name) ? [byId.get(name)!] : undefined);
    if (!found)
      throw new AppError(
        'not_found',
        `No source named ${JSON.stringify(name.slice(0, 200))}; sources: ${namesOf(sources)}.`,
      );
    if (found.length > 1)
      throw new AppError(
        'invalid_input',
        `${found.length} sources are named ${JSON.stringify(name)}: use an id (${found.map((source) => source.id).join(', ')}).`,
      );
    return found[0]!;
  }

  /**
   * Refreshes in the background the served sources whose cached schema was last verified more than a few minutes ago
   * (errors logged, never thrown). A client that starts a server per conversation does not introspect each time.
   */
  refreshAll(sources: readonly SourceView[], now = Date.now()): void {
    for (const source of sources) {
      const verified = source.lastSnapshotAt ? Date.parse(source.lastSnapshotAt) : Number.NaN;
      if (Number.isNaN(verified) || now - verified > FRESH_MS) this.refreshSoon(source.id, true);
    }
  }

  /** A background refresh of one source, unless one runs or was tried lately. */
  refreshSoon(sourceId: string, force = false): void {
    if (this.#refreshing.has(sourceId)) return;
    const last = this.#lastAttempt.get(sourceId) ?? 0;
    if (!force && Date.now() - last < RETRY_REFRESH_MS) return;
    this.#lastAttempt.set(sourceId, Date.now());
    const running = this.#call('schema/refresh', { sourceId })
      .then(
        () => undefined,
        (error: unknown) =>
          this.#log(
            `refreshing a source's schema failed (answers come from the cached snapshot): ${serializeError(error).message}`,
          ),
      )
      .finally(() => this.#refreshing.delete(sourceId));
    this.#refreshing.set(sourceId, running);
  }

  /**
   * Before a schema answer: a refresh running for the source is given a moment to finish, so the answer says what
   * is known now (the newer snapshot, or that the database is unreachable); a slow one is not waited for.
   */
  async current(sourceId: string): Promise<void> {
    const running = this.#refreshing.get(sourceId);
    if (running) await Promise.race([running, new Promise((resolve) => setTimeout(resolve, CURRENT_WAIT_MS).unref())]);
  }

  /** A call found the database unreachable: the next schema answers should say so (a refresh finds out). */
  unreachable(sourceId: string): void {
    this.refreshSoon(sourceId, true);
  }

  /** Waits for the background refreshes running now (tests and shutdown). */
  async settled(): Promise<void> {
    await Promise.all([...this.#refreshing.values()]);
  }
}

function append<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function namesOf(sources: readonly SourceView[]): string {
  return sources.length === 0 ? 'none' : sources.map((source) => JSON.stringify(source.name)).join(', ');
}

const URL_START = /^(sqlite:|mysql:\/\/|mariadb:\/\/|postgres(ql)?:\/\/)/i;
const NAMED_URL = /^([^=:/\s]{1,200})=((?:sqlite:|mysql:\/\/|mariadb:\/\/|postgres(?:ql)?:\/\/).*)$/is;

async function registerUrl(call: CallChannel, url: string, name?: string): Promise<string> {
  const { displayUrl, parseConnectionUrl } = await import('../engine/sources/connection-url.ts');
  const spec = parseConnectionUrl(url);
  const shown = displayUrl(spec);
  const password = spec.password ?? process.env.SCHEMASCOPE_PASSWORD;
  const { sources } = await call('sources/list', {});
  const existing = sources.find((source) => source.displayUrl === shown);
  if (existing) {
    if (password) await call('sources/update', { id: existing.id, password });
    return existing.id;
  }
  return (await call('sources/add', { name: name ?? shown, url, ...(password ? { password } : {}) })).id;
}
