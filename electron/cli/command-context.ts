import { AppError, serializeError } from '../../shared/errors.ts';
import type { RequestChannel } from '../../shared/ipc-channels.ts';
import type { RequestOf, ResponseOf } from '../../shared/ipc-contract.ts';
import type { Engine } from '../engine/app/engine.ts';
import { dispatch } from '../engine/app/dispatch.ts';
import { displayUrl, parseConnectionUrl } from '../engine/sources/connection-url.ts';
import { credentialFreeUrl } from '../engine/catalog/schema-pack.ts';
import type { OptionName } from './options.ts';

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

export type Values = {
  readonly [K in OptionName]?: K extends 'json' | 'help' | 'version' | 'offline' | 'run' | 'http' | 'include-values'
    ? boolean
    : K extends 'source'
      ? readonly string[]
      : string;
};

/** What a command runs with: the engine, its arguments, and the same dispatch as IPC and web mode. */
export interface CommandContext {
  readonly engine: Engine;
  /** The engine, loading its code first if the command's spec says `lazyEngine`. */
  openEngine(): Promise<Engine>;
  readonly io: CliIo;
  readonly args: readonly string[];
  readonly values: Values;
  /** Aborted on Ctrl+C: long commands stop cleanly. */
  readonly signal: AbortSignal;
  /** Calls a channel through dispatch: the payload validated by the contract, errors thrown as AppError. */
  call<C extends RequestChannel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>>;
}

/** The command's JSON output; `partial` (a message) makes the exit code 4: done, but not all of it. `quiet`: the command printed already (serve). */
export interface CommandOutcome {
  readonly output: Record<string, unknown>;
  readonly partial?: string;
  readonly quiet?: boolean;
}

export type CommandRun = (context: CommandContext) => Promise<CommandOutcome>;

export function callThroughDispatch(engine: Engine, signal: AbortSignal): CommandContext['call'] {
  return async (channel, request) => {
    const envelope = await dispatch(engine.handlers, channel, request, { signal });
    if (!envelope.ok) throw new AppError(envelope.error.kind, envelope.error.message, envelope.error.detail);
    return envelope.value as ResponseOf<typeof channel>;
  };
}

/** `--port`: 0 (any free port, the default) to 65535. */
export function portOption(value: string | undefined): number {
  if (value === undefined) return 0;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new AppError(
      'invalid_input',
      `--port must be a whole number from 0 (any free port) to 65535, got "${value}".`,
    );
  return port;
}

export function positiveInt(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1)
    throw new AppError('invalid_input', `--${name} must be a positive whole number, got "${value}".`);
  return parsed;
}

export function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/** Finds (or registers) the source of a URL. The password (URL or SCHEMASCOPE_PASSWORD) stays in memory for this run. */
export async function sourceFor(context: CommandContext, url: string): Promise<string> {
  const shown = displayUrl(parseConnectionUrl(url));
  const password = parseConnectionUrl(url).password ?? process.env.SCHEMASCOPE_PASSWORD;
  const { sources } = await context.call('sources/list', {});
  // A source imported from a schema pack is stored without a user: the same database named with one is that source.
  const imported = sources.find(
    (source) => !source.isDemo && source.displayUrl === credentialFreeUrl(shown) && source.displayUrl !== shown,
  );
  const existing = sources.find((source) => source.displayUrl === shown) ?? imported;
  if (existing === imported && imported) {
    await context.call('sources/update', { id: imported.id, url, ...(password ? { password } : {}) });
    return imported.id;
  }
  if (existing) {
    if (password) await context.call('sources/update', { id: existing.id, password });
    return existing.id;
  }
  return (await context.call('sources/add', { name: shown, url, ...(password ? { password } : {}) })).id;
}

/** Refreshes the snapshot unless --offline; an unreachable database falls back to the cache with a warning. */
/**
 * When a refresh failed because the database is out of reach and a cached snapshot exists, the reason to print;
 * otherwise the error is thrown on.
 */
export function cachedSnapshotOr(context: CommandContext, sourceId: string, error: unknown): string {
  const serialized = serializeError(error);
  const outOfReach = serialized.kind === 'unreachable' || serialized.kind === 'timeout';
  if (!outOfReach || !context.engine.catalog.latestSnapshot(sourceId)) throw error;
  return serialized.message;
}

export async function freshSnapshot(context: CommandContext, sourceId: string): Promise<void> {
  if (context.values.offline) return;
  try {
    await context.call('schema/refresh', { sourceId });
  } catch (error) {
    context.io.stderr(`warning: ${cachedSnapshotOr(context, sourceId, error)}; using the cached snapshot.`);
  }
}
