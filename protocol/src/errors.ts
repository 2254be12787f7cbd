import { GridProofError } from './baseError.js';

/** Stable codes of {@link ProtocolError}s (also answered as HTTP error codes by the oracle API). */
export type ProtocolErrorCode =
  | 'INVALID_READING'
  | 'INVALID_SIGNED_READINGS'
  | 'INVALID_DEVICE_ID'
  | 'UNKNOWN_SECTOR'
  | 'INVALID_SIGNATURE_FORMAT'
  | 'INVALID_WINDOW_DOCUMENT'
  | 'INVALID_REPORT'
  | 'INVALID_REGISTRY_ENTRY'
  | 'INVALID_HEX'
  | 'INTEGER_OUT_OF_RANGE'
  | 'INVALID_KEYSTONE_FIELD'
  | 'EMPTY_TREE'
  | 'LEAF_NOT_IN_TREE'
  | 'INVALID_WINDOW_LENGTH'
  | 'INVALID_PROFILE'
  | 'INVALID_PROFILE_DOCUMENT'
  | 'PROFILE_WRONG_PASSPHRASE'
  | 'PROFILE_KDF_TOO_WEAK'
  | 'INVALID_MEMBER_LIST';

/** Base of every error GridProof's protocol throws: a stable `code`, a one-line `shortMessage`, and `details`. */
export class ProtocolError<Code extends string = ProtocolErrorCode> extends GridProofError<Code> {
  override name = 'ProtocolError';
}

/** The bytes of a reading do not follow the v1 layout. */
export class InvalidReadingError extends ProtocolError {
  override name = 'InvalidReadingError';
  constructor(message: string, details?: Record<string, unknown>) {
    super('INVALID_READING', message, { details });
  }
}

/** A device id is not of the form `XXXX_ZZZZ` (four of A-Z/0-9, underscore, four digits). */
export class InvalidDeviceIdError extends ProtocolError {
  override name = 'InvalidDeviceIdError';
  constructor(deviceId: string) {
    super('INVALID_DEVICE_ID', `Device id "${deviceId}" is not of the form XXXX_ZZZZ (sector code A-Z/0-9, underscore, 4 digits).`, {
      details: { deviceId },
    });
  }
}

/** A signature or public key is malformed (wrong length, high-S, not on the curve). */
export class InvalidSignatureFormatError extends ProtocolError {
  override name = 'InvalidSignatureFormatError';
  constructor(message: string, details?: Record<string, unknown>) {
    super('INVALID_SIGNATURE_FORMAT', message, { details });
  }
}

/** Why a window document was refused (`details.reason` of {@link InvalidWindowDocumentError}). */
export type WindowDocumentProblem =
  | 'NOT_DAG_JSON'
  | 'NOT_CANONICAL'
  | 'UNSUPPORTED_VERSION'
  | 'UNKNOWN_KIND'
  | 'MISSING_KEY'
  | 'UNKNOWN_KEY'
  | 'WRONG_TYPE'
  /** A total breaks its bound (a device's energy below 0, a count above uint32, the energy above uint64). */
  | 'TOTAL_OUT_OF_RANGE'
  | 'INCONSISTENT';

/** A window document is not canonical, not of the strict shape of its kind, or not internally consistent. */
export class InvalidWindowDocumentError extends ProtocolError {
  override name = 'InvalidWindowDocumentError';
  /** What is wrong, for callers that map it to their own codes; `details.position` says where (`devices[1].baseline`). */
  readonly reason: WindowDocumentProblem;
  constructor(message: string, details: { reason?: WindowDocumentProblem; position?: string; key?: string; [key: string]: unknown } = {}) {
    super('INVALID_WINDOW_DOCUMENT', message, { details: { ...details, reason: details.reason ?? 'INCONSISTENT' } });
    this.reason = details.reason ?? 'INCONSISTENT';
  }
}

/** A report payload does not decode as the v1 window report. */
export class InvalidReportError extends ProtocolError {
  override name = 'InvalidReportError';
  constructor(message: string, details?: Record<string, unknown>) {
    super('INVALID_REPORT', message, { details });
  }
}

/** Why a signed-readings payload was refused (`details.reason` of {@link InvalidSignedReadingsError}). */
export type SignedReadingsProblem = 'EMPTY' | 'TRUNCATED' | 'NOT_SIGNED_READING';

/** A signed-readings concatenation is empty, not a whole number of 107-byte signed readings, or holds a piece of another length. */
export class InvalidSignedReadingsError extends ProtocolError {
  override name = 'InvalidSignedReadingsError';
  declare readonly details: { reason: SignedReadingsProblem; length: number; [key: string]: unknown };
  constructor(message: string, details: { reason: SignedReadingsProblem; length: number; [key: string]: unknown }) {
    super('INVALID_SIGNED_READINGS', message, { details });
  }
}
