import { Hono } from 'hono';
import type { AppEnv } from '../../context.js';
import * as handlers from './ipfs.handlers.js';
import { ipfsPaths } from './ipfs.routes.js';

export function createIpfsRouter() {
  return new Hono<AppEnv>().get(ipfsPaths.block, handlers.block);
}
