import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The worktree's root (bench/public/ is two levels down). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** Everything the public benchmark writes locally (SQLite copy, engine data folder, markers); git-ignored. */
export const CACHE_DIR = path.join(REPO_ROOT, '.cache', 'public');

/** The 11 defog databases, in the order the defog-data repository lists them. */
export const DEFOG_DATABASES = [
  'academic',
  'advising',
  'atis',
  'broker',
  'car_dealership',
  'derm_treatment',
  'ewallet',
  'geography',
  'restaurants',
  'scholar',
  'yelp',
] as const;

export interface DatasetPaths {
  readonly root: string;
  readonly defogSql: (database: string) => string;
  readonly defogMetadata: (database: string) => string;
  readonly spiderTables: string;
  readonly goldRefs: string;
}

/** `$SCHEMASCOPE_DATASETS`, or `../shared/datasets` next to the repository; a clear error when it is not there. */
export function datasetPaths(): DatasetPaths {
  const root = path.resolve(process.env.SCHEMASCOPE_DATASETS ?? path.resolve(REPO_ROOT, '../shared/datasets'));
  const paths: DatasetPaths = {
    root,
    defogSql: (database) => path.join(root, 'defog', 'databases', database, `${database}.sql`),
    defogMetadata: (database) => path.join(root, 'defog', 'databases', database, `${database}.json`),
    spiderTables: path.join(root, 'spider-train-schemas', 'tables.json'),
    goldRefs: path.join(root, 'defog', 'gold_schema_refs_postgres.jsonl'),
  };
  const needed = [
    paths.spiderTables,
    paths.goldRefs,
    ...DEFOG_DATABASES.flatMap((database) => [paths.defogSql(database), paths.defogMetadata(database)]),
  ];
  const missing = needed.filter((file) => !existsSync(file));
  if (missing.length > 0) {
    throw new Error(
      `The public benchmark needs the datasets folder (defog + Spider schemas) at ${root}, but ${missing.length} file(s) are missing, e.g. ${missing[0]}. ` +
        'Set SCHEMASCOPE_DATASETS to the folder that holds defog/ and spider-train-schemas/ (see its README.md).',
    );
  }
  return paths;
}

/** sha256 of files' contents (and names), in the order given: the "what was loaded" marker. */
export function hashFiles(files: readonly string[], extra: readonly string[] = []): string {
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(path.basename(file)).update('\0').update(readFileSync(file)).update('\0');
  }
  for (const text of extra) hash.update(text).update('\0');
  return hash.digest('hex');
}

/** Every `.ts` file under some folders, sorted: hashed so that a code change invalidates what it produced. */
export function sourceFiles(...folders: string[]): string[] {
  const found: string[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(ts|mjs)$/.test(entry.name)) found.push(full);
    }
  };
  for (const folder of folders) walk(path.join(REPO_ROOT, folder));
  return found.sort();
}
