/** The indexer worker's thin entry: runs one IndexRun, forwards its events, obeys pause/resume/cancel. */
import { parentPort } from 'node:worker_threads';
import { IndexRun } from './index-run.ts';
import type { IndexerEvent, IndexerRequest } from './indexer-protocol.ts';

let run: IndexRun | undefined;
const emit = (event: IndexerEvent) => parentPort!.postMessage(event);

parentPort!.on('message', (request: IndexerRequest) => {
  if (request.type === 'start' && !run) {
    run = new IndexRun(request.job, emit);
    void run.run().then((summary) => emit({ type: 'done', summary }));
  } else if (request.type === 'pause') run?.pause();
  else if (request.type === 'resume') run?.resume();
  else if (request.type === 'cancel') run?.cancel();
});
