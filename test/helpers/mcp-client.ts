import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/schemascope.mjs');

export interface ToolAnswer {
  readonly text: string;
  readonly isError: boolean;
}

export interface McpSession {
  readonly client: Client;
  /** Everything the server wrote on stderr so far (stdio only). */
  stderr(): string;
  call(
    name: string,
    args?: Record<string, unknown>,
    options?: { signal?: AbortSignal; timeout?: number },
  ): Promise<ToolAnswer>;
  close(): Promise<void>;
}

function session(client: Client, stderr: () => string, close: () => Promise<void>): McpSession {
  return {
    client,
    stderr,
    async call(name, args = {}, options = {}) {
      const result = await client.callTool({ name, arguments: args }, undefined, {
        signal: options.signal,
        timeout: options.timeout ?? 60_000,
      });
      const content = result.content as { type: string; text?: string }[];
      return { text: content.map((part) => part.text ?? '').join('\n'), isError: Boolean(result.isError) };
    },
    close,
  };
}

/** `schemascope mcp` as a child process, driven by the SDK's own client over stdio. */
export async function connectStdio(args: string[], env: Record<string, string> = {}): Promise<McpSession> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [bin, 'mcp', ...args],
    env: { ...(process.env as Record<string, string>), ...env },
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const client = new Client({ name: 'schemascope-test', version: '1.0.0' });
  await client.connect(transport);
  return session(
    client,
    () => stderr,
    () => client.close(),
  );
}

export interface HttpServerProcess {
  readonly url: string;
  readonly port: number;
  readonly token: string;
  stderr(): string;
  connect(): Promise<McpSession>;
  stop(): Promise<void>;
}

/** `schemascope mcp --http --json` as a child process: its URL and token, and SDK clients over Streamable HTTP. */
export async function startHttp(args: string[]): Promise<HttpServerProcess> {
  const child = spawn(process.execPath, [bin, 'mcp', '--http', '--json', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const announced = await new Promise<{ url: string; port: number; token: string }>((resolve, reject) => {
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split('\n')[0];
      if (stdout.includes('\n') && line) resolve(JSON.parse(line) as { url: string; port: number; token: string });
    });
    child.once('exit', (code) => reject(new Error(`mcp --http exited with ${code}: ${stderr}`)));
  });
  return {
    ...announced,
    stderr: () => stderr,
    async connect() {
      const transport = new StreamableHTTPClientTransport(new URL(announced.url), {
        requestInit: { headers: { Authorization: `Bearer ${announced.token}` } },
      });
      const client = new Client({ name: 'schemascope-test', version: '1.0.0' });
      await client.connect(transport);
      return session(
        client,
        () => stderr,
        async () => {
          await transport.terminateSession().catch(() => undefined);
          await client.close();
        },
      );
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
