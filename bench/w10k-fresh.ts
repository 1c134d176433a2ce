/**
 * Run by `bench/w10k-run.ts` as a process of its own on the data folder it indexed: the first question and the first
 * search of a fresh engine (what a CLI call or an MCP server meets), with this process's RSS peak. Prints one JSON line.
 */
import { createEngine } from '../electron/engine/app/engine.ts';
import { dispatch } from '../electron/engine/app/dispatch.ts';

const [home, sourceId, question, searchText] = process.argv.slice(2);
let rssPeak = 0;
const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 50);

const engine = createEngine({ home: home!, mode: 'web' });
async function timed(channel: string, payload: unknown): Promise<number> {
  const at = performance.now();
  const answer = await dispatch(engine.handlers, channel, payload);
  if (!answer.ok) throw new Error(`${channel}: ${answer.error.kind}: ${answer.error.message}`);
  return performance.now() - at;
}
const contextMs = await timed('context/build', { sourceId, question, budget: 4000 });
const searchMs = await timed('search/query', { sourceId, text: searchText, k: 20 });
clearInterval(sampler);
process.stdout.write(`${JSON.stringify({ contextMs, searchMs, rssPeakMb: rssPeak / 1024 / 1024 })}\n`);
await engine.close();
process.exit(0);
