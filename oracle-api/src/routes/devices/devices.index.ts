import { Hono } from 'hono';
import type { AppEnv } from '../../context.js';
import * as handlers from './devices.handlers.js';
import { devicesPaths } from './devices.routes.js';

export function createDevicesRouter() {
  return new Hono<AppEnv>().get(devicesPaths.readings, handlers.listReadings);
}
