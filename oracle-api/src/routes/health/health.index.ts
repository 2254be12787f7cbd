import { createRouter } from '../../lib/router.js';
import * as handlers from './health.handlers.js';
import { healthRoute } from './health.routes.js';

/** GET /health */
export function createHealthRouter() {
  return createRouter().openapi(healthRoute, handlers.health);
}
