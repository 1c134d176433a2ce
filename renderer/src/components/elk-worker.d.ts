/** Vite's worker import: the module's default export constructs the bundled worker. */
declare module 'elkjs/lib/elk-worker.min.js?worker' {
  const WorkerConstructor: new () => Worker;
  export default WorkerConstructor;
}
