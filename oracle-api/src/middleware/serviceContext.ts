import type { MiddlewareHandler } from 'hono';
import type { AppEnv, ServiceContext } from '../context.js';

/** Puts the service context on every request (`c.get('ctx')`), so handlers stay plain functions. */
export const serviceContext = (options: { ctx: ServiceContext }): MiddlewareHandler<AppEnv> => {
  return async function serviceContext(c, next) {
    c.set('ctx', options.ctx);
    await next();
  };
};
