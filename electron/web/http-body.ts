import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError } from '../../shared/errors.ts';

/** The largest request body the loopback servers (web mode, MCP over HTTP) accept. */
export const MAX_BODY_BYTES = 2 * 1024 * 1024;
/** Past this the connection is cut instead of drained. */
const DRAIN_LIMIT_BYTES = 16 * 1024 * 1024;

/** A body over the limit: an `invalid_input` error the servers answer with 413. */
export class BodyTooLargeError extends AppError {
  constructor() {
    super('invalid_input', `The request body is larger than ${MAX_BODY_BYTES} bytes.`);
  }
}

/**
 * Reads a body up to MAX_BODY_BYTES. A larger body is drained and refused with {@link BodyTooLargeError} once it has
 * arrived (so the client reads the answer instead of a reset); past DRAIN_LIMIT_BYTES the connection is simply cut.
 */
export function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > DRAIN_LIMIT_BYTES) request.destroy();
      else if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.on('end', () => {
      if (size > MAX_BODY_BYTES) reject(new BodyTooLargeError());
      else resolve(Buffer.concat(chunks).toString('utf8'));
    });
    request.on('error', reject);
  });
}

/** One JSON answer with its length. */
export function writeJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  response.end(text);
}
