import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The app's version: written into the bundles at build time; from sources, read from the nearest package.json up
 * the tree (the depth differs between sources and bundles, so no fixed relative path).
 */
export function appVersion(): string {
  if (process.env.SCHEMASCOPE_BUILD_VERSION) return process.env.SCHEMASCOPE_BUILD_VERSION;
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file)) {
      try {
        return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version ?? '0.0.0';
      } catch {
        return '0.0.0';
      }
    }
    if (path.dirname(dir) === dir) return '0.0.0';
  }
}
