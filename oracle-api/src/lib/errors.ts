import { GridProofError, type ApiErrorCode, type ErrorBody } from '@gridproof/protocol';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export type { ErrorBody } from '@gridproof/protocol';

/**
 * An HTTP refusal with a stable machine-readable `code` (protocol's {@link ApiErrorCode}); thrown
 * anywhere, formatted once by `app.onError` (see middleware/errorHandler.ts).
 * @example throw new ApiError(404, 'WINDOW_NOT_FOUND', 'No window starts at 1767225600.', { windowStart: 1767225600 })
 */
export class ApiError extends GridProofError<ApiErrorCode> {
  override name = 'ApiError' as const;
  /** HTTP status of the answer. */
  readonly status: ContentfulStatusCode;
  constructor(status: ContentfulStatusCode, code: ApiErrorCode, message: string, details?: Record<string, unknown>, cause?: unknown) {
    super(code, message, { details, cause });
    this.status = status;
  }

  /** The wire form: `{"error": {"code", "message", "details"}}`. */
  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.shortMessage, ...(this.details ? { details: this.details } : {}) } };
  }
}
