import { ApiError } from '../../lib/errors.js';
import { createRouter } from '../../lib/router.js';
import { liveRoute } from './live.routes.js';

/** GET /v1/live without an upgrade: 426, saying how to connect. */
export function createLiveRouter() {
  return createRouter().openapi(liveRoute, () => {
    throw new ApiError(426, 'UPGRADE_REQUIRED', 'GET /v1/live is a WebSocket: connect with Upgrade: websocket, then send {"subscribe": ["XXXX_ZZZZ", …]}.');
  });
}
