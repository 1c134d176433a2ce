import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { AppError, serializeError } from '../../shared/errors.ts';
import { ownValue } from '../../shared/own-value.ts';
import { ensureDemoSource } from '../engine/demo/demo-database.ts';
import { createEngine, type Engine } from '../engine/engine.ts';
import { DEFAULT_ROW_LIMIT, DEFAULT_TIMEOUT_MS } from '../engine/query/sql-door.ts';
import { DEFAULT_CONTEXT_BUDGET } from '../engine/query/context-packer.ts';
import type { BuiltContext } from '../engine/query/context-service.ts';
import { displayUrl, parseConnectionUrl } from '../engine/sources/connection-url.ts';
import { resolveHome } from '../engine/util/app-home.ts';
import type { ProviderSettings } from '../engine/embeddings/embedding-provider.ts';
import { startWebServer } from '../web/web-server.ts';

/** Exit codes: 0 done, 1 failed, 2 bad usage, 3 not available, 4 done but some items failed (`index`). */
export const EXIT_PARTIAL = 4;

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

const COMMANDS: Record<string, { usage: string; summary: string; available: boolean }> = {
  introspect: { usage: 'introspect URL [--offline] [--values on|off]', summary: 'Introspect a database and cache its schema snapshot; --values on also keeps example values of text columns (used in contexts, sent to the model).', available: true },
  index: { usage: 'index URL [--provider local|openai] [--base-url U] [--api-key K] [--model M] [--dimensions N] [--concurrency N] [--max-inputs N] [--rpm N] [--tpm N]', summary: 'Embed every table and column into the on-disk cache (default provider: local, offline).', available: true },
  search: { usage: 'search URL TEXT [--k N] [--offline]', summary: 'Find tables and columns by meaning.', available: true },
  context: { usage: 'context URL QUESTION [--budget N] [--model M] [--encoding o200k_base|cl100k_base] [--offline]', summary: 'Show the schema context packed for a question under a token budget.', available: true },
  ask: { usage: 'ask URL QUESTION [--llm-base-url U] [--llm-model M] [--llm-api-key K] [--budget N] [--run] [--limit N] [--offline]', summary: 'Generate SQL for a question with a language model (and run it read-only).', available: true },
  query: { usage: 'query URL SQL [--limit N] [--timeout-ms N]', summary: 'Run one read-only statement with a row limit and a server-side timeout.', available: true },
  stats: { usage: 'stats [--out FILE]', summary: 'Print the metrics snapshot (memory, caches, pools, latencies); --out also writes it to a file for a bug report.', available: true },
  serve: { usage: 'serve [--port N]', summary: 'Serve the UI and API on 127.0.0.1 with a random token.', available: true },
};

const OPTIONS = {
  json: { type: 'boolean' },
  home: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
  offline: { type: 'boolean' },
  limit: { type: 'string' },
  'timeout-ms': { type: 'string' },
  port: { type: 'string' },
  provider: { type: 'string' },
  'base-url': { type: 'string' },
  'api-key': { type: 'string' },
  model: { type: 'string' },
  dimensions: { type: 'string' },
  k: { type: 'string' },
  budget: { type: 'string' },
  concurrency: { type: 'string' },
  'max-inputs': { type: 'string' },
  rpm: { type: 'string' },
  tpm: { type: 'string' },
  'llm-base-url': { type: 'string' },
  'llm-model': { type: 'string' },
  'llm-api-key': { type: 'string' },
  'llm-timeout-ms': { type: 'string' },
  run: { type: 'boolean' },
  out: { type: 'string' },
  encoding: { type: 'string' },
  values: { type: 'string' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

export function helpText(): string {
  const width = Math.max(...Object.values(COMMANDS).map((command) => command.usage.length));
  const lines = Object.values(COMMANDS).map((command) => `  ${command.usage.padEnd(width)}  ${command.summary}${command.available ? '' : ' (not available yet)'}`);
  return [
    'Usage: schemascope <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Options for every command:',
    '  --json        print exactly one JSON object on stdout (progress and logs go to stderr)',
    '  --home DIR    where the catalog and caches live (or env SCHEMASCOPE_HOME)',
    '',
    'URLs: sqlite:PATH, mysql://user:pass@host:3306/db, postgres://user:pass@host:5432/db.',
    'A password can also come from env SCHEMASCOPE_PASSWORD; it is never written to disk.',
  ].join('\n');
}

function positiveInt(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new AppError('invalid_input', `--${name} must be a positive whole number, got "${value}".`);
  return parsed;
}

/** Finds (or registers) the catalog source for a URL. The password stays in memory for this run only. */
function sourceFor(engine: Engine, url: string): string {
  const spec = parseConnectionUrl(url);
  const shown = displayUrl(spec);
  const password = spec.password ?? process.env.SCHEMASCOPE_PASSWORD;
  const existing = engine.catalog.findSourceByUrl(shown);
  if (existing) {
    if (password) engine.sources.update({ id: existing.id, password });
    return existing.id;
  }
  return engine.sources.add({ name: shown, url, password }).id;
}

/** `--values on|off`: turns value profiles on (and collects them after the refresh) or off (and deletes them). */
function valuesSwitch(values: Values): boolean | undefined {
  if (values.values === undefined) return undefined;
  if (values.values !== 'on' && values.values !== 'off') throw new AppError('invalid_input', `--values must be on or off, got "${values.values}".`);
  return values.values === 'on';
}

async function introspect(engine: Engine, url: string, values: Values, io: CliIo): Promise<Record<string, unknown>> {
  const id = sourceFor(engine, url);
  const switched = valuesSwitch(values);
  if (switched !== undefined) engine.profiles.setEnabled(id, switched);
  if (!values.offline) {
    try {
      const refreshed = await engine.handlers['schema/refresh']({ sourceId: id }, {});
      let profiles: Record<string, unknown> = { ...engine.profiles.status(id) };
      if (switched) {
        const collected = await engine.profiles.collect(id);
        if (collected.firstError) io.stderr(`note: value profiles skipped ${collected.skipped} table(s); first: ${collected.firstError}`);
        profiles = { ...collected };
      }
      return { source: displayUrl(parseConnectionUrl(url)), ...refreshed.counts, queries: refreshed.queries, ms: round(refreshed.ms), snapshotAt: refreshed.snapshot.takenAt, offline: false, diff: diffCounts(refreshed.diff), values: profiles };
    } catch (error) {
      const serialized = serializeError(error);
      if ((serialized.kind !== 'unreachable' && serialized.kind !== 'timeout') || !engine.catalog.latestSnapshot(id)) throw error;
      io.stderr(`warning: ${serialized.message}; answering from the cached snapshot.`);
    }
  }
  const resolved = await engine.sources.snapshot(id, { offline: true });
  return {
    source: displayUrl(parseConnectionUrl(url)),
    ...engine.catalog.countSnapshot(resolved.record.id),
    queries: 0,
    ms: 0,
    snapshotAt: resolved.record.verifiedAt,
    offline: true,
    values: engine.profiles.status(id),
  };
}

function providerSettings(values: Values): ProviderSettings {
  const provider = values.provider ?? 'local';
  if (provider !== 'local' && provider !== 'openai') throw new AppError('invalid_input', `--provider must be local or openai, got "${provider}".`);
  return {
    provider,
    ...(values['base-url'] ? { baseUrl: values['base-url'] } : {}),
    ...(values['api-key'] ? { apiKey: values['api-key'] } : {}),
    ...(values.model ? { model: values.model } : {}),
    ...(values.dimensions ? { dimensions: positiveInt(values.dimensions, 'dimensions', 0) } : {}),
    ...(values.concurrency ? { concurrency: positiveInt(values.concurrency, 'concurrency', 0) } : {}),
    ...(values['max-inputs'] ? { maxInputsPerRequest: positiveInt(values['max-inputs'], 'max-inputs', 0) } : {}),
    ...(values.rpm ? { requestsPerMinute: positiveInt(values.rpm, 'rpm', 0) } : {}),
    ...(values.tpm ? { tokensPerMinute: positiveInt(values.tpm, 'tpm', 0) } : {}),
  };
}

/** Refreshes the snapshot unless offline; an unreachable database falls back to the cache with a warning. */
async function freshSnapshot(engine: Engine, id: string, values: Values, io: CliIo): Promise<void> {
  if (values.offline) return;
  try {
    await engine.sources.refresh(id);
  } catch (error) {
    const serialized = serializeError(error);
    if ((serialized.kind !== 'unreachable' && serialized.kind !== 'timeout') || !engine.catalog.latestSnapshot(id)) throw error;
    io.stderr(`warning: ${serialized.message}; using the cached snapshot.`);
  }
}

async function runIndex(engine: Engine, id: string, settings: ProviderSettings, values: Values, io: CliIo): Promise<Record<string, unknown>> {
  const started = performance.now();
  const { job, tables, columns } = await engine.indexes.start(id, settings, { offline: Boolean(values.offline) });
  let last = 0;
  const ticker = setInterval(() => {
    const progress = job.latest();
    if (!progress || progress.done === last) return;
    last = progress.done;
    io.stderr(`indexing ${progress.done}/${progress.total} (${progress.itemsPerSecond}/s, ETA ${progress.etaSeconds ?? '?'} s, ${progress.requests} requests, ${progress.retries} retries, ${progress.tooManyRequests} x 429)`);
  }, 500);
  const stop = () => job.cancel();
  process.once('SIGINT', stop);
  const summary = await job.done.finally(() => {
    clearInterval(ticker);
    process.off('SIGINT', stop);
  });
  if (summary.error && summary.state !== 'done') throw new AppError(summary.error.kind, summary.error.message);
  for (const failure of summary.failures.slice(0, 20)) io.stderr(`failed: ${failure.itemId}: ${failure.reason}`);
  return {
    ...(summary.failed > 0 ? { partial: `${summary.failed} of ${summary.total} items failed (first: ${summary.failures[0]?.itemId ?? '?'}: ${summary.failures[0]?.reason ?? '?'}); search and context use names and comments for them` } : {}),
    failures: summary.failures.slice(0, 20),
    tables,
    columns,
    items: summary.total,
    embedded: summary.embedded,
    reused: summary.reused,
    failed: summary.failed,
    requests: summary.requests,
    retries: summary.retries,
    tooManyRequests: summary.tooManyRequests,
    provider: summary.providerId,
    ms: round(performance.now() - started),
  };
}

async function index(engine: Engine, url: string, values: Values, io: CliIo): Promise<Record<string, unknown>> {
  const id = sourceFor(engine, url);
  await freshSnapshot(engine, id, values, io);
  return runIndex(engine, id, providerSettings(values), values, io);
}

async function search(engine: Engine, url: string, text: string, values: Values, io: CliIo): Promise<Record<string, unknown>> {
  const id = sourceFor(engine, url);
  const k = positiveInt(values.k, 'k', 10);
  try {
    const found = await engine.indexes.search(id, text, k);
    if (found.coverage.missing > 0) io.stderr(`note: ${found.coverage.missing} of ${found.coverage.total} items have no vector (failed, or added since indexing).`);
    return found;
  } catch (error) {
    if (serializeError(error).kind !== 'not_found' || values.offline) throw error;
  }
  io.stderr('No search index yet for this source: indexing it with the local provider first.');
  await freshSnapshot(engine, id, values, io);
  await runIndex(engine, id, { provider: 'local' }, values, io);
  return engine.indexes.search(id, text, k);
}

async function query(engine: Engine, url: string, sql: string, values: Values): Promise<Record<string, unknown>> {
  const id = sourceFor(engine, url);
  const result = await engine.handlers['query/execute'](
    { sourceId: id, sql, limit: positiveInt(values.limit, 'limit', DEFAULT_ROW_LIMIT), timeoutMs: positiveInt(values['timeout-ms'], 'timeout-ms', DEFAULT_TIMEOUT_MS) },
    {},
  );
  return { columns: result.columns, rows: result.rows, rowCount: result.rowCount, truncated: result.truncated, ms: round(result.ms) };
}

function contextOutput(context: BuiltContext): Record<string, unknown> {
  const { model, encoding, budget, tokens, tables, columns, joins, omitted, retrieval, snapshot, text } = context;
  return { model, encoding, budget, tokens, tables, columns, joins, omitted, retrieval, offline: snapshot.offline, text };
}

async function context(engine: Engine, url: string, question: string, values: Values, io: CliIo): Promise<Record<string, unknown>> {
  const id = sourceFor(engine, url);
  await freshSnapshot(engine, id, values, io);
  const encoding = values.encoding;
  if (encoding !== undefined && encoding !== 'o200k_base' && encoding !== 'cl100k_base') throw new AppError('invalid_input', `--encoding must be o200k_base or cl100k_base, got "${encoding}".`);
  const built = await engine.contexts.build({ sourceId: id, question, budget: positiveInt(values.budget, 'budget', DEFAULT_CONTEXT_BUDGET), model: values.model, encoding, offline: Boolean(values.offline) });
  if (built.retrieval.note) io.stderr(`note: ${built.retrieval.note}`);
  return contextOutput(built);
}

async function ask(engine: Engine, url: string, question: string, values: Values, io: CliIo): Promise<Record<string, unknown>> {
  const id = sourceFor(engine, url);
  const stored = engine.asks.settings();
  if (!values['llm-model'] && !stored.model) {
    throw new AppError('invalid_input', 'ask needs a language model: --llm-model M (with --llm-base-url U for an OpenAI-compatible server); "schemascope context" shows the context without one.');
  }
  await freshSnapshot(engine, id, values, io);
  io.stderr(`asking ${values['llm-model'] ?? stored.model}...`);
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  try {
    const result = await engine.asks.ask(
      {
        sourceId: id,
        question,
        budget: positiveInt(values.budget, 'budget', DEFAULT_CONTEXT_BUDGET),
        offline: Boolean(values.offline),
        tokenModel: values.model,
        llm: {
          baseUrl: values['llm-base-url'],
          model: values['llm-model'],
          apiKey: values['llm-api-key'],
          timeoutMs: values['llm-timeout-ms'] === undefined ? undefined : positiveInt(values['llm-timeout-ms'], 'llm-timeout-ms', 60_000),
        },
        run: Boolean(values.run),
        limit: positiveInt(values.limit, 'limit', DEFAULT_ROW_LIMIT),
      },
      { signal: controller.signal },
    );
    if (result.refusal) {
      const shown = result.sql ? ` (SQL: ${result.sql.replace(/\s+/g, ' ').slice(0, 200)})` : '';
      throw new AppError(result.refusal.kind, `${result.refusal.message}${shown}`);
    }
    const output: Record<string, unknown> = { sql: result.sql, context: contextOutput(result.context), llm: result.llm };
    if (result.result) Object.assign(output, { columns: result.result.columns, rows: result.result.rows, rowCount: result.result.rowCount, truncated: result.result.truncated, ms: round(result.result.ms) });
    return output;
  } finally {
    process.off('SIGINT', stop);
  }
}

function diffCounts(diff: { added: readonly string[]; removed: readonly string[]; changed: readonly string[]; unchanged: number }): Record<string, number> {
  return { added: diff.added.length, removed: diff.removed.length, changed: diff.changed.length, unchanged: diff.unchanged };
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

export function rendererDir(): string {
  return process.env.SCHEMASCOPE_RENDERER_DIR ?? path.resolve(fileURLToPath(new URL('../../dist/renderer', import.meta.url)));
}

async function serve(engine: Engine, values: Values, io: CliIo): Promise<never> {
  const port = values.port === undefined ? 0 : positiveInt(values.port, 'port', 0);
  ensureDemoSource(engine);
  const server = await startWebServer({ handlers: engine.handlers, events: engine.events, staticDir: rendererDir(), port });
  if (values.json) io.stdout(JSON.stringify({ url: server.url, port: server.port }));
  else io.stdout(`Schemascope web mode (loopback only): ${server.url}`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.close();
  await engine.close();
  process.exit(0);
}

/** Runs one CLI command; returns the exit code. Never throws. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let values: Values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true }));
  } catch (error) {
    io.stderr(`schemascope: invalid_input: ${error instanceof Error ? error.message : String(error)} (see --help)`);
    return 2;
  }
  const [command, ...args] = positionals;
  if (values.version) {
    io.stdout(values.json ? JSON.stringify({ version: (await import('../engine/engine.ts')).appVersion() }) : (await import('../engine/engine.ts')).appVersion());
    return 0;
  }
  if (values.help || !command) {
    if (values.json) io.stdout(JSON.stringify({ commands: Object.fromEntries(Object.entries(COMMANDS).map(([name, c]) => [name, { usage: c.usage, available: c.available }])) }));
    else io.stdout(helpText());
    return command || values.help ? 0 : 2;
  }
  const definition = ownValue(COMMANDS, command);
  if (!definition) {
    io.stderr(`schemascope: invalid_input: unknown command "${command}" (see --help)`);
    return 2;
  }
  if (!definition.available) {
    io.stderr(`schemascope: not_available: "${command}" is not available yet in this version.`);
    return 3;
  }
  let engine: Engine | undefined;
  try {
    engine = createEngine({ home: resolveHome(values.home), mode: 'web' });
    let output: Record<string, unknown>;
    if (command === 'introspect') {
      if (args.length !== 1) throw new AppError('invalid_input', `usage: schemascope ${definition.usage}`);
      output = await introspect(engine, args[0]!, values, io);
    } else if (command === 'index') {
      if (args.length !== 1) throw new AppError('invalid_input', `usage: schemascope ${definition.usage}`);
      output = await index(engine, args[0]!, values, io);
    } else if (command === 'search') {
      if (args.length !== 2) throw new AppError('invalid_input', `usage: schemascope ${definition.usage}`);
      output = await search(engine, args[0]!, args[1]!, values, io);
    } else if (command === 'context') {
      if (args.length !== 2) throw new AppError('invalid_input', `usage: schemascope ${definition.usage}`);
      output = await context(engine, args[0]!, args[1]!, values, io);
    } else if (command === 'ask') {
      if (args.length !== 2) throw new AppError('invalid_input', `usage: schemascope ${definition.usage}`);
      output = await ask(engine, args[0]!, args[1]!, values, io);
    } else if (command === 'stats') {
      if (args.length !== 0) throw new AppError('invalid_input', `usage: schemascope ${definition.usage}`);
      const snapshot = await engine.snapshotMetrics();
      if (values.out) {
        try {
          writeFileSync(values.out, `${JSON.stringify(snapshot, null, 2)}\n`, { flag: 'w' });
        } catch (error) {
          throw new AppError('storage', `Cannot write ${values.out}: ${error instanceof Error ? error.message : String(error)}`);
        }
        io.stderr(`wrote ${values.out}`);
      }
      output = snapshot as unknown as Record<string, unknown>;
    } else if (command === 'query') {
      if (args.length !== 2) throw new AppError('invalid_input', `usage: schemascope ${definition.usage}`);
      output = await query(engine, args[0]!, args[1]!, values);
    } else {
      return await serve(engine, values, io);
    }
    io.stdout(values.json ? JSON.stringify(output) : formatHuman(output));
    if (typeof output.partial === 'string') {
      io.stderr(`schemascope: partial: ${output.partial}`);
      return EXIT_PARTIAL;
    }
    return 0;
  } catch (error) {
    const serialized = serializeError(error);
    io.stderr(`schemascope: ${serialized.kind}: ${serialized.message.split('\n')[0]}`);
    return 1;
  } finally {
    await engine?.close().catch(() => undefined);
  }
}

function formatHuman(output: Record<string, unknown>): string {
  if (Array.isArray(output.rows) && Array.isArray(output.columns)) {
    const columns = output.columns as { name: string }[];
    const rows = output.rows as unknown[][];
    const cell = (value: unknown): string => (value === null ? 'NULL' : typeof value === 'object' ? JSON.stringify(value) : String(value));
    return [columns.map((column) => column.name).join('\t'), ...rows.map((row) => row.map(cell).join('\t')), `(${rows.length} rows${output.truncated ? ', truncated' : ''}, ${String(output.ms)} ms)`].join('\n');
  }
  return Object.entries(output)
    .map(([key, value]) => `${key}: ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`)
    .join('\n');
}
