import { createEngine, type Engine } from '../../electron/engine/app/engine.ts';
import type { PoolSettings } from '../../electron/engine/sources/dialect.ts';
import { tempHome } from './temp-home.ts';

/** A real engine on a temporary data folder. */
export function engineFixture(pool: Partial<PoolSettings> = {}): {
  engine: Engine;
  home: string;
  close: () => Promise<void>;
} {
  const home = tempHome();
  const engine = createEngine({ home: home.dir, mode: 'web', pool });
  return {
    engine,
    home: home.dir,
    close: async () => {
      await engine.close();
      home.cleanup();
    },
  };
}
