import { bytesToUint, concatBytes, fromHex, toHex, uintToBytes, type Hex } from './bytes.js';
import { InvalidReportError } from './errors.js';

/**
 * The report the DON signs and the data logger stores, one per window:
 * `abi.encode(uint64 windowStart, uint32 windowSeconds, bytes32 root, bytes32 cidDigest,
 * uint32 deviceCount, uint32 readingCount, uint64 energyWh)` — 7 static words, 224 bytes,
 * inside the 256-byte response limit of Chainlink Functions.
 */
export interface WindowReport {
  windowStart: number;
  windowSeconds: number;
  root: Hex;
  /** SHA-256 of the window document bytes (the CID's digest). */
  cidDigest: Hex;
  deviceCount: number;
  readingCount: number;
  /** The window's exact total (it may pass 2^53−1), ≤ 2^64−1. */
  energyWh: bigint;
}

/** What {@link encodeWindowReport} takes: the total as a bigint or a safe integer number. */
export type WindowReportInput = Omit<WindowReport, 'energyWh'> & { energyWh: bigint | number };

export const WINDOW_REPORT_LENGTH = 224;

const uintWord = (v: number | bigint, size: number) => concatBytes(new Uint8Array(32 - size), uintToBytes(v, size));

/** Refuses (INVALID_REPORT, naming the field) a value that is not an exact integer fitting `size` bytes. */
function checkUintField(field: string, value: number | bigint, size: number): void {
  const exact = typeof value === 'bigint' || Number.isSafeInteger(value);
  if (!exact || BigInt(value) < 0n || BigInt(value) >= 1n << BigInt(size * 8)) {
    throw new InvalidReportError(`Report field ${field} = ${String(value)} is not an exact integer that fits uint${size * 8}.`, {
      field,
      value: String(value),
    });
  }
}

/**
 * The 224-byte payload. Refuses (INVALID_REPORT, naming the field) a count or start that does not
 * fit its word, and an energyWh that is not an exact integer in [0, 2^64−1] (an unsafe number is
 * refused: it has already lost digits).
 * @example encodeWindowReport({ …, energyWh: 18014398509484507n })
 */
export function encodeWindowReport(r: WindowReportInput): Hex {
  const fields: [keyof WindowReportInput, number | bigint, number][] = [
    ['windowStart', r.windowStart, 8],
    ['windowSeconds', r.windowSeconds, 4],
    ['deviceCount', r.deviceCount, 4],
    ['readingCount', r.readingCount, 4],
    ['energyWh', r.energyWh, 8],
  ];
  for (const [field, value, size] of fields) checkUintField(field, value, size);
  return toHex(
    concatBytes(
      uintWord(r.windowStart, 8),
      uintWord(r.windowSeconds, 4),
      fromHex(r.root, 32),
      fromHex(r.cidDigest, 32),
      uintWord(r.deviceCount, 4),
      uintWord(r.readingCount, 4),
      uintWord(r.energyWh, 8),
    ),
  );
}

export function decodeWindowReport(payload: Hex | Uint8Array): WindowReport {
  const bytes = typeof payload === 'string' ? fromHex(payload) : payload;
  if (bytes.length !== WINDOW_REPORT_LENGTH) {
    throw new InvalidReportError(`A window report is ${WINDOW_REPORT_LENGTH} bytes, got ${bytes.length}.`);
  }
  const w = (i: number) => bytes.subarray(i * 32, (i + 1) * 32);
  const exact = (i: number, size: number) => {
    const word = w(i);
    if (word.subarray(0, 32 - size).some((b) => b !== 0)) throw new InvalidReportError(`Word ${i} overflows uint${size * 8}.`);
    return bytesToUint(word);
  };
  const uint = (i: number, size: number) => {
    const v = exact(i, size);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new InvalidReportError(`Word ${i} exceeds 2^53-1.`);
    return Number(v);
  };
  return {
    windowStart: uint(0, 8),
    windowSeconds: uint(1, 4),
    root: toHex(w(2)),
    cidDigest: toHex(w(3)),
    deviceCount: uint(4, 4),
    readingCount: uint(5, 4),
    energyWh: exact(6, 8),
  };
}

/**
 * Phase one of the two-phase anchor (README "Commit, then draw"): `abi.encode(uint64 windowStart,
 * bytes32 cidDigest)`, 64 bytes. The DataLogger tells its reports apart by length only.
 */
export interface CommitReport {
  windowStart: number;
  /** SHA-256 of the window document bytes the API serves. */
  cidDigest: Hex;
}

export const COMMIT_REPORT_LENGTH = 64;

/** The 64-byte commit payload; refuses a start that does not fit uint64 or a zero digest. */
export function encodeCommitReport(r: CommitReport): Hex {
  checkUintField('windowStart', r.windowStart, 8);
  const digest = fromHex(r.cidDigest, 32);
  if (digest.every((b) => b === 0)) throw new InvalidReportError('Report field cidDigest is zero.', { field: 'cidDigest' });
  return toHex(concatBytes(uintWord(r.windowStart, 8), digest));
}

/**
 * A corrected summary for a device frozen in a recorded window, verified in full by the DON:
 * `abi.encode(uint64 windowStart, bytes9 deviceId, bytes32 summaryLeaf, bytes32 cidDigest)`, 128 bytes.
 */
export interface CorrectionReport {
  windowStart: number;
  /** The device id's 9 ASCII bytes as 0x hex. */
  deviceId: Hex;
  summaryLeaf: Hex;
  /** SHA-256 of the correction document (the corrected device batch). */
  cidDigest: Hex;
}

export const CORRECTION_REPORT_LENGTH = 128;

export function encodeCorrectionReport(r: CorrectionReport): Hex {
  checkUintField('windowStart', r.windowStart, 8);
  const id = fromHex(r.deviceId, 9);
  return toHex(concatBytes(uintWord(r.windowStart, 8), concatBytes(id, new Uint8Array(23)), fromHex(r.summaryLeaf, 32), fromHex(r.cidDigest, 32)));
}

/** Which report a payload is, by its length (the DataLogger's rule); undefined for none. */
export function reportKindOf(payload: Hex | Uint8Array): 'commit' | 'record' | 'correction' | undefined {
  const length = typeof payload === 'string' ? (payload.length - 2) / 2 : payload.length;
  if (length === COMMIT_REPORT_LENGTH) return 'commit';
  if (length === WINDOW_REPORT_LENGTH) return 'record';
  if (length === CORRECTION_REPORT_LENGTH) return 'correction';
  return undefined;
}
