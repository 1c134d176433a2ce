import os from 'node:os';
import path from 'node:path';

/**
 * The data folder: `--home`, else SCHEMASCOPE_HOME, else the same folder Electron's `userData` uses for the app
 * named Schemascope, so the CLI, web mode and the desktop app share one catalog.
 */
export function resolveHome(explicit?: string): string {
  if (explicit) return path.resolve(explicit);
  if (process.env.SCHEMASCOPE_HOME) return path.resolve(process.env.SCHEMASCOPE_HOME);
  const home = os.homedir();
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Schemascope');
  if (process.platform === 'win32')
    return path.join(process.env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Schemascope');
  return path.join(process.env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'Schemascope');
}
