import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import type { AppEnv } from '../context.js';

/** Paths whose answers depend on the session cookie: CORS with credentials, for the listed origins only. */
export const CREDENTIALED_PATHS = ['/v1/auth/', '/v1/pins'];

export interface ApiCorsOptions {
  /** Origins (scheme://host[:port]) allowed to send the session cookie (ALLOWED_ORIGINS). */
  allowedOrigins: readonly string[];
}

/**
 * CORS for the whole API. Reads stay public (`*`, no credentials). The session routes answer only listed origins,
 * with `Access-Control-Allow-Credentials: true` and the origin echoed (the Fetch standard forbids `*` with
 * credentials); any other origin gets no CORS headers, so its browser keeps the answer from it.
 * @example app.use(apiCors({ allowedOrigins: ['http://127.0.0.1:5173'] }))
 */
export const apiCors = (options: ApiCorsOptions): MiddlewareHandler<AppEnv> => {
  const allowed = new Set(options.allowedOrigins);
  const publicCors = cors({ origin: '*', allowMethods: ['GET', 'HEAD', 'OPTIONS'], exposeHeaders: ['x-ipfs-cid', 'x-ipfs-path', 'x-ipfs-roots', 'etag'] });
  const credentialed = cors({
    origin: (origin) => (allowed.has(origin) ? origin : null),
    allowMethods: ['GET', 'POST', 'OPTIONS'],
    allowHeaders: ['content-type'],
    credentials: true,
    maxAge: 600,
  });
  return async function apiCors(c, next) {
    const path = c.req.path;
    return CREDENTIALED_PATHS.some((p) => path.startsWith(p)) ? credentialed(c, next) : publicCors(c, next);
  };
};
