/**
 * The body of every refusal a GridProof service gives, over HTTP, on the MQTT errors topic and on
 * the live WebSocket: `{"error": {"code", "message", "details"}}`. `code` is one of
 * {@link ApiErrorCode}; clients match on it, never on `message`.
 */
export interface ErrorBody<Code extends string = ApiErrorCode> {
  error: { code: Code; message: string; details?: Record<string, unknown> };
}

/** Every code the oracle API answers with (HTTP 4xx/5xx bodies, MQTT errors topic, live socket). */
export const API_ERROR_CODES = [
  // request shape
  'BAD_REQUEST',
  'MALFORMED_BODY',
  'INVALID_QUERY',
  'EMPTY_BATCH',
  'BATCH_TOO_LARGE',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'METHOD_NOT_ALLOWED',
  'FORMAT_NOT_SUPPORTED',
  'UPGRADE_REQUIRED',
  'NOT_FOUND',
  // readings
  'INVALID_READING',
  'INVALID_DEVICE_ID',
  'INVALID_SIGNATURE_FORMAT',
  'BAD_SIGNATURE',
  'UNKNOWN_DEVICE',
  'DEVICE_REVOKED',
  'COUNTER_REPLAYED',
  'TIMESTAMP_OUT_OF_RANGE',
  'ENERGY_DECREASED',
  // MQTT and live
  'INVALID_TOPIC',
  'TOPIC_DEVICE_MISMATCH',
  'MALFORMED_MESSAGE',
  'INVALID_SUBSCRIPTION',
  // windows, devices, blocks
  'INVALID_WINDOW_START',
  'WINDOW_NOT_FOUND',
  'WINDOW_NOT_SEALED',
  'READING_NOT_IN_WINDOW',
  'DEVICE_NOT_FOUND',
  'NO_READINGS',
  'INVALID_CID',
  'BLOCK_NOT_FOUND',
  // Sign-In with Ethereum (EIP-4361) and sessions
  'SIWE_MALFORMED',
  'SIWE_DOMAIN_MISMATCH',
  'SIWE_URI_MISMATCH',
  'SIWE_CHAIN_MISMATCH',
  'SIWE_NONCE_UNKNOWN',
  'SIWE_NONCE_USED',
  'SIWE_NONCE_EXPIRED',
  'SIWE_EXPIRED',
  'SIWE_NOT_YET_VALID',
  'SIWE_ISSUED_AT_INVALID',
  'SIWE_BAD_SIGNATURE',
  'UNAUTHENTICATED',
  // pinning
  'PIN_NOT_DAG_JSON',
  'PIN_REMOTE_FAILED',
  // service state
  'CHAIN_UNAVAILABLE',
  'DEVICE_LISTING_UNSUPPORTED',
  'DEVICE_DIRECTORY_UNAVAILABLE',
  'INTERNAL_ERROR',
] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

/** Why a reading's timestamp is out of range (`details.reason` of TIMESTAMP_OUT_OF_RANGE). */
export type TimestampRefusalReason = 'IN_FUTURE' | 'WINDOW_CLOSED' | 'BEFORE_PREVIOUS_READING';

export function isApiErrorCode(code: unknown): code is ApiErrorCode {
  return typeof code === 'string' && (API_ERROR_CODES as readonly string[]).includes(code);
}

/** Parses a JSON value as an {@link ErrorBody}, or returns undefined when it is not one. */
export function asErrorBody(value: unknown): ErrorBody<string> | undefined {
  const e = (value as { error?: unknown } | null)?.error as ErrorBody<string>['error'] | undefined;
  if (!e || typeof e !== 'object' || typeof e.code !== 'string' || typeof e.message !== 'string') return undefined;
  return { error: e };
}
