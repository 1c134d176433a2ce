import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * A package loaded on first use rather than at start-up: the SDKs and drivers take 0.1-1 s to load, and most commands
 * need none of them (`schemascope introspect --offline` needs no driver, no SDK, no tokenizer). Synchronous (Node's
 * `require`), so the code that uses it keeps its shape.
 */
export function lazyModule<T>(name: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(name) as T);
}
