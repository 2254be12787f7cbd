import { createRouter } from '../../lib/router.js';
import * as handlers from './ipfs.handlers.js';
import { blockRoute } from './ipfs.routes.js';

/** GET /ipfs/{cid}: the trustless gateway for the blocks this service stores. */
export function createIpfsRouter() {
  return createRouter().openapi(blockRoute, handlers.block);
}
