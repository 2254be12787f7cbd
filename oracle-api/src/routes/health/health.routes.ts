import { createRoute } from '@hono/zod-openapi';
import { healthSchema, jsonResponse } from '../../openapi/schemas.js';
import { apiPaths } from '../paths.js';

/** GET /health */
export const healthRoute = createRoute({
  method: 'get',
  path: apiPaths.health,
  tags: ['service'],
  summary: 'State of db, broker, chain and ipfs, and the rules in force',
  responses: {
    200: jsonResponse('`ok`, or `degraded` when a part other than the database is down', healthSchema),
    503: jsonResponse('`down`: the database does not answer (ingest cannot work)', healthSchema),
  },
});
