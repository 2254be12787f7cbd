import type { ErrorHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ApiErrorCode, ErrorBody } from '@gridproof/protocol';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ApiError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';

const CODE_OF_STATUS: Record<number, ApiErrorCode> = {
  400: 'BAD_REQUEST',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

/** The one place errors become responses: `{"error": {"code", "message", "details"}}`. */
export const errorHandler = (options: { logger: Logger }): ErrorHandler => {
  return function errorHandler(err, c) {
    if (err instanceof ApiError) return c.json(err.toBody(), err.status);
    if (err instanceof HTTPException && err.status < 500) {
      const status = err.status as ContentfulStatusCode;
      const body: ErrorBody = { error: { code: CODE_OF_STATUS[status] ?? 'BAD_REQUEST', message: err.message || 'Bad request.' } };
      return c.json(body, status);
    }
    options.logger.error('unhandled error', { method: c.req.method, path: c.req.path, error: String(err), stack: (err as Error)?.stack });
    const body: ErrorBody = { error: { code: 'INTERNAL_ERROR', message: 'The service failed to handle this request.' } };
    return c.json(body, 500);
  };
};
