import { deserializeError, type Envelope } from '../../../shared/errors.ts';
import { REQUEST_CHANNELS, type RequestChannel } from '../../../shared/ipc-channels.ts';
import {
  parseEngineEvent,
  type SchemascopeBridge,
  type SchemascopeClient,
  type SubscribeEvents,
} from '../../../shared/ipc-contract.ts';

declare global {
  interface Window {
    /** Exposed by the Electron preload; absent in web mode. */
    readonly schemascope?: SchemascopeBridge;
  }
}

/** Web mode: the same envelopes over HTTP, events over server-sent events. The token rides in a header. */
export function createWebBridge(token: string): SchemascopeBridge {
  const invoke = Object.fromEntries(
    REQUEST_CHANNELS.map((channel) => [
      channel,
      async (request: unknown): Promise<Envelope<unknown>> => {
        let response: Response;
        try {
          response = await fetch(`./api/${channel}`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
            body: JSON.stringify(request ?? {}),
          });
        } catch {
          return {
            ok: false,
            error: {
              kind: 'unreachable',
              message: 'The Schemascope server does not answer. Is `schemascope serve` still running?',
            },
          };
        }
        try {
          return (await response.json()) as Envelope<unknown>;
        } catch {
          return {
            ok: false,
            error: { kind: 'internal', message: `The server answered ${response.status} without a valid body.` },
          };
        }
      },
    ]),
  ) as SchemascopeBridge['invoke'];
  return {
    invoke,
    subscribe(listener) {
      const source = new EventSource('./api/events');
      source.onmessage = (message) => {
        try {
          listener(JSON.parse(message.data as string) as unknown);
        } catch {
          // ignore malformed events
        }
      };
      return () => source.close();
    },
  };
}

/** The typed client the UI uses: one async function per channel; failures throw an AppError with its kind. */
export function createClient(bridge: SchemascopeBridge): SchemascopeClient {
  return Object.fromEntries(
    REQUEST_CHANNELS.map((channel: RequestChannel) => [
      channel,
      async (request: unknown) => {
        const envelope = await bridge.invoke[channel](request);
        if (!envelope.ok) throw deserializeError(envelope.error);
        return envelope.value;
      },
    ]),
  ) as unknown as SchemascopeClient;
}

/** The bridge's event messages, each validated against the contract: components get typed events only. */
export function typedEvents(bridge: SchemascopeBridge): SubscribeEvents {
  return (listener) =>
    bridge.subscribe((message) => {
      const event = parseEngineEvent(message);
      if (event) listener(event);
    });
}

/** Picks the preload bridge in the desktop app, or the web bridge with the token from the page URL. */
export function connectBridge(): SchemascopeBridge {
  if (window.schemascope) return window.schemascope;
  const url = new URL(window.location.href);
  const token = url.searchParams.get('token') ?? sessionStorage.getItem('schemascope-token') ?? '';
  if (url.searchParams.has('token')) {
    sessionStorage.setItem('schemascope-token', token);
    url.searchParams.delete('token');
    window.history.replaceState(null, '', url.toString()); // keep the token out of the address bar and history
  }
  return createWebBridge(token);
}
