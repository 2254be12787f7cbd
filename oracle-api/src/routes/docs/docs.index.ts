import { Hono } from 'hono';
import type { AppEnv } from '../../context.js';
import * as handlers from './docs.handlers.js';
import { docsPaths } from './docs.routes.js';

export function createDocsRouter() {
  return new Hono<AppEnv>().get(docsPaths.openapi, handlers.openapi).get(docsPaths.docs, handlers.docs).get(docsPaths.asset, handlers.asset);
}
