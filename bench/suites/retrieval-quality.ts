import { demoSchema } from '../../electron/engine/demo/demo-schema.ts';
import { writeSqliteDatabase } from '../../electron/engine/demo/schema-writer.ts';
import { buildDocuments } from '../../electron/engine/search/embedding-documents.ts';
import { LocalEmbeddingProvider } from '../../electron/engine/search/local-provider.ts';
import { introspectSqlite } from '../../electron/engine/sources/sqlite/sqlite-introspector.ts';
import { openSqlite } from '../../electron/engine/platform/open-sqlite.ts';
import { tempHome } from '../../test/helpers/temp-home.ts';
import { table, type BenchSection } from '../bench-report.ts';
import { DEMO_QUESTIONS } from '../questions/demo-questions.ts';

/** Tables ranked by their best document (the table's or one of its columns') for a query. */
function rankTables(
  provider: LocalEmbeddingProvider,
  documents: ReturnType<typeof buildDocuments>,
  vectors: Float32Array[],
  question: string,
): string[] {
  const query = provider.embedOne(question);
  const best = new Map<string, number>();
  documents.forEach((document, index) => {
    const vector = vectors[index]!;
    let score = 0;
    for (let dimension = 0; dimension < vector.length; dimension += 1) score += vector[dimension]! * query[dimension]!;
    if (score > (best.get(document.table) ?? -Infinity)) best.set(document.table, score);
  });
  return [...best].sort((a, b) => b[1] - a[1]).map(([name]) => name);
}

/**
 * Chooses the built-in provider's method by measured retrieval quality: each variant of the lexical embedding ranks
 * the demo schema's tables for the question set; recall@k = share of questions with a needed table in the top k.
 */
export async function retrievalQualitySuite(): Promise<BenchSection> {
  const home = tempHome();
  const file = `${home.dir}/demo.sqlite`;
  writeSqliteDatabase(demoSchema(), file);
  const db = openSqlite(file, { readonly: true });
  const documents = buildDocuments(introspectSqlite(db, 'demo').snapshot);
  db.close();
  const variants: [string, LocalEmbeddingProvider][] = [
    [
      'words only (identifiers split, abbreviations expanded)',
      new LocalEmbeddingProvider({ features: { trigrams: false, bigrams: false } }),
    ],
    ['words + word bigrams', new LocalEmbeddingProvider({ features: { trigrams: false, bigrams: true } })],
    ['words + character trigrams', new LocalEmbeddingProvider({ features: { trigrams: true, bigrams: false } })],
    ['words + bigrams + trigrams (default)', new LocalEmbeddingProvider()],
    ['default at 256 dimensions', new LocalEmbeddingProvider({ dimensions: 256 })],
    ['default at 1024 dimensions', new LocalEmbeddingProvider({ dimensions: 1024 })],
  ];
  const rows: (string | number)[][] = [];
  for (const [name, provider] of variants) {
    const vectors = documents.map((document) => provider.embedOne(document.text));
    const ranks = DEMO_QUESTIONS.map(({ question, anyOf }) => {
      const ranking = rankTables(provider, documents, vectors, question);
      const positions = anyOf.map((tableName) => ranking.indexOf(tableName)).filter((position) => position >= 0);
      return positions.length > 0 ? Math.min(...positions) + 1 : Infinity;
    });
    const recall = (k: number) => `${Math.round((ranks.filter((rank) => rank <= k).length / ranks.length) * 100)}%`;
    const reciprocal = ranks.reduce((sum, rank) => sum + (Number.isFinite(rank) ? 1 / rank : 0), 0) / ranks.length;
    rows.push([name, provider.id, recall(1), recall(5), recall(10), reciprocal.toFixed(2)]);
  }
  home.cleanup();
  return {
    key: 'retrieval-quality',
    title: 'Retrieval quality of the built-in offline provider (how its method was chosen)',
    command: 'npm run bench -- --suite retrieval-quality',
    body: `${DEMO_QUESTIONS.length} analyst questions over the demo database (${documents.length.toLocaleString('en-US')} table and column documents), each with the
tables its answer needs (bench/questions/demo-questions.ts, written before any run). A table's score is its best
document's cosine; recall@k is the share of questions with a needed table among the top k tables.

${table(['variant', 'provider id', 'recall@1', 'recall@5', 'recall@10', 'MRR'], rows)}

Word vectors from a registry package (GloVe-derived) were not tried yet; this table is where they would have to win.`,
  };
}
