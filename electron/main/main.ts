/**
 * The Electron main process: Electron-only glue. Windows, ipcMain, safeStorage, menus. Everything else is the
 * plain-Node engine, created here exactly as the CLI and the web server create it.
 */
import { app, BrowserWindow, dialog, ipcMain, safeStorage, session, shell } from 'electron';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ensureDemoSource } from '../engine/app/demo-source.ts';
import { createEngine, type Engine } from '../engine/app/engine.ts';
import { EncryptedFileSecretStore, MemorySecretStore, type SecretStore } from '../engine/sources/secret-store.ts';
import { forwardEvents, registerIpcHandlers, trustedRendererUrl } from './ipc-main-adapter.ts';
import {
  CONTENT_SECURITY_POLICY,
  isAllowedNavigation,
  isSafeExternalUrl,
  secureWebPreferences,
} from './window-security.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const rendererIndex = path.join(here, '..', 'renderer', 'index.html');
const rendererUrl = pathToFileURL(rendererIndex).href;

if (app.isPackaged) {
  process.env.SCHEMASCOPE_SQLITE_BINDING ??= path.join(process.resourcesPath, 'native', 'better_sqlite3.node');
}
process.env.SCHEMASCOPE_WORKER_DIR ??= path.join(here, 'workers');

app.setName('Schemascope');
app.enableSandbox();

function secretStore(home: string): SecretStore {
  if (!safeStorage.isEncryptionAvailable()) return new MemorySecretStore();
  return new EncryptedFileSecretStore(path.join(home, 'secrets.json'), {
    encrypt: (plain) => safeStorage.encryptString(plain),
    decrypt: (encrypted) => safeStorage.decryptString(encrypted),
  });
}

/** The one door to the outside web. */
export function openExternal(url: string): void {
  if (isSafeExternalUrl(url)) void shell.openExternal(url);
}

function createWindow(engine: Engine): BrowserWindow {
  const window = new BrowserWindow({
    width: 1400,
    height: 900,
    minWidth: 900,
    minHeight: 560,
    title: 'Schemascope',
    backgroundColor: '#1b1e24',
    show: false,
    webPreferences: secureWebPreferences(path.join(here, 'preload.cjs')),
  });
  window.once('ready-to-show', () => window.show());
  window.webContents.setWindowOpenHandler(({ url }) => {
    openExternal(url);
    return { action: 'deny' };
  });
  window.webContents.on('will-navigate', (event, url) => {
    if (!isAllowedNavigation(url, rendererUrl)) event.preventDefault();
  });
  window.webContents.on('will-attach-webview', (event) => event.preventDefault());
  const stop = forwardEvents(engine.events, (channel, message) => {
    if (!window.isDestroyed()) window.webContents.send(channel, message);
  });
  window.on('closed', stop);
  void window.loadFile(rendererIndex);
  return window;
}

async function main(): Promise<void> {
  await app.whenReady();
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));

  const home = app.getPath('userData');
  const engine = createEngine({
    home,
    mode: 'electron',
    secrets: secretStore(home),
    platform: {
      pickSqliteFile: async () => {
        const result = await dialog.showOpenDialog({
          title: 'Open a SQLite database',
          properties: ['openFile'],
          filters: [
            { name: 'SQLite databases', extensions: ['sqlite', 'sqlite3', 'db', 'db3', 's3db'] },
            { name: 'All files', extensions: ['*'] },
          ],
        });
        return result.canceled ? null : (result.filePaths[0] ?? null);
      },
      pickSavePath: async (suggested) => {
        const result = await dialog.showSaveDialog({
          title: 'Export the whole result as CSV',
          defaultPath: path.join(app.getPath('downloads'), path.basename(suggested)),
          filters: [{ name: 'CSV', extensions: ['csv'] }],
        });
        return result.canceled ? null : (result.filePath ?? null);
      },
    },
  });
  ensureDemoSource(engine);
  registerIpcHandlers(ipcMain, engine.handlers, trustedRendererUrl(rendererUrl));
  createWindow(engine);

  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow(engine);
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('will-quit', () => void engine.close());
}

void main();
