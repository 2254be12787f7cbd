import { Hono } from 'hono';
import type { AppEnv, OracleApiRules } from '../../context.js';
import { batchBodyLimit } from '../../middleware/batchBodyLimit.js';
import * as handlers from './readings.handlers.js';
import { readingsPaths } from './readings.routes.js';

export function createReadingsRouter(rules: OracleApiRules) {
  return new Hono<AppEnv>().post(readingsPaths.ingest, batchBodyLimit({ maxBytes: rules.maxBodyBytes }), handlers.ingest);
}
