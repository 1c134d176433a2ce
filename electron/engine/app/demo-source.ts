import { existsSync, mkdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import type { Engine } from './engine.ts';
import { demoSchema } from '../demo/demo-schema.ts';
import { writeSqliteDatabase } from '../demo/schema-writer.ts';

export const DEMO_SOURCE_ID = 'demo';
export const DEMO_FILE_NAME = 'demo-northwind-holdings.sqlite';

/**
 * Makes sure the built-in demo database exists in the data folder and is registered as a source. Generated once,
 * at first start, into a temporary file renamed into place, so a crash never leaves half a demo behind.
 */
export function ensureDemoSource(engine: Engine): { sourceId: string; file: string; created: boolean } {
  const file = path.join(engine.home, DEMO_FILE_NAME);
  let created = false;
  if (!existsSync(file)) {
    mkdirSync(engine.home, { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    writeSqliteDatabase(demoSchema(), temporary);
    renameSync(temporary, file);
    created = true;
  }
  const existing = engine.catalog.listSources().find((source) => source.id === DEMO_SOURCE_ID);
  if (!existing)
    engine.sources.add({ id: DEMO_SOURCE_ID, name: 'Demo: Northwind Holdings', url: `sqlite:${file}`, isDemo: true });
  return { sourceId: DEMO_SOURCE_ID, file, created };
}
