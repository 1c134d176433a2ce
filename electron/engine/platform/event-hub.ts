import type { EventChannel } from '../../../shared/ipc-channels.ts';
import type { EngineEvent, EventOf } from '../../../shared/ipc-contract.ts';

export type { EngineEvent } from '../../../shared/ipc-contract.ts';
export type EngineEventListener = (event: EngineEvent) => void;

/** Fan-out of engine events to the adapters (IPC webContents.send, SSE streams). Listeners are few and known. */
export class EventHub {
  readonly #listeners = new Set<EngineEventListener>();

  emit<E extends EventChannel>(channel: E, payload: EventOf<E>): void {
    for (const listener of this.#listeners) {
      try {
        listener({ channel, payload } as EngineEvent);
      } catch {
        // A broken listener (a closed window) must not stop the others.
      }
    }
  }

  subscribe(listener: EngineEventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get listenerCount(): number {
    return this.#listeners.size;
  }
}
