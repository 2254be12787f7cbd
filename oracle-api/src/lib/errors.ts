import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** Body of every error response: `{"error": {"code", "message", "details"}}`. */
export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

/**
 * An HTTP error with a stable machine-readable `code`; thrown anywhere, formatted once by
 * `app.onError` (see app.ts).
 * @example throw new ApiError(404, 'WINDOW_NOT_FOUND', 'No window starts at 1767225600.', { windowStart: 1767225600 })
 */
export class ApiError extends HTTPException {
  override name = 'ApiError';
  readonly code: string;
  readonly details?: Record<string, unknown>;
  constructor(status: ContentfulStatusCode, code: string, message: string, details?: Record<string, unknown>, cause?: unknown) {
    super(status, { message, cause });
    this.code = code;
    this.details = details;
  }

  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) } };
  }
}
