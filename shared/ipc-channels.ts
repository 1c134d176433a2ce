/**
 * Channel names only, with no dependency: the sandboxed preload imports this file and nothing else from shared/,
 * so it stays tiny. A unit test checks that these lists equal the keys of the contract in ipc-contract.ts.
 */
export const REQUEST_CHANNELS = [
  'app/info',
  'app/pickFile',
  'sources/list',
  'sources/add',
  'sources/update',
  'sources/remove',
  'sources/test',
  'sources/mcpCommands',
  'schema/refresh',
  'schema/tables',
  'schema/table',
  'schema/sample',
  'schema/names',
  'schema/graph',
  'query/execute',
  'query/cancel',
  'query/export',
  'query/explain',
  'index/start',
  'index/pause',
  'index/resume',
  'index/cancel',
  'index/status',
  'search/query',
  'values/status',
  'values/set',
  'values/collect',
  'context/build',
  'context/rank',
  'ask/start',
  'ask/cancel',
  'settings/get',
  'settings/set',
  'history/list',
  'saved/list',
  'saved/save',
  'saved/remove',
  'metrics/snapshot',
  'knowledge/list',
  'knowledge/search',
  'notes/set',
  'notes/remove',
  'glossary/set',
  'glossary/remove',
  'examples/add',
  'examples/update',
  'examples/remove',
  'pack/export',
  'pack/import',
] as const;

export const EVENT_CHANNELS = ['sources/changed', 'schema/changed', 'index/progress', 'ask/delta'] as const;

export type RequestChannel = (typeof REQUEST_CHANNELS)[number];
export type EventChannel = (typeof EVENT_CHANNELS)[number];

export function isRequestChannel(value: unknown): value is RequestChannel {
  return typeof value === 'string' && (REQUEST_CHANNELS as readonly string[]).includes(value);
}
