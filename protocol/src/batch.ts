import * as dagJson from '@ipld/dag-json';
import { CID } from 'multiformats/cid';
import { sha256 } from '@noble/hashes/sha2.js';
import { create as createDigest } from 'multiformats/hashes/digest';
import { equalBytes, fromHex, toHex, type Hex } from './bytes.js';
import { InvalidWindowDocumentError } from './errors.js';
import { buildMerkleTree } from './merkle.js';
import { deviceSummaryLeaf, readingLeaf, ZERO_HASH, type DeviceSummary } from './leaves.js';
import { decodeSignedReading, type SignedReading } from './signature.js';
import { assertWindowSeconds } from './window.js';

export const WINDOW_DOCUMENT_VERSION = 1;
/** `kind` of a window document of signed meter readings (the only kind so far; see `batchKinds`). */
export const READINGS_BATCH_KIND = 'readings';
/** multicodec dag-json; window documents are DAG-JSON, so any IPFS tool can show them. */
export const DAG_JSON_CODE = 0x0129;
/** multihash sha2-256. */
export const SHA256_CODE = 0x12;

export interface DeviceBatch extends DeviceSummary {
  /** energyEndWh − energyStartWh ≥ 0: what the device delivered in this window (both registers ≤ 2^53−1, so a safe integer). */
  energyWh: number;
  /** The device's last accepted reading before the window (signed, hex), or null for its first window. */
  baseline: Hex | null;
  /** Signed readings (hex, 107 bytes each), ascending by counter. */
  readings: Hex[];
}

/** The sealed, immutable document of one window; its canonical bytes are DAG-JSON. */
export interface WindowDocument {
  version: number;
  /** What the batch holds; selects its builder and verifier (`batchKinds`). A document field only: no leaf or report commits to it. */
  kind: typeof READINGS_BATCH_KIND;
  windowStart: number;
  windowSeconds: number;
  /** Merkle root over the device summary leaves. */
  root: Hex;
  /** ≤ 2^32−1 (report field uint32). */
  deviceCount: number;
  /** ≤ 2^32−1 (report field uint32). */
  readingCount: number;
  /**
   * Sum of the devices' energyWh, exact: it may pass 2^53−1, so it is a bigint in memory and a
   * DAG-JSON integer in the bytes (never a float); ≤ 2^64−1 (report field uint64).
   */
  energyWh: bigint;
  /** Ascending by device id, one per device with readings in the window. */
  devices: DeviceBatch[];
}

export interface DeviceBatchInput {
  deviceId: string;
  /** Signed readings of the window, any order (sorted by counter here). */
  readings: Uint8Array[];
  baseline?: Uint8Array | null;
}

function summarize(input: DeviceBatchInput): DeviceBatch {
  const decoded = input.readings.map(decodeSignedReading).sort((a, b) => a.reading.counter - b.reading.counter);
  if (decoded.length === 0) throw new InvalidWindowDocumentError(`Device ${input.deviceId} has no readings.`);
  const first = decoded[0].reading;
  const last = decoded[decoded.length - 1].reading;
  const baseline: SignedReading | null = input.baseline ? decodeSignedReading(input.baseline) : null;
  const energyStartWh = baseline ? baseline.reading.energyWh : first.energyWh;
  if (last.energyWh < energyStartWh) {
    throw new InvalidWindowDocumentError(
      `Device ${input.deviceId}'s energy goes down from ${energyStartWh} Wh to ${last.energyWh} Wh; a window's energy is never negative.`,
      { reason: 'TOTAL_OUT_OF_RANGE', field: 'energyWh', deviceId: input.deviceId, value: String(last.energyWh - energyStartWh), min: '0' },
    );
  }
  return {
    deviceId: input.deviceId,
    readingsRoot: buildMerkleTree(decoded.map((r) => readingLeaf(r.bytes))).root,
    readingCount: decoded.length,
    firstCounter: first.counter,
    lastCounter: last.counter,
    energyStartWh,
    energyEndWh: last.energyWh,
    energyWh: last.energyWh - energyStartWh,
    baselineLeaf: baseline ? readingLeaf(baseline.bytes) : ZERO_HASH,
    baseline: baseline ? toHex(baseline.bytes) : null,
    readings: decoded.map((r) => toHex(r.bytes)),
  };
}

/**
 * Builds a window's document from its signed readings. Pure: the same readings give the same
 * document, bytes, root and CID on any machine. Does not verify signatures (the API did on
 * ingest; the DON does again with `functions-source`).
 */
export function buildWindowDocument(args: { windowStart: number; windowSeconds: number; devices: DeviceBatchInput[] }): WindowDocument {
  assertWindowSeconds(args.windowSeconds);
  if (args.windowStart % args.windowSeconds !== 0) {
    throw new InvalidWindowDocumentError(`Window start ${args.windowStart} is not aligned to ${args.windowSeconds} s.`);
  }
  const devices = args.devices.map(summarize).sort((a, b) => (a.deviceId < b.deviceId ? -1 : a.deviceId > b.deviceId ? 1 : 0));
  if (devices.length === 0) throw new InvalidWindowDocumentError('A window document needs at least one device.');
  const doc: WindowDocument = {
    version: WINDOW_DOCUMENT_VERSION,
    kind: READINGS_BATCH_KIND,
    windowStart: args.windowStart,
    windowSeconds: args.windowSeconds,
    root: buildMerkleTree(devices.map(deviceSummaryLeaf)).root,
    deviceCount: devices.length,
    readingCount: devices.reduce((n, d) => n + d.readingCount, 0),
    // Exact: two devices rising by 2^53−1 and 2^53−2 sum to 18014398509484507, which no double holds.
    energyWh: devices.reduce((n, d) => n + BigInt(d.energyWh), 0n),
    devices,
  };
  const outOfRange = windowTotalOutOfRange(doc);
  if (outOfRange) {
    throw new InvalidWindowDocumentError(`Window ${args.windowStart}: ${outOfRangeMessage(outOfRange)}`, { reason: 'TOTAL_OUT_OF_RANGE', ...outOfRange });
  }
  return doc;
}

/** The report's field widths: what each window total must fit. */
export const WINDOW_TOTAL_BOUNDS = {
  /** uint64 energyWh */
  energyWh: (1n << 64n) - 1n,
  /** uint32 readingCount (also each device summary's readingCount) */
  readingCount: 2 ** 32 - 1,
  /** uint32 deviceCount */
  deviceCount: 2 ** 32 - 1,
} as const;

/** A total outside its bound: which field (`energyWh`, `devices[2].energyWh`, …), its value and the bound, as decimal strings. */
export interface WindowTotalOutOfRange {
  field: string;
  value: string;
  min: string;
  max?: string;
}

/** "field energyWh is 18446744073709551616, above the maximum 18446744073709551615 (uint64)." */
export function outOfRangeMessage(p: WindowTotalOutOfRange): string {
  return BigInt(p.value) < BigInt(p.min)
    ? `${p.field} is ${p.value}, below the minimum ${p.min}.`
    : `${p.field} is ${p.value}, above the maximum ${p.max} of its report field.`;
}

/**
 * The first total of a window document that breaks its bound, or null: each device's energyWh ≥ 0
 * and readingCount ≤ 2^32−1, then deviceCount and readingCount ≤ 2^32−1 and 0 ≤ energyWh ≤ 2^64−1.
 * The builder (and so the API's sealer) refuses such a document; the DON refuses it too.
 * @example windowTotalOutOfRange(doc) // { field: 'energyWh', value: '18446744073709551616', min: '0', max: '18446744073709551615' }
 */
export function windowTotalOutOfRange(doc: {
  deviceCount: number | bigint;
  readingCount: number | bigint;
  energyWh: number | bigint;
  devices: readonly { energyWh: number | bigint; readingCount: number | bigint }[];
}): WindowTotalOutOfRange | null {
  const check = (field: string, value: number | bigint, max: number | bigint): WindowTotalOutOfRange | null => {
    const v = BigInt(value);
    return v < 0n || v > BigInt(max) ? { field, value: v.toString(), min: '0', max: BigInt(max).toString() } : null;
  };
  for (const [i, d] of doc.devices.entries()) {
    const bad =
      check(`devices[${i}].energyWh`, d.energyWh, Number.MAX_SAFE_INTEGER) ??
      check(`devices[${i}].readingCount`, d.readingCount, WINDOW_TOTAL_BOUNDS.readingCount);
    if (bad) return bad;
  }
  return (
    check('deviceCount', doc.deviceCount, WINDOW_TOTAL_BOUNDS.deviceCount) ??
    check('readingCount', doc.readingCount, WINDOW_TOTAL_BOUNDS.readingCount) ??
    check('energyWh', doc.energyWh, WINDOW_TOTAL_BOUNDS.energyWh)
  );
}

/** Canonical bytes: DAG-JSON (sorted keys, no whitespace). */
export function encodeWindowDocument(doc: WindowDocument): Uint8Array {
  return dagJson.encode(doc);
}

/**
 * Parses document bytes and insists they are canonical (re-encoding gives the same bytes), so
 * one document has exactly one CID. Checks no more shape than a devices array: for display;
 * {@link parseWindowDocument} (batchKinds.ts) checks every key and type, `functions-source` the contents.
 */
export function decodeWindowDocument(bytes: Uint8Array): WindowDocument {
  let doc: WindowDocument;
  try {
    doc = dagJson.decode<WindowDocument>(bytes);
  } catch (cause) {
    throw new InvalidWindowDocumentError(`Window document is not DAG-JSON: ${(cause as Error).message}`, { reason: 'NOT_DAG_JSON' });
  }
  if (typeof doc !== 'object' || doc === null || !Array.isArray(doc.devices)) {
    throw new InvalidWindowDocumentError('Window document has no devices array.', { reason: 'WRONG_TYPE', position: 'devices', key: 'devices' });
  }
  let reencoded: Uint8Array;
  try {
    reencoded = dagJson.encode(doc);
  } catch (cause) {
    throw new InvalidWindowDocumentError(`Window document cannot be re-encoded: ${(cause as Error).message}`, { reason: 'NOT_CANONICAL' });
  }
  if (!equalBytes(reencoded, bytes)) throw new InvalidWindowDocumentError('Window document bytes are not canonical DAG-JSON.', { reason: 'NOT_CANONICAL' });
  return withExactEnergy(doc);
}

/**
 * DAG-JSON decodes an integer as a number when it is safe and as a bigint beyond; the window
 * total is always a bigint in memory. Both encode to the same digits, so the bytes (and the CID)
 * do not depend on which type held it. A float (`…504.0`) stays a number, for the strict parse to refuse.
 */
function withExactEnergy<T extends { energyWh: unknown }>(doc: T): T {
  if (typeof doc.energyWh === 'number' && Number.isSafeInteger(doc.energyWh)) (doc as { energyWh: unknown }).energyWh = BigInt(doc.energyWh);
  return doc;
}

/** The JSON types a document field may have. */
type FieldType = 'uint' | 'int' | 'bigint' | 'string' | 'array' | 'stringOrNull';

/** Every key of a readings window document and its type: exactly these, no more, no fewer. */
const DOCUMENT_FIELDS = {
  version: 'uint',
  kind: 'string',
  windowStart: 'uint',
  windowSeconds: 'uint',
  root: 'string',
  deviceCount: 'uint',
  readingCount: 'uint',
  // Exact and of any size (bigint beyond 2^53−1); a negative or over-uint64 total is well-formed and refused by the verifier.
  energyWh: 'bigint',
  devices: 'array',
} as const satisfies Record<keyof WindowDocument, FieldType>;

/** Every key of a device batch and its type. */
const DEVICE_BATCH_FIELDS = {
  deviceId: 'string',
  readingsRoot: 'string',
  readingCount: 'uint',
  firstCounter: 'uint',
  lastCounter: 'uint',
  energyStartWh: 'uint',
  energyEndWh: 'uint',
  baselineLeaf: 'string',
  energyWh: 'int',
  baseline: 'stringOrNull',
  readings: 'array',
} as const satisfies Record<keyof DeviceBatch, FieldType>;

const TYPE_WORDS: Record<FieldType, string> = {
  uint: 'a non-negative integer',
  int: 'an integer',
  bigint: 'an integer',
  string: 'a string',
  array: 'an array',
  stringOrNull: 'a string or null',
};

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function hasType(v: unknown, type: FieldType): boolean {
  if (type === 'uint') return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
  if (type === 'int') return typeof v === 'number' && Number.isSafeInteger(v);
  if (type === 'bigint') return typeof v === 'bigint' || (typeof v === 'number' && Number.isSafeInteger(v));
  if (type === 'string') return typeof v === 'string';
  if (type === 'array') return Array.isArray(v);
  return v === null || typeof v === 'string';
}

/** Exactly the keys of `fields`, each of its type; the error names the first offending key (keys in sorted order). */
function checkFields(value: unknown, fields: Record<string, FieldType>, at: string): Record<string, unknown> {
  const name = at === '' ? 'The window document' : at;
  if (!isRecord(value)) throw new InvalidWindowDocumentError(`${name} is not an object.`, { reason: 'WRONG_TYPE', position: at });
  const keyAt = (key: string) => (at === '' ? key : `${at}.${key}`);
  for (const key of Object.keys(value).sort()) {
    if (!Object.hasOwn(fields, key)) {
      throw new InvalidWindowDocumentError(`${name} has unknown key "${key}".`, { reason: 'UNKNOWN_KEY', position: keyAt(key), key });
    }
  }
  for (const key of Object.keys(fields).sort()) {
    if (!Object.hasOwn(value, key)) {
      throw new InvalidWindowDocumentError(`${name} is missing key "${key}".`, { reason: 'MISSING_KEY', position: keyAt(key), key });
    }
    if (!hasType(value[key], fields[key])) {
      throw new InvalidWindowDocumentError(`${keyAt(key)} must be ${TYPE_WORDS[fields[key]]}, got ${JSON.stringify(value[key]) ?? typeof value[key]}.`, {
        reason: 'WRONG_TYPE',
        position: keyAt(key),
        key,
      });
    }
  }
  return value;
}

/**
 * The strict shape of a readings window document (already decoded): exactly its keys and types at
 * the top, in every device batch, and strings for every reading and baseline. Contents (hex,
 * layouts, order, sums) are the verifier's. Used by `batchKinds.readings.parse`.
 */
export function parseReadingsDocument(value: unknown): WindowDocument {
  const doc = checkFields(value, DOCUMENT_FIELDS, '');
  (doc.devices as unknown[]).forEach((batch, i) => {
    const at = `devices[${i}]`;
    checkFields(batch, DEVICE_BATCH_FIELDS, at);
    ((batch as Record<string, unknown>).readings as unknown[]).forEach((r, j) => {
      if (typeof r !== 'string') {
        throw new InvalidWindowDocumentError(`${at}.readings[${j}] must be a string (signed reading, 0x hex).`, {
          reason: 'WRONG_TYPE',
          position: `${at}.readings[${j}]`,
        });
      }
    });
  });
  return withExactEnergy(doc as { energyWh: unknown }) as unknown as WindowDocument;
}

/** SHA-256 of the document bytes: the CID's digest and what the logger stores on chain. */
export function windowDocumentDigest(bytes: Uint8Array): Hex {
  return toHex(sha256(bytes));
}

/** CIDv1 (dag-json, sha2-256) of document bytes; equals what kubo or Helia assign. */
export function windowDocumentCid(bytes: Uint8Array): CID {
  return cidFromDigest(windowDocumentDigest(bytes));
}

/** Rebuilds the CID from the 32-byte digest stored on chain. */
export function cidFromDigest(digest: Hex): CID {
  return CID.createV1(DAG_JSON_CODE, createDigest(SHA256_CODE, fromHex(digest, 32)));
}

/** The summary part of a device batch, as hashed into the window tree. */
export function deviceSummaryOf(batch: DeviceBatch): DeviceSummary {
  const { deviceId, readingsRoot, readingCount, firstCounter, lastCounter, energyStartWh, energyEndWh, baselineLeaf } = batch;
  return { deviceId, readingsRoot, readingCount, firstCounter, lastCounter, energyStartWh, energyEndWh, baselineLeaf };
}

/** Everything needed to check one reading against the on-chain root. */
export interface ReadingProof {
  deviceId: string;
  signedReading: Hex;
  readingLeaf: Hex;
  /** reading leaf → device readingsRoot */
  readingProof: Hex[];
  summary: DeviceSummary;
  summaryLeaf: Hex;
  /** summary leaf → window root */
  summaryProof: Hex[];
  windowRoot: Hex;
}

/** Builds the two-level inclusion proof of a reading from a window document. */
export function readingProofOf(doc: WindowDocument, deviceId: string, counter: number): ReadingProof {
  const batch = doc.devices.find((d) => d.deviceId === deviceId);
  if (!batch) throw new InvalidWindowDocumentError(`Device ${deviceId} is not in window ${doc.windowStart}.`);
  const signed = batch.readings.find((r) => decodeSignedReading(fromHex(r)).reading.counter === counter);
  if (!signed) throw new InvalidWindowDocumentError(`Device ${deviceId} has no reading with counter ${counter} in window ${doc.windowStart}.`);
  const leaf = readingLeaf(fromHex(signed));
  const summary = deviceSummaryOf(batch);
  const summaryLeaf = deviceSummaryLeaf(summary);
  return {
    deviceId,
    signedReading: signed,
    readingLeaf: leaf,
    readingProof: buildMerkleTree(batch.readings.map((r) => readingLeaf(fromHex(r)))).proof(leaf),
    summary,
    summaryLeaf,
    summaryProof: buildMerkleTree(doc.devices.map((d) => deviceSummaryLeaf(deviceSummaryOf(d)))).proof(summaryLeaf),
    windowRoot: doc.root,
  };
}
