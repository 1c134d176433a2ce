// Runs the TypeScript worker from sources (CLI, tests, web mode); the Electron build bundles it instead.
import { register } from 'tsx/esm/api';

register();
await import('./local-embed-worker.ts');
