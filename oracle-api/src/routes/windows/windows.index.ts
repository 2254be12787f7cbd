import { Hono } from 'hono';
import type { AppEnv } from '../../context.js';
import * as handlers from './windows.handlers.js';
import { windowsPaths } from './windows.routes.js';

export function createWindowsRouter() {
  return new Hono<AppEnv>()
    .get(windowsPaths.list, handlers.list)
    .get(windowsPaths.get, handlers.get)
    .get(windowsPaths.document, handlers.document)
    .get(windowsPaths.proof, handlers.proof);
}
