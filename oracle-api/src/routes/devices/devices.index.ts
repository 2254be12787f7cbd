import { Hono } from 'hono';
import type { AppEnv } from '../../context.js';
import * as handlers from './devices.handlers.js';
import { devicesPaths } from './devices.routes.js';

export function createDevicesRouter() {
  return new Hono<AppEnv>()
    .get(devicesPaths.list, handlers.list)
    .get(devicesPaths.get, handlers.get)
    .get(devicesPaths.readings, handlers.listReadings)
    .get(devicesPaths.latest, handlers.latest)
    .get(devicesPaths.chart, handlers.chart)
    .get(devicesPaths.liveness, handlers.liveness);
}
