import { createRoute, z } from '@hono/zod-openapi';
import { errorResponse } from '../../openapi/schemas.js';
import { apiPaths } from '../paths.js';

/** GET /v1/live — the WebSocket itself is served by the HTTP server's upgrade handler (live/liveReadings.ts). */
export const liveRoute = createRoute({
  method: 'get',
  path: apiPaths.live,
  tags: ['live'],
  summary: 'WebSocket: send {"subscribe":["XXXX_ZZZZ",…]}, receive {"type":"reading","reading":{…}} per committed reading',
  request: {
    query: z.object({
      devices: z.string().optional().openapi({ description: 'Comma-separated device ids to follow from the start', example: 'SOLR_0001,WIND_0002' }),
    }),
  },
  responses: {
    101: { description: 'Switching to WebSocket (with `Upgrade: websocket`)' },
    426: errorResponse(['UPGRADE_REQUIRED'], 'A plain GET: this is a WebSocket'),
  },
});
