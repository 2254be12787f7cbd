import { GridProofError, type ErrorBody } from '@gridproof/protocol';

/** Stable, machine-readable codes of every refusal the gateway (or its client) can give. */
export type GatewayErrorCode =
  | 'MALFORMED_HANDSHAKE'
  | 'UNSUPPORTED_VERSION'
  | 'UNKNOWN_METER'
  | 'HANDSHAKE_EXPIRED'
  | 'BAD_HANDSHAKE_SIGNATURE'
  | 'HANDSHAKE_REPLAYED'
  | 'HANDSHAKE_CACHE_FULL'
  | 'MALFORMED_FRAME'
  | 'FRAME_TOO_LARGE'
  | 'UNKNOWN_SESSION'
  | 'SESSION_EXPIRED'
  | 'FRAME_AUTH_FAILED'
  | 'FRAME_REPLAYED'
  | 'INVALID_PAYLOAD'
  | 'INVALID_READING'
  | 'READING_NOT_FROM_METER'
  | 'API_UNAVAILABLE'
  | 'BAD_GATEWAY_SIGNATURE'
  | 'NOT_FOUND'
  | 'INTERNAL_ERROR';

/**
 * Every refusal of the gateway: HTTP `status`, stable `code`, one-line `shortMessage` and
 * `details` with the offending values (protocol's one error base). The same class is thrown on the
 * meter side by `GatewayClient` when the gateway refuses it (or the gateway's answer does not verify).
 * @example throw new GatewayError(401, 'HANDSHAKE_EXPIRED', 'Hello timestamp 1767268000 is 800 s from the gateway clock.', { timestamp: 1767268000 })
 */
export class GatewayError extends GridProofError<GatewayErrorCode> {
  override name = 'GatewayError';
  constructor(
    readonly status: number,
    code: GatewayErrorCode,
    message: string,
    details?: Record<string, unknown>,
    options: { cause?: unknown } = {},
  ) {
    super(code, message, { details, cause: options.cause });
  }

  /** The error body every GridProof service answers with (protocol's {@link ErrorBody}). */
  toBody(): ErrorBody<GatewayErrorCode> {
    return { error: { code: this.code, message: this.shortMessage, ...(this.details ? { details: this.details } : {}) } };
  }
}

export type { ErrorBody };
