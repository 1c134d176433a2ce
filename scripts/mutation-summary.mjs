#!/usr/bin/env node
// Prints the Markdown summary of the last `npm run test:mutation` (reports/mutation/mutation.json): per file, the
// mutants and what became of them, the score, and every survivor with its line and column (from 1). Pasted into
// RELIABILITY.md's "Mutation testing" section, where each survivor is then killed by a test or explained.
import { readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const file = process.argv[2] ?? path.join(root, 'reports/mutation/mutation.json');
const report = JSON.parse(readFileSync(file, 'utf8'));

const COUNTED = ['Killed', 'Timeout', 'Survived', 'NoCoverage'];
const rows = [];
const survivors = [];
const total = { mutants: 0, Killed: 0, Timeout: 0, Survived: 0, NoCoverage: 0, other: 0 };
for (const [name, entry] of Object.entries(report.files).sort(([a], [b]) => a.localeCompare(b))) {
  const counts = { Killed: 0, Timeout: 0, Survived: 0, NoCoverage: 0, other: 0 };
  for (const mutant of entry.mutants) {
    if (COUNTED.includes(mutant.status)) counts[mutant.status] += 1;
    else counts.other += 1;
    if (mutant.status === 'Survived' || mutant.status === 'NoCoverage') {
      const replacement = (mutant.replacement ?? '').replace(/\s+/g, ' ').slice(0, 70);
      survivors.push(
        `| \`${name}:${mutant.location.start.line}:${mutant.location.start.column}\` | ${mutant.mutatorName} | \`${replacement.replaceAll('|', '\\|').replaceAll('`', "'")}\` | ${mutant.status} |`,
      );
    }
  }
  const valid = counts.Killed + counts.Timeout + counts.Survived + counts.NoCoverage;
  for (const key of Object.keys(counts)) total[key] += counts[key];
  total.mutants += entry.mutants.length;
  rows.push(
    `| \`${name}\` | ${entry.mutants.length} | ${counts.Killed} | ${counts.Timeout} | ${counts.Survived} | ${counts.NoCoverage} | ${score(counts.Killed + counts.Timeout, valid)} |`,
  );
}
const valid = total.Killed + total.Timeout + total.Survived + total.NoCoverage;

function score(detected, valid) {
  return valid === 0 ? 'n/a' : `${((100 * detected) / valid).toFixed(1)} %`;
}

process.stdout.write(`| file | mutants | killed | timed out | survived | no coverage | score |
| --- | --- | --- | --- | --- | --- | --- |
${rows.join('\n')}
| **total** | ${total.mutants} | ${total.Killed} | ${total.Timeout} | ${total.Survived} | ${total.NoCoverage} | **${score(total.Killed + total.Timeout, valid)}** |

Survivors (${survivors.length}):

| where | mutator | replacement | status |
| --- | --- | --- | --- |
${survivors.join('\n')}
`);
