import type { OracleApiRules } from '../../context.js';
import { createRouter } from '../../lib/router.js';
import * as handlers from './readings.handlers.js';
import { ingestRoute } from './readings.routes.js';

/** POST /v1/readings under the service's batch and body limits. */
export function createReadingsRouter(rules: OracleApiRules) {
  return createRouter().openapi(ingestRoute(rules), handlers.ingest);
}
