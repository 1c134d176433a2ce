import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the built renderer is: SCHEMASCOPE_RENDERER_DIR (set by a bundle that knows its place), else `dist/renderer`
 * of the package this file belongs to.
 */
export function rendererDir(): string {
  if (process.env.SCHEMASCOPE_RENDERER_DIR) return process.env.SCHEMASCOPE_RENDERER_DIR;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return path.join(dir, 'dist', 'renderer');
}
