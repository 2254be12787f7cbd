import type { Context } from 'hono';
import type { AppEnv } from '../../context.js';
import { ApiError } from '../../lib/errors.js';
import { ingestReadings } from '../../services/ingestReadings.js';
import { ingestBodySchema } from './readings.routes.js';

/** POST /v1/readings: verify and store a batch of signed readings, all or nothing. */
export async function ingest(c: Context<AppEnv>) {
  const ctx = c.get('ctx');
  let json: unknown;
  try {
    json = JSON.parse(await c.req.text());
  } catch {
    throw new ApiError(400, 'MALFORMED_BODY', 'Body is not JSON; expected {"readings": ["0x…", …]}.');
  }
  const body = ingestBodySchema.safeParse(json);
  if (!body.success) throw new ApiError(400, 'MALFORMED_BODY', 'Expected {"readings": ["0x<107-byte signed reading hex>", …]}.');
  const { readings } = body.data;
  if (readings.length === 0) throw new ApiError(400, 'EMPTY_BATCH', 'The batch has no readings.');
  if (readings.length > ctx.rules.maxBatch) {
    throw new ApiError(413, 'BATCH_TOO_LARGE', `A batch holds at most ${ctx.rules.maxBatch} readings, got ${readings.length}.`, {
      maxBatch: ctx.rules.maxBatch,
      count: readings.length,
    });
  }
  return c.json(await ingestReadings(ctx, readings as string[]), 200);
}
