import { createRouter } from '../../lib/router.js';
import * as handlers from './windows.handlers.js';
import { getWindowRoute, listWindowsRoute, windowDocumentRoute, windowProofRoute } from './windows.routes.js';

/** The sealed windows: list, summary, document bytes, inclusion proofs. */
export function createWindowsRouter() {
  return createRouter()
    .openapi(listWindowsRoute, handlers.list)
    .openapi(getWindowRoute, handlers.get)
    .openapi(windowDocumentRoute, handlers.document)
    .openapi(windowProofRoute, handlers.proof);
}
