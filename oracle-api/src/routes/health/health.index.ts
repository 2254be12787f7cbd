import { Hono } from 'hono';
import type { AppEnv } from '../../context.js';
import * as handlers from './health.handlers.js';
import { healthPaths } from './health.routes.js';

export function createHealthRouter() {
  return new Hono<AppEnv>().get(healthPaths.health, handlers.health);
}
