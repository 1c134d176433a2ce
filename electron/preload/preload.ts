/**
 * The sandboxed preload: exposes one named function per contract channel and an event subscription. Never
 * ipcRenderer itself, never Node. Bundled to CommonJS (sandboxed preloads cannot load ES modules).
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { REQUEST_CHANNELS } from '../../shared/ipc-channels.ts';

const EVENT_CHANNEL = 'schemascope:event';

const invoke = Object.freeze(
  Object.fromEntries(
    REQUEST_CHANNELS.map((channel) => [channel, (request: unknown) => ipcRenderer.invoke(channel, request)]),
  ),
);

contextBridge.exposeInMainWorld('schemascope', {
  invoke,
  subscribe(listener: (event: unknown) => void): () => void {
    const forward = (_event: IpcRendererEvent, message: unknown): void => listener(message);
    ipcRenderer.on(EVENT_CHANNEL, forward);
    return () => ipcRenderer.removeListener(EVENT_CHANNEL, forward);
  },
});
