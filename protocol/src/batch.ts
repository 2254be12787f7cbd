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
/** multicodec dag-json; window documents are DAG-JSON, so any IPFS tool can show them. */
export const DAG_JSON_CODE = 0x0129;
/** multihash sha2-256. */
export const SHA256_CODE = 0x12;

export interface DeviceBatch extends DeviceSummary {
  /** energyEndWh − energyStartWh: what the device delivered (or drew) in this window. */
  energyWh: number;
  /** The device's last accepted reading before the window (signed, hex), or null for its first window. */
  baseline: Hex | null;
  /** Signed readings (hex, 107 bytes each), ascending by counter. */
  readings: Hex[];
}

/** The sealed, immutable document of one window; its canonical bytes are DAG-JSON. */
export interface WindowDocument {
  version: number;
  windowStart: number;
  windowSeconds: number;
  /** Merkle root over the device summary leaves. */
  root: Hex;
  deviceCount: number;
  readingCount: number;
  energyWh: number;
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
  return {
    version: WINDOW_DOCUMENT_VERSION,
    windowStart: args.windowStart,
    windowSeconds: args.windowSeconds,
    root: buildMerkleTree(devices.map(deviceSummaryLeaf)).root,
    deviceCount: devices.length,
    readingCount: devices.reduce((n, d) => n + d.readingCount, 0),
    energyWh: devices.reduce((n, d) => n + d.energyWh, 0),
    devices,
  };
}

/** Canonical bytes: DAG-JSON (sorted keys, no whitespace). */
export function encodeWindowDocument(doc: WindowDocument): Uint8Array {
  return dagJson.encode(doc);
}

/**
 * Parses document bytes and insists they are canonical (re-encoding gives the same bytes), so
 * one document has exactly one CID. Checks shape only; `functions-source` checks the contents.
 */
export function decodeWindowDocument(bytes: Uint8Array): WindowDocument {
  let doc: WindowDocument;
  try {
    doc = dagJson.decode<WindowDocument>(bytes);
  } catch (cause) {
    throw new InvalidWindowDocumentError(`Window document is not DAG-JSON: ${(cause as Error).message}`);
  }
  if (typeof doc !== 'object' || doc === null || !Array.isArray(doc.devices)) {
    throw new InvalidWindowDocumentError('Window document has no devices array.');
  }
  let reencoded: Uint8Array;
  try {
    reencoded = dagJson.encode(doc);
  } catch (cause) {
    throw new InvalidWindowDocumentError(`Window document cannot be re-encoded: ${(cause as Error).message}`);
  }
  if (!equalBytes(reencoded, bytes)) throw new InvalidWindowDocumentError('Window document bytes are not canonical DAG-JSON.');
  return doc;
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
