import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { FakeOpenAiOptions } from '../test/fixtures/fake-openai-server.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The fake OpenAI server in a child process, driven over stdin/stdout. */
export class FakeOpenAiProcess {
  url = '';
  #child: ChildProcess | undefined;
  #lines: Interface | undefined;
  #waiting: ((line: string) => void)[] = [];

  async start(options: Partial<FakeOpenAiOptions>): Promise<string> {
    this.#child = spawn(
      process.execPath,
      [path.join(root, 'bin', 'run-ts.mjs'), 'test/fixtures/fake-openai-process.ts', JSON.stringify(options)],
      { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] },
    );
    this.#lines = createInterface({ input: this.#child.stdout! });
    this.#lines.on('line', (line) => this.#waiting.shift()?.(line));
    this.url = (JSON.parse(await this.#next()) as { url: string }).url;
    return this.url;
  }

  #next(): Promise<string> {
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  async command(text: string): Promise<Record<string, number>> {
    const answer = this.#next();
    this.#child!.stdin!.write(`${text}\n`);
    return JSON.parse(await answer) as Record<string, number>;
  }

  stats(): Promise<Record<string, number>> {
    return this.command('stats');
  }

  reset(): Promise<unknown> {
    return this.command('reset');
  }

  configure(options: Partial<FakeOpenAiOptions>): Promise<unknown> {
    return this.command(JSON.stringify(options));
  }

  stop(): void {
    this.#child?.stdin?.end();
    this.#child?.kill();
  }
}
