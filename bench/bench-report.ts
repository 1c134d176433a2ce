import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';

export interface BenchSection {
  /** Stable key: the section is replaced in BENCHMARKS.md when the same suite runs again. */
  readonly key: string;
  readonly title: string;
  readonly command: string;
  readonly body: string;
}

export function machineLine(): string {
  const memory = (os.totalmem() / 1024 ** 3).toFixed(0);
  return `${os.cpus().length} cores (${os.cpus()[0]?.model.trim() ?? 'unknown cpu'}), ${memory} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`;
}

export function table(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const line = (cells: readonly (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

const HEADER = `# Benchmarks

Produced by \`npm run bench\` (all suites) or \`npm run bench -- --suite NAME\`. Each section names the exact command,
the machine and the date. The machine is shared and noisy: strategies are compared side by side in one run, and
figures are medians (and p95) of several runs. Unit tests never time anything.
`;

/** Writes or replaces the sections in BENCHMARKS.md, leaving the others as they were. */
export function writeSections(file: string, sections: readonly BenchSection[]): void {
  let text = existsSync(file) ? readFileSync(file, 'utf8') : HEADER;
  for (const section of sections) {
    const start = `<!-- bench:${section.key}:start -->`;
    const end = `<!-- bench:${section.key}:end -->`;
    const block = `${start}\n## ${section.title}\n\nCommand: \`${section.command}\`  \nMachine: ${machineLine()}\n\n${section.body.trim()}\n${end}`;
    const from = text.indexOf(start);
    const to = text.indexOf(end);
    text =
      from >= 0 && to > from
        ? `${text.slice(0, from)}${block}${text.slice(to + end.length)}`
        : `${text.trimEnd()}\n\n${block}\n`;
  }
  writeFileSync(file, text.endsWith('\n') ? text : `${text}\n`);
}

export function ms(value: number): string {
  return value >= 100 ? `${Math.round(value)} ms` : `${value.toFixed(1)} ms`;
}
