import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** E2E tier: build the renderer (always: the tests must see the current UI) and require Debian's Chromium. */
export default function setup(): void {
  execFileSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
  if (!existsSync(chromiumPath())) {
    throw new Error(
      `Chromium not found at ${chromiumPath()}: install it with \`apt-get install -y chromium\` (see .ci/run).`,
    );
  }
}

export function chromiumPath(): string {
  return process.env.SCHEMASCOPE_CHROMIUM ?? '/usr/bin/chromium';
}
