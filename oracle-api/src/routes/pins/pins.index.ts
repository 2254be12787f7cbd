import { createRouter } from '../../lib/router.js';
import * as handlers from './pins.handlers.js';
import { pinRoute } from './pins.routes.js';

/** POST /v1/pins: pin an encrypted profile or a member list (signed-in accounts). */
export function createPinsRouter() {
  return createRouter().openapi(pinRoute, handlers.pin);
}
