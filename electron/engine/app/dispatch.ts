import { AppError, serializeError, type Envelope } from '../../../shared/errors.ts';
import { isRequestChannel } from '../../../shared/ipc-channels.ts';
import { contract } from '../../../shared/ipc-contract.ts';
import type { HandlerContext, HandlerTable } from './handler-table.ts';

/**
 * The shared core of every adapter: refuse unknown channels, validate the payload against the contract, run the
 * handler, and return an envelope whose error is plain data. Never throws.
 */
export async function dispatch(
  handlers: HandlerTable,
  channel: unknown,
  payload: unknown,
  context: HandlerContext = {},
): Promise<Envelope<unknown>> {
  try {
    if (!isRequestChannel(channel)) {
      throw new AppError('invalid_input', `Unknown channel ${JSON.stringify(String(channel).slice(0, 80))}.`);
    }
    const parsed = contract[channel].request.safeParse(payload ?? {});
    if (!parsed.success) {
      const problems = parsed.error.issues
        .slice(0, 5)
        .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'payload'}: ${issue.message}`)
        .join('; ');
      throw new AppError('invalid_input', `Invalid request for ${channel}: ${problems}`);
    }
    const handler = handlers[channel] as (request: unknown, context: HandlerContext) => Promise<unknown>;
    const value = await handler(parsed.data, context);
    return { ok: true, value };
  } catch (error) {
    return { ok: false, error: serializeError(error) };
  }
}
