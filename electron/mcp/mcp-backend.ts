import { AppError, redactSecrets } from '../../shared/errors.ts';
import type { RequestChannel } from '../../shared/ipc-channels.ts';
import type { RequestOf, ResponseOf } from '../../shared/ipc-contract.ts';
import { dispatch } from '../engine/app/dispatch.ts';
import type { HandlerTable } from '../engine/app/handler-table.ts';

/** What the tools call: the handler table through dispatch (payloads validated by the contract, errors as AppError). */
export type CallChannel = <C extends RequestChannel>(
  channel: C,
  request: RequestOf<C>,
  signal?: AbortSignal,
) => Promise<ResponseOf<C>>;

export function callThroughDispatch(handlers: HandlerTable): CallChannel {
  return async (channel, request, signal) => {
    const envelope = await dispatch(handlers, channel, request, { signal });
    if (!envelope.ok) throw new AppError(envelope.error.kind, envelope.error.message, envelope.error.detail);
    return envelope.value as ResponseOf<typeof channel>;
  };
}

/** Log lines go to stderr (stdout is the protocol in stdio mode), with any credential removed. */
export type McpLog = (line: string) => void;

export function stderrLog(line: string): void {
  process.stderr.write(`schemascope mcp: ${redactSecrets(line)}\n`);
}
