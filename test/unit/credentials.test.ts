import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../electron/engine/app/engine.ts';
import { EncryptedFileSecretStore } from '../../electron/engine/sources/secret-store.ts';
import { dispatch } from '../../electron/engine/app/dispatch.ts';
import { tempHome } from '../helpers/temp-home.ts';
import { testCipher } from '../helpers/test-cipher.ts';

function everyFile(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) =>
    statSync(path.join(dir, entry)).isDirectory() ? everyFile(path.join(dir, entry)) : [path.join(dir, entry)],
  );
}

const home = tempHome();
afterAll(home.cleanup);

describe('credentials', () => {
  const secret = 'Pa55-word-9c1e';
  const secrets = new EncryptedFileSecretStore(path.join(home.dir, 'secrets.json'), testCipher());
  const engine = createEngine({ home: home.dir, mode: 'electron', secrets });

  it('are kept apart from the catalog and never sent to the renderer', async () => {
    const added = await dispatch(engine.handlers, 'sources/add', {
      name: 'prod',
      url: `postgres://analyst:${secret}@db.internal:5432/sales`,
    });
    expect(added.ok).toBe(true);
    const list = await dispatch(engine.handlers, 'sources/list', {});
    const text = JSON.stringify(list);
    expect(text).not.toContain(secret);
    expect(text).toContain('"hasPassword":true');
    expect(text).toContain('postgres://analyst@db.internal:5432/sales');
  });

  it('are encrypted at rest and readable again after a restart', () => {
    engine.catalog.db.pragma('wal_checkpoint(TRUNCATE)');
    for (const file of everyFile(home.dir)) expect(readFileSync(file).includes(secret), file).toBe(false);
    const id = engine.catalog.listSources()[0]!.id;
    expect(secrets.get(id)).toBe(secret);
    expect(statSync(path.join(home.dir, 'secrets.json')).mode & 0o077).toBe(0);
  });

  it('a password given separately replaces the stored one; removing the source forgets it', async () => {
    const id = engine.catalog.listSources()[0]!.id;
    await dispatch(engine.handlers, 'sources/update', { id, password: 'second-secret' });
    expect(secrets.get(id)).toBe('second-secret');
    await dispatch(engine.handlers, 'sources/remove', { id });
    expect(secrets.get(id)).toBeUndefined();
    await engine.close();
  });
});
