import { serializeError, type Envelope } from '../../shared/errors.ts';
import { REQUEST_CHANNELS } from '../../shared/ipc-channels.ts';
import { dispatch } from '../engine/app/dispatch.ts';
import type { HandlerTable } from '../engine/app/handler-table.ts';
import type { EventHub } from '../engine/platform/event-hub.ts';

/** The part of Electron's ipcMain this adapter needs; tests hand in a plain object instead of Electron. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcInvokeEventLike, payload: unknown) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

export interface IpcInvokeEventLike {
  readonly senderFrame: { readonly url: string } | null;
  /** The window's web contents: 'destroyed' when the window closes. */
  readonly sender?: {
    once(event: 'destroyed', listener: () => void): unknown;
    removeListener(event: 'destroyed', listener: () => void): unknown;
  };
}

export const EVENT_CHANNEL = 'schemascope:event';

/**
 * Serves the handler table over ipcMain: one `handle` per contract channel (there is no generic passthrough), the
 * sender frame checked against our own renderer, the payload validated by dispatch. Returns an unregister function.
 */
export function registerIpcHandlers(
  ipcMain: IpcMainLike,
  handlers: HandlerTable,
  isTrustedSender: (url: string) => boolean,
): () => void {
  for (const channel of REQUEST_CHANNELS) {
    ipcMain.handle(channel, async (event, payload): Promise<Envelope<unknown>> => {
      const url = event.senderFrame?.url ?? '';
      if (!isTrustedSender(url)) {
        return {
          ok: false,
          error: serializeError({
            kind: 'unauthorized',
            message: `IPC from an untrusted frame was refused (${url.slice(0, 80) || 'no frame'}).`,
          }),
        };
      }
      // A request whose window closes is aborted (a running query is cancelled on its server, an export stops).
      const controller = new AbortController();
      const abort = () => controller.abort();
      event.sender?.once('destroyed', abort);
      try {
        return await dispatch(handlers, channel, payload, { signal: controller.signal });
      } finally {
        event.sender?.removeListener('destroyed', abort);
      }
    });
  }
  return () => {
    for (const channel of REQUEST_CHANNELS) ipcMain.removeHandler(channel);
  };
}

/** Forwards engine events to the renderer(s). */
export function forwardEvents(events: EventHub, send: (channel: string, message: unknown) => void): () => void {
  return events.subscribe((event) => send(EVENT_CHANNEL, event));
}

/** Only frames loaded from our own renderer folder may call the engine. */
export function trustedRendererUrl(rendererIndexUrl: string): (url: string) => boolean {
  const base = rendererIndexUrl.slice(0, rendererIndexUrl.lastIndexOf('/') + 1);
  return (url) => url.startsWith(base) && !url.slice(base.length).includes('..');
}
