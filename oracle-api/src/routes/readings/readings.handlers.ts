import type { RouteHandler } from '@hono/zod-openapi';
import type { AppEnv } from '../../context.js';
import { ingestReadings } from '../../services/ingestReadings.js';
import type { ingestRoute } from './readings.routes.js';

/** POST /v1/readings: verify and store a batch of signed readings, all or nothing. */
export const ingest: RouteHandler<ReturnType<typeof ingestRoute>, AppEnv> = async (c) => {
  const { readings } = c.req.valid('json');
  return c.json(await ingestReadings(c.get('ctx'), readings), 200);
};
