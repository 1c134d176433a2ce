import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
for (let i = 0; i < 3; i++) {
const t0 = performance.now();
const transport = new StdioClientTransport({ command: process.execPath, args: ['bin/schemascope.mjs', 'mcp', '--home', '/tmp/mcp-smoke-home'], stderr: 'inherit' });
const client = new Client({ name: 'smoke', version: '1' });
await client.connect(transport);
const t1 = performance.now();
await client.listTools();
const t2 = performance.now();
const r = await client.callTool({ name: 'list_sources', arguments: {} });
const t3 = performance.now();
console.log('initialize', Math.round(t1 - t0), 'tools/list', Math.round(t2 - t1), 'first call', Math.round(t3 - t2), r.isError ? r.content[0].text : '');
await client.close();
}
