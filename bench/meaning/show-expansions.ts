/**
 * What each expansion adds to a few benchmark questions, to read (not to tune):
 *
 *   node bin/run-ts.mjs bench/meaning/show-expansions.ts [--count 15]
 */
import { parseArgs } from 'node:util';
import { lexicalTerms } from '../../electron/engine/search/identifier-words.ts';
import { LexicalIndex } from '../../electron/engine/search/lexical-index.ts';
import { ensureDatabases } from '../public/ensure-databases.ts';
import { openPublicHome } from '../public/engine-home.ts';
import { readQuestions } from '../public/questions.ts';
import { vectorExpansion, wordnetExpansion } from './expansion.ts';
import { loadWinkVectors } from './word-vectors.ts';
import { loadWordnet } from './wordnet.ts';

const { values } = parseArgs({ options: { count: { type: 'string', default: '15' } } });
const log = (line: string) => process.stderr.write(`[meaning] ${line}\n`);
const loaded = await ensureDatabases(['sqlite'], log);
const home = await openPublicHome(loaded, ['sqlite'], log);
const { record } = await home.engine.sources.snapshot(home.sourceIds.get('sqlite')!);
const index = new LexicalIndex(home.engine.catalog.loadSnapshot(record.id).tables);
await home.engine.close();
const vectors = vectorExpansion(loadWinkVectors());
const wordnet = wordnetExpansion(loadWordnet());
const questions = readQuestions(loaded.paths.goldRefs).filter((question) => question.set !== 'idk');
const step = Math.max(1, Math.floor(questions.length / Number(values.count)));
for (let at = 0; at < questions.length; at += step) {
  const terms = lexicalTerms(questions[at]!.text);
  const show = (stems: readonly { stem: string; weight: number }[]) =>
    stems.map(({ stem, weight }) => `${stem} ${weight.toFixed(2)}`).join(', ') || '-';
  process.stdout.write(
    `${questions[at]!.text.slice(0, 140)}\n  vectors: ${show(vectors.expand(terms, index))}\n  wordnet: ${show(wordnet.expand(terms, index).filter(({ stem }) => index.idOf(stem) !== undefined))}\n`,
  );
}
process.exit(0);
