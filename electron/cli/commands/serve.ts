import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../../../shared/errors.ts';
import { ensureDemoSource } from '../../engine/app/demo-source.ts';
import { portOption, type CommandRun } from '../command-context.ts';
import { rendererDir } from '../../web/renderer-dir.ts';

/** Web mode until Ctrl+C or SIGTERM: the same UI and handlers on 127.0.0.1 behind a random token. */
/** A checkout whose UI was never built (or was cleaned) builds it once, rather than serving a 503. */
function ensureRendererBuilt(io: { stderr: (text: string) => void }): void {
  const dir = rendererDir();
  if (existsSync(path.join(dir, 'index.html'))) return;
  const script = path.resolve(dir, '..', '..', 'scripts', 'build.mjs');
  if (!existsSync(script)) throw new AppError('not_available', `The UI is not built (${dir} has no index.html).`);
  io.stderr('The UI is not built yet: building it once (npm run build)...');
  execFileSync(process.execPath, [script], {
    stdio: ['ignore', 'ignore', 'inherit'],
    cwd: path.dirname(path.dirname(script)),
  });
}

export const serve: CommandRun = async (context) => {
  const port = portOption(context.values.port);
  ensureRendererBuilt(context.io);
  const { startWebServer } = await import('../../web/web-server.ts');
  ensureDemoSource(context.engine);
  const server = await startWebServer({
    handlers: context.engine.handlers,
    events: context.engine.events,
    staticDir: rendererDir(),
    port,
  });
  if (context.values.json) context.io.stdout(JSON.stringify({ url: server.url, port: server.port }));
  else context.io.stdout(`Schemascope web mode (loopback only): ${server.url}`);
  await new Promise<void>((resolve) => {
    if (context.signal.aborted) resolve();
    context.signal.addEventListener('abort', () => resolve(), { once: true });
    process.once('SIGTERM', resolve);
  });
  await server.close();
  return { output: {}, quiet: true };
};
