import type { RequestChannel } from '../../../shared/ipc-channels.ts';
import type { ParsedRequestOf, ResponseOf } from '../../../shared/ipc-contract.ts';
import type { DeepReadonly } from '../../../shared/schema-types.ts';

export interface HandlerContext {
  /** Aborted when the caller goes away (window closed, HTTP client disconnected). */
  readonly signal?: AbortSignal;
}

/** One handler per channel: the single table that ipcMain, the preload and the web bridge all serve. */
export type HandlerTable = {
  readonly [C in RequestChannel]: (
    request: ParsedRequestOf<C>,
    context: HandlerContext,
  ) => Promise<DeepReadonly<ResponseOf<C>>>;
};
