import type { MiddlewareHandler } from 'hono';
import { ApiError } from '../lib/errors.js';

/**
 * Parses the body as JSON before the route's validator does, so a body that is not JSON is 400
 * MALFORMED_BODY (with the shape expected) rather than hono's generic 400. Hono caches the text,
 * so the validator reads it again without touching the stream. The body is JSON whatever its
 * Content-Type says (as the API always took it: `fetch` with a string body sends text/plain).
 */
export const jsonBody = (options: { expected: string }): MiddlewareHandler => {
  return async function jsonBody(c, next) {
    try {
      JSON.parse(await c.req.text());
    } catch {
      throw new ApiError(400, 'MALFORMED_BODY', `Body is not JSON; expected ${options.expected}.`);
    }
    if (!/^application\/json\b/i.test(c.req.header('content-type') ?? '')) {
      const headers = new Headers(c.req.raw.headers);
      headers.set('content-type', 'application/json');
      c.req.raw = new Request(c.req.raw.url, { method: c.req.raw.method, headers, signal: c.req.raw.signal });
    }
    await next();
  };
};
