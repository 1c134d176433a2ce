/**
 * A corpus of bad input, kept in the repo: malformed connection URLs, SQL the guard must refuse, invalid IPC payloads
 * for every kind of channel, invalid settings, hostile identifiers. Each case names the error kind it must get.
 * `DEMO` is replaced by the demo source's id when the case runs.
 */
export interface BadInputCase {
  readonly family: 'connection URL' | 'SQL' | 'IPC payload' | 'settings' | 'identifier';
  readonly channel: string;
  readonly payload: unknown;
  readonly kind: string;
  /** A fragment the message must contain (names the problem). */
  readonly says?: string;
}

const url = (value: string, says: string): BadInputCase => ({ family: 'connection URL', channel: 'sources/add', payload: { name: 'x', url: value }, kind: 'invalid_input', says });
const sql = (value: string, says: string, kind = 'read_only_violation'): BadInputCase => ({ family: 'SQL', channel: 'query/execute', payload: { sourceId: 'DEMO', sql: value }, kind, says });
const payload = (channel: string, value: unknown, says: string, kind = 'invalid_input'): BadInputCase => ({ family: 'IPC payload', channel, payload: value, kind, says });
const settings = (value: unknown, says: string): BadInputCase => ({ family: 'settings', channel: 'index/start', payload: { sourceId: 'DEMO', settings: value }, kind: 'invalid_input', says });

export const BAD_INPUT: readonly BadInputCase[] = [
  url('', 'url'),
  url('localhost:5432', 'Unknown database engine'),
  url('db.example.com', 'no scheme'),
  url('oracle://x/y', 'oracle'),
  url('mongodb://x/y', 'mongodb'),
  url('mysql://', 'no host'),
  url('postgres://:5432/db', 'malformed'),
  url('mysql://host:99999/db', 'malformed'),
  url('mysql://host:0/db', 'between 1 and 65535'),
  url('postgres://host/db/extra', 'single database name'),
  url('postgres://host/%E0%A4%A', '%-escape'),
  url('sqlite:', 'no file path'),
  url('sqlite::memory:', 'in-memory'),
  url('sqlite:%zz', '%-escape'),
  url('mysql://host/db\u0000', 'control characters'),
  url(`postgres://host/${'x'.repeat(5000)}`, '4096'),
  sql('DROP TABLE sls_cust', 'DROP'),
  sql('SELECT 1; DELETE FROM sls_cust', 'one statement'),
  sql('WITH d AS (DELETE FROM sls_cust RETURNING *) SELECT * FROM d', 'DELETE'),
  sql("SELECT * INTO OUTFILE '/tmp/x' FROM sls_cust", 'INTO'),
  sql("SELECT LOAD_FILE('/etc/passwd')", 'load_file'),
  sql("SELECT load_extension('/tmp/evil.so')", 'load_extension'),
  sql("ATTACH DATABASE '/tmp/evil.db' AS evil", 'ATTACH'),
  sql('PRAGMA writable_schema = 1', 'PRAGMA'),
  sql('UPDATE sls_cust SET cust_nm = NULL', 'UPDATE'),
  sql('INSERT INTO sls_cust (cust_id) VALUES (-1) RETURNING cust_id', 'INSERT'),
  sql('VACUUM', 'VACUUM'),
  sql('SELECT * FROM no_such_table_anywhere', 'no such table', 'invalid_input'),
  sql('SELEC * FROM sls_cust', 'SELEC'),
  sql('   ', 'empty', 'invalid_input'),
  payload('query/execute', { sourceId: 'DEMO' }, 'sql'),
  payload('query/execute', { sourceId: 'DEMO', sql: 42 }, 'sql'),
  payload('query/execute', { sourceId: 'DEMO', sql: 'SELECT 1', limit: 0 }, 'limit'),
  payload('query/execute', { sourceId: 'DEMO', sql: 'SELECT 1', limit: 1e12 }, 'limit'),
  payload('query/execute', { sourceId: 'DEMO', sql: 'SELECT 1', timeoutMs: -1 }, 'timeoutMs'),
  payload('query/execute', { sourceId: 'DEMO', sql: 'SELECT 1', extra: true }, 'extra'),
  payload('query/execute', { sourceId: 'DEMO', sql: 'x'.repeat(1_000_001) }, 'sql'),
  payload('query/cancel', {}, 'queryId'),
  payload('query/export', { sourceId: 'DEMO' }, 'sql'),
  { family: 'SQL', channel: 'query/export', payload: { sourceId: 'DEMO', sql: 'SELECT 1; DROP TABLE sls_cust' }, kind: 'read_only_violation', says: 'statement' },
  payload('sources/list', { admin: true }, 'admin'),
  payload('sources/list', [], 'payload'),
  payload('sources/add', { name: '', url: 'sqlite:/tmp/x.db' }, 'name'),
  payload('sources/add', { name: 'x'.repeat(300), url: 'sqlite:/tmp/x.db' }, 'name'),
  payload('sources/add', { name: 'x', url: 'sqlite:/tmp/x.db', password: 7 }, 'password'),
  payload('sources/remove', { id: '' }, 'id'),
  payload('sources/update', { id: 'nope', name: 'x' }, 'No source', 'not_found'),
  payload('schema/tables', { sourceId: 'no-such-source' }, 'No source', 'not_found'),
  payload('schema/table', { sourceId: 'DEMO', schema: 'main', table: 'no_such_table' }, 'no_such_table', 'not_found'),
  payload('schema/table', { sourceId: 'DEMO', schema: 'main' }, 'table'),
  payload('search/query', { sourceId: 'DEMO', text: '' }, 'empty'),
  payload('search/query', { sourceId: 'DEMO', text: 'x', k: 0 }, 'k'),
  payload('index/pause', { sourceId: 'DEMO' }, 'No indexing run', 'not_found'),
  payload('context/build', { sourceId: 'DEMO', question: '' }, 'question'),
  payload('context/build', { sourceId: 'DEMO', question: 'x', budget: 10 }, 'budget'),
  payload('context/build', { sourceId: 'DEMO', question: 'q'.repeat(5000) }, '4,000'),
  payload('ask/start', { sourceId: 'DEMO', question: 'x' }, 'askId'),
  payload('ask/start', { askId: 'a', sourceId: 'DEMO', question: 'x', run: 'yes' }, 'run'),
  payload('ask/cancel', { askId: 5 }, 'askId'),
  payload('settings/set', { llm: { baseUrl: 'javascript:alert(1)' } }, 'not an http(s) URL'),
  payload('settings/set', { llm: { baseUrl: 'ftp://example.com/v1' } }, 'not an http(s) URL'),
  payload('settings/set', { llm: { model: 'm', apiKey: 'k'.repeat(600) } }, 'apiKey'),
  payload('settings/set', { rowLimit: 0 }, 'rowLimit'),
  payload('settings/set', { contextBudget: 50 }, 'contextBudget'),
  payload('settings/set', { theme: 'dark' }, 'theme'),
  payload('history/list', { sourceId: 'DEMO', limit: 5000 }, 'limit'),
  payload('saved/save', { sourceId: 'DEMO', name: '', sql: 'SELECT 1' }, 'name'),
  payload('saved/save', { sourceId: 'no-such-source', name: 'n', sql: 'SELECT 1' }, 'No source', 'not_found'),
  payload('saved/remove', { id: 999_999 }, 'No saved query', 'not_found'),
  payload('saved/remove', { id: -1 }, 'id'),
  payload('fs/readFile', { path: '/etc/passwd' }, 'Unknown channel'),
  payload('__proto__', {}, 'Unknown channel'),
  payload('constructor', {}, 'Unknown channel'),
  payload('sources/list', JSON.parse('{"__proto__": {"polluted": true}}'), '__proto__'),
  settings({ provider: 'magic' }, 'provider'),
  settings({ provider: 'openai', baseUrl: 'not a url' }, 'baseUrl'),
  settings({ provider: 'local', dimensions: 3 }, 'dimensions'),
  settings({ provider: 'openai', concurrency: 0 }, 'concurrency'),
  settings({ provider: 'openai', requestsPerMinute: -5 }, 'requestsPerMinute'),
  settings({ provider: 'openai', model: '' }, 'model'),
  settings({ provider: 'local', unknownOption: 1 }, 'unknownOption'),
  { family: 'identifier', channel: 'schema/table', payload: { sourceId: 'DEMO', schema: 'main', table: "x'; DROP TABLE sls_cust; --" }, kind: 'not_found', says: 'DROP TABLE' },
  { family: 'identifier', channel: 'schema/sample', payload: { sourceId: 'DEMO', schema: 'main', table: 'nope"; DROP TABLE sls_cust; --' }, kind: 'invalid_input', says: 'no such table' },
  { family: 'identifier', channel: 'schema/table', payload: { sourceId: 'DEMO', schema: 'main', table: 'x'.repeat(2000) }, kind: 'invalid_input', says: 'table' },
];
