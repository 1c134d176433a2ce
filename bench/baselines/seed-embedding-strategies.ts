/**
 * The predecessor's two strategies from the seed review, kept only as benchmark baselines: one input per request,
 * sequential; and "with fixes": batches of 50 items, each item its own request, at most 10 at once. Vectors kept in
 * a plain Map, as the predecessor did.
 */
import OpenAI from 'openai';
import pLimit from 'p-limit';

export async function seedSequential(
  baseURL: string,
  texts: readonly string[],
  dimensions: number,
): Promise<Map<string, number[]>> {
  const client = new OpenAI({ apiKey: 'seed', baseURL, maxRetries: 2 });
  const memoryCache = new Map<string, number[]>();
  for (const text of texts) {
    const response = await client.embeddings.create({
      model: 'text-embedding-3-small',
      input: text,
      dimensions,
      encoding_format: 'float',
    });
    memoryCache.set(text, response.data[0]!.embedding);
  }
  return memoryCache;
}

export async function seedWithFixes(
  baseURL: string,
  texts: readonly string[],
  dimensions: number,
): Promise<Map<string, number[]>> {
  const client = new OpenAI({ apiKey: 'seed', baseURL, maxRetries: 2 });
  const memoryCache = new Map<string, number[]>();
  const semaphore = pLimit(10);
  const BATCH_SIZE = 50;
  for (let index = 0; index < texts.length; index += BATCH_SIZE) {
    const batch = texts.slice(index, index + BATCH_SIZE);
    await Promise.allSettled(
      batch.map((text) =>
        semaphore(async () => {
          const response = await client.embeddings.create({
            model: 'text-embedding-3-small',
            input: text,
            dimensions,
            encoding_format: 'float',
          });
          memoryCache.set(text, response.data[0]!.embedding);
        }),
      ),
    );
  }
  return memoryCache;
}
