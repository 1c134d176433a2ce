/** The CLI's options, apart from the command table so that commands can name them without importing the table. */

/** Every option any command takes, for Node's argument parser; each command lists the ones it accepts. */
export const OPTIONS = {
  json: { type: 'boolean' },
  home: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
  offline: { type: 'boolean' },
  limit: { type: 'string' },
  'timeout-ms': { type: 'string' },
  port: { type: 'string' },
  provider: { type: 'string' },
  'base-url': { type: 'string' },
  'api-key': { type: 'string' },
  model: { type: 'string' },
  dimensions: { type: 'string' },
  k: { type: 'string' },
  budget: { type: 'string' },
  concurrency: { type: 'string' },
  'max-inputs': { type: 'string' },
  rpm: { type: 'string' },
  tpm: { type: 'string' },
  'llm-base-url': { type: 'string' },
  'llm-model': { type: 'string' },
  'llm-api-key': { type: 'string' },
  'llm-timeout-ms': { type: 'string' },
  run: { type: 'boolean' },
  out: { type: 'string' },
  encoding: { type: 'string' },
  values: { type: 'string' },
  'include-values': { type: 'boolean' },
  vectors: { type: 'string' },
  match: { type: 'string' },
  source: { type: 'string', multiple: true },
  http: { type: 'boolean' },
} as const;

export type OptionName = keyof typeof OPTIONS;
/** Taken by every command. */
export const GLOBAL_OPTIONS: readonly OptionName[] = ['json', 'home', 'help', 'version'];
