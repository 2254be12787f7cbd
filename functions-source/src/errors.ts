import { ProtocolError } from '@gridproof/protocol';

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
  DEVICE_REVOKED: 'WINDOW_DEVICE_REVOKED',
  /** The 107 signed bytes do not decode as a v1 reading. */
  READING_MALFORMED: 'WINDOW_READING_MALFORMED',
  /** The reading carries another device's id than the batch it sits in. */
  READING_DEVICE_MISMATCH: 'WINDOW_READING_DEVICE_MISMATCH',
  /** Timestamp outside [windowStart, windowStart + windowSeconds). */
  READING_OUTSIDE_WINDOW: 'WINDOW_READING_OUTSIDE_WINDOW',
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
