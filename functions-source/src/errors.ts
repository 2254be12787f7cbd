import { GridProofError, ProtocolError } from '@gridproof/protocol';

/**
 * Stable codes of {@link WindowVerificationError}: what the DON found wrong in a window document.
 * The oracle API, the devnet's local DON and the dApp match on these, never on messages.
 */
export const WindowVerificationCode = {
  /** Bytes are not DAG-JSON, or not its canonical encoding (one document, one CID). */
  DOCUMENT_NOT_CANONICAL: 'WINDOW_DOCUMENT_NOT_CANONICAL',
  /** A field is missing, extra, or of the wrong type or format. */
  DOCUMENT_MALFORMED: 'WINDOW_DOCUMENT_MALFORMED',
  VERSION_UNSUPPORTED: 'WINDOW_VERSION_UNSUPPORTED',
  /** The document's batch `kind` is not registered (protocol's batchKinds) or has no verifier here. */
  KIND_UNSUPPORTED: 'WINDOW_KIND_UNSUPPORTED',
  /** windowStart or windowSeconds differ from what the DON was asked to verify. */
  WINDOW_MISMATCH: 'WINDOW_MISMATCH',
  /** Device batches are not strictly ascending by device id (also catches duplicates). */
  DEVICES_NOT_SORTED: 'WINDOW_DEVICES_NOT_SORTED',
  DEVICE_UNKNOWN: 'WINDOW_DEVICE_UNKNOWN',
  /** The 107 signed bytes do not decode as a v1 reading. */
  READING_MALFORMED: 'WINDOW_READING_MALFORMED',
  /** The reading carries another device's id than the batch it sits in. */
  READING_DEVICE_MISMATCH: 'WINDOW_READING_DEVICE_MISMATCH',
  /** Timestamp outside [windowStart, windowStart + windowSeconds). */
  READING_OUTSIDE_WINDOW: 'WINDOW_READING_OUTSIDE_WINDOW',
  /**
   * A reading is timestamped at or after its device's revocation (`timestamp >= revokedAt`, revokedAt ≠ 0 in the
   * registry). Readings before it stay valid; this one is provable on chain (WindowChallenger.challengeReading,
   * reason 16), so a window holding it is never anchored. `location`: deviceId, counter, position, timestamp, revokedAt.
   */
  READING_AFTER_REVOCATION: 'WINDOW_READING_AFTER_REVOCATION',
  COUNTER_NOT_INCREASING: 'WINDOW_COUNTER_NOT_INCREASING',
  ENERGY_DECREASING: 'WINDOW_ENERGY_DECREASING',
  /** Signature does not verify under the registered key, or is malformed (incl. P-256 high-S). */
  SIGNATURE_INVALID: 'WINDOW_SIGNATURE_INVALID',
  /** The baseline reading is not a valid predecessor of the window's first reading. */
  BASELINE_INVALID: 'WINDOW_BASELINE_INVALID',
  /** A claimed per-device summary field differs from the one recomputed from the readings. */
  DEVICE_SUMMARY_MISMATCH: 'WINDOW_DEVICE_SUMMARY_MISMATCH',
  /** A claimed window total (root, deviceCount, readingCount, energyWh) differs from the recomputed one. */
  WINDOW_SUMMARY_MISMATCH: 'WINDOW_SUMMARY_MISMATCH',
  /**
   * A total breaks its report field's bound: a device's energyWh below 0, a readingCount or
   * deviceCount above 2^32−1, the window's energyWh outside [0, 2^64−1]. `location.field` and `value` say which.
   */
  TOTAL_OUT_OF_RANGE: 'WINDOW_TOTAL_OUT_OF_RANGE',
  /**
   * A device batch does not continue the device's summary in the previous recorded window
   * (protocol/README.md "Continuity"): counters overlap, energy starts below where it ended, or,
   * for the window right before, the baseline is not that window's last reading.
   */
  CONTINUITY_BROKEN: 'WINDOW_CONTINUITY_BROKEN',
  /** The verify call itself was given bad arguments (window length, unaligned start). */
  INVALID_ARGUMENTS: 'WINDOW_VERIFY_INVALID_ARGUMENTS',
} as const;
export type WindowVerificationCode = (typeof WindowVerificationCode)[keyof typeof WindowVerificationCode];

/** Where in the document a problem sits; the message repeats it in words. */
export interface WindowVerificationLocation {
  deviceId?: string;
  counter?: number;
  /** e.g. `devices[1].readings[3]`, `devices[0].baseline`, `devices[2].energyWh`, `root`. */
  position?: string;
  [key: string]: unknown;
}

/**
 * A window document failed verification; nothing may be reported for it.
 * @example
 * try { verifyWindow(args) } catch (e) { if (e instanceof WindowVerificationError) log(e.code, e.message) }
 */
export class WindowVerificationError extends ProtocolError<WindowVerificationCode> {
  override name = 'WindowVerificationError' as const;
  declare readonly code: WindowVerificationCode;
  readonly location: WindowVerificationLocation;
  constructor(code: WindowVerificationCode, message: string, location: WindowVerificationLocation = {}, cause?: unknown) {
    super(code, message, { details: location, cause });
    this.location = location;
  }
}

/** Codes of {@link FunctionsSourceError}: the Functions source's own refusals, or the verifier's code it relays. */
export type FunctionsSourceErrorCode =
  | 'BAD_ARGS'
  | 'BAD_SECRETS'
  | 'DOCUMENT_UNAVAILABLE'
  | 'TOO_MANY_DEVICES'
  | 'REGISTRY_UNAVAILABLE'
  | 'REGISTRY_RESULT_MALFORMED'
  | 'WINDOW_TOO_LARGE'
  /** With the `dataLogger` secret: the RPC did not answer getCommitment. */
  | 'LOGGER_UNAVAILABLE'
  /** A `record` request for another document than the one whose digest was committed. */
  | 'WINDOW_COMMITMENT_MISMATCH'
  | WindowVerificationCode;

/** The Functions error response is bytes on chain too: at most 256 bytes. */
export const MAX_FUNCTIONS_ERROR_BYTES = 256;

/** Cuts `s` to at most `MAX_FUNCTIONS_ERROR_BYTES` UTF-8 bytes (ending in `...` when cut, never in half a character). */
export function clipFunctionsError(s: string): string {
  const bytes = new TextEncoder().encode(s);
  if (bytes.length <= MAX_FUNCTIONS_ERROR_BYTES) return s;
  return `${new TextDecoder().decode(bytes.slice(0, MAX_FUNCTIONS_ERROR_BYTES - 3)).replace(/\uFFFD$/, '')}...`;
}

/**
 * A Chainlink Functions request refused by the source. Its message, what the DON reports on
 * chain, is `CODE: what`, clipped to 256 bytes; `code` alone is what callers match on.
 * @example throw new FunctionsSourceError('BAD_ARGS', 'apiUrl x is not an http(s) URL')
 */
export class FunctionsSourceError extends GridProofError<FunctionsSourceErrorCode> {
  override name = 'FunctionsSourceError' as const;
  constructor(code: FunctionsSourceErrorCode, message: string, cause?: unknown) {
    super(code, clipFunctionsError(`${code}: ${message}`), { cause });
  }
}
