import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { ApiError } from '../lib/errors.js';

/**
 * Refuses a body over `maxBytes` with 413 BATCH_TOO_LARGE before it is parsed, whether it
 * announces its length or streams chunked (hono's bodyLimit counts the bytes).
 */
export const batchBodyLimit = (options: { maxBytes: number }): MiddlewareHandler => {
  const limit = bodyLimit({
    maxSize: options.maxBytes,
    onError: () => {
      throw new ApiError(413, 'BATCH_TOO_LARGE', `Request body is over ${options.maxBytes} bytes.`, { maxBytes: options.maxBytes });
    },
  });
  return async function batchBodyLimit(c, next) {
    return limit(c, next);
  };
};
