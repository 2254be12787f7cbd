import {
  KeyType,
  ProtocolError,
  InvalidWindowDocumentError,
  ZERO_HASH,
  assertWindowSeconds,
  buildMerkleTree,
  decodeSignedReading,
  parseWindowDocument,
  deviceSummaryLeaf,
  encodeWindowReport,
  fromHex,
  isValidAtRevocation,
  outOfRangeMessage,
  windowTotalOutOfRange,
  readingCounter,
  readingLeaf,
  nobleSignatureVerifier,
  windowDocumentCid,
  windowDocumentDigest,
  SIGNED_READING_LENGTH,
  type BatchDocument,
  type BatchKind,
  type DeviceSummary,
  type Hex,
  type Reading,
  type RegisteredDeviceKey,
  type SignedReading,
  type WindowDocument,
  type WindowReport,
} from '@gridproof/protocol';
import { WindowVerificationCode as Code, WindowVerificationError } from './errors.js';
import { sampleSeedOf, selectSample, type SamplingOptions } from './sampling.js';
import { assertPreviousWindow, checkContinuity, previousDevicesById, type PreviousWindow } from './verifyWindowContinuity.js';

export { dueWindowStart } from './dueWindowStart.js';
export { previousWindowOf, type PreviousWindow, type PreviousDeviceSummary } from './verifyWindowContinuity.js';

/** A device's registry entry as the verifier needs it: protocol's, from `decodeRegistryEntry` (`getDevices` on the DeviceRegistry). */
export type { RegisteredDeviceKey };

export interface VerifyWindowParameters {
  /** The window document's bytes exactly as fetched (canonical DAG-JSON). */
  documentBytes: Uint8Array;
  /** The window the DON was asked to verify; the document must be that window. */
  expectedWindowStart: number;
  windowSeconds: number;
  /** Registry entries by device id; `undefined` (or absent) means not registered. */
  deviceKeys: Record<string, RegisteredDeviceKey | undefined>;
  /**
   * Above `threshold` readings, verify the signatures of only `sampleSize` P-256 readings chosen from
   * `seed` and the document's own digest (see `selectSample`); every Ed25519 signature, root, total,
   * counter, timestamp, layout and baseline is still checked in full. Absent: every signature.
   */
  sampling?: SamplingOptions;
  /**
   * The latest window recorded before this one (its summaries, from {@link previousWindowOf} on its
   * document, whose root the caller has compared with the on-chain record). Each device batch must
   * continue the device's summary there (protocol/README.md "Continuity"), else CONTINUITY_BROKEN.
   * Absent: no continuity check (the first window, or a caller that cannot fetch the previous one).
   */
  previous?: PreviousWindow;
}

export interface VerifyWindowReturnType {
  report: WindowReport;
  /** `encodeWindowReport(report)`: the 224-byte payload the DON signs and the DataLogger stores. */
  payload: Hex;
  /** CIDv1 (dag-json, sha2-256) of the document bytes. */
  cid: string;
  /** Signatures actually checked (readings and baselines); below the total when sampling applied. */
  signaturesVerified: number;
  /**
   * Global reading indices (device order, then counter order) of the P-256 readings whose signatures
   * were sampled; `null` when all were checked. Ed25519 readings are never sampled: all are checked.
   */
  sample: number[] | null;
}

/** One signature the core wants checked; a driver answers `true`, `false`, or an `Error` (malformed signature or key). */
export interface SignatureCheck {
  readingBytes: Uint8Array;
  signature: Uint8Array;
  key: RegisteredDeviceKey;
}
export type SignatureVerdict = boolean | Error;

export type VerifyWindowErrorType = WindowVerificationError;

/** What a kind's verifier is given besides the parsed document: the window and what to check it against. */
export interface BatchVerifierContext {
  documentBytes: Uint8Array;
  /** SHA-256 of the document bytes (the CID's digest, and the sampling seed's second half). */
  documentDigest: Hex;
  windowStart: number;
  windowSeconds: number;
  deviceKeys: Record<string, RegisteredDeviceKey | undefined>;
  sampling?: SamplingOptions;
  previous?: PreviousWindow;
}

/** What a kind's verifier returns: the recomputed totals the window report carries, and which signatures it checked. */
export interface BatchVerification {
  root: Hex;
  deviceCount: number;
  readingCount: number;
  /** Exact (bigint), ≤ 2^64−1. */
  energyWh: bigint;
  signaturesVerified: number;
  sample: number[] | null;
}

/**
 * The verifier of one batch kind, as steps: it yields signature checks in batches and resumes with
 * the verdicts (see {@link verifyWindowSteps}), and throws {@link WindowVerificationError} on the first problem.
 */
export type BatchVerifier<K extends BatchKind> = (
  doc: BatchDocument<K>,
  context: BatchVerifierContext,
) => Generator<SignatureCheck[], BatchVerification, SignatureVerdict[]>;

const HASH_PATTERN = /^0x[0-9a-f]{64}$/;
const SIGNED_READING_PATTERN = new RegExp(`^0x[0-9a-f]{${SIGNED_READING_LENGTH * 2}}$`);

/** How protocol's reasons for refusing a document map onto the DON's codes. */
function documentRefusal(cause: InvalidWindowDocumentError): WindowVerificationError {
  const position = typeof cause.details?.position === 'string' ? cause.details.position : undefined;
  const location = position === undefined ? {} : { position };
  switch (cause.reason) {
    case 'NOT_DAG_JSON':
    case 'NOT_CANONICAL':
      return new WindowVerificationError(Code.DOCUMENT_NOT_CANONICAL, `Window document rejected: ${cause.shortMessage}`, location, cause);
    case 'UNSUPPORTED_VERSION':
      return new WindowVerificationError(Code.VERSION_UNSUPPORTED, cause.shortMessage, { ...location, version: cause.details?.version }, cause);
    case 'UNKNOWN_KIND':
      return new WindowVerificationError(Code.KIND_UNSUPPORTED, cause.shortMessage, { ...location, kind: cause.details?.kind }, cause);
    default:
      return new WindowVerificationError(Code.DOCUMENT_MALFORMED, cause.shortMessage, { ...location, reason: cause.reason }, cause);
  }
}

/**
 * Re-verifies a sealed window document from first principles and returns the report to sign.
 *
 * Pure and deterministic (no clock, no randomness, no I/O), so every DON node, the devnet's local
 * DON and a browser get the same answer from the same bytes and registry state. It trusts nothing
 * the document claims: every signature is checked against the registered key, every summary
 * field, Merkle root and total is recomputed and compared, and the report's `cidDigest` is the
 * SHA-256 of the bytes themselves.
 *
 * @throws {WindowVerificationError} on the first problem found; the message names the device,
 * counter and position (`devices[i].readings[j]`) of the offending reading.
 * @example
 * const { payload } = verifyWindow({ documentBytes, expectedWindowStart: 1767225600, windowSeconds: 300, deviceKeys })
 */
export function verifyWindow(parameters: VerifyWindowParameters): VerifyWindowReturnType {
  const steps = verifyWindowSteps(parameters);
  let next = steps.next([]);
  while (!next.done) next = steps.next(next.value.map(verifySignatureWithNoble));
  return next.value;
}

/**
 * Checks one signature with protocol's reference verifier (noble; protocol/SIGNATURES.md): the
 * policy every other adapter matches, and what QuickJS runs in the CRE DON.
 */
export function verifySignatureWithNoble(check: SignatureCheck): SignatureVerdict {
  return nobleSignatureVerifier().verify({
    readingBytes: check.readingBytes,
    signature: check.signature,
    key: { keyType: check.key.keyType, publicKey: check.key.publicKey },
  });
}

/**
 * The verification as steps: the generator yields each device's signature checks as one batch and
 * resumes with the verdicts, so a synchronous driver (noble; QuickJS) and an asynchronous one
 * (WebCrypto; Deno) share every line of the logic. Used by `verifyWindow` and `verifyWindowAsync`.
 * The parts every kind shares (arguments, strict parse, window identity, report) are here; the
 * kind's own checks come from {@link batchVerifiers}.
 */
export function* verifyWindowSteps(parameters: VerifyWindowParameters): Generator<SignatureCheck[], VerifyWindowReturnType, SignatureVerdict[]> {
  const { documentBytes, expectedWindowStart, windowSeconds, deviceKeys, sampling, previous } = parameters;
  try {
    assertWindowSeconds(windowSeconds);
  } catch (cause) {
    throw new WindowVerificationError(Code.INVALID_ARGUMENTS, (cause as Error).message, { windowSeconds }, cause);
  }
  if (!Number.isSafeInteger(expectedWindowStart) || expectedWindowStart < 0 || expectedWindowStart % windowSeconds !== 0) {
    throw new WindowVerificationError(
      Code.INVALID_ARGUMENTS,
      `Expected window start ${expectedWindowStart} is not a non-negative multiple of ${windowSeconds} s.`,
      { expectedWindowStart, windowSeconds },
    );
  }
  if (previous !== undefined) assertPreviousWindow(previous, expectedWindowStart);

  let doc: BatchDocument;
  try {
    doc = parseWindowDocument(documentBytes);
  } catch (cause) {
    if (cause instanceof InvalidWindowDocumentError) throw documentRefusal(cause);
    throw cause;
  }
  const { windowStart, windowSeconds: docWindowSeconds } = doc;
  if (windowStart !== expectedWindowStart || docWindowSeconds !== windowSeconds) {
    throw new WindowVerificationError(
      Code.WINDOW_MISMATCH,
      `Document is window ${windowStart} (${docWindowSeconds} s), expected window ${expectedWindowStart} (${windowSeconds} s).`,
      { position: 'windowStart', windowStart, windowSeconds: docWindowSeconds, expectedWindowStart, expectedWindowSeconds: windowSeconds },
    );
  }
  const verifier = Object.hasOwn(batchVerifiers, doc.kind) ? batchVerifiers[doc.kind] : undefined;
  if (!verifier)
    throw new WindowVerificationError(Code.KIND_UNSUPPORTED, `No verifier for batch kind ${JSON.stringify(doc.kind)}.`, { position: 'kind', kind: doc.kind });
  const documentDigest = windowDocumentDigest(documentBytes);
  const totals = yield* verifier(doc, { documentBytes, documentDigest, windowStart, windowSeconds, deviceKeys, sampling, previous });

  const report: WindowReport = {
    windowStart,
    windowSeconds,
    root: totals.root,
    cidDigest: documentDigest,
    deviceCount: totals.deviceCount,
    readingCount: totals.readingCount,
    energyWh: totals.energyWh,
  };
  return {
    report,
    payload: encodeWindowReport(report),
    cid: windowDocumentCid(documentBytes).toString(),
    signaturesVerified: totals.signaturesVerified,
    sample: totals.sample,
  };
}

/**
 * The readings kind: every reading's layout, device, window, order and energy, each device's
 * baseline, every signature (or the sampled ones), every claimed summary field and total.
 */
function* verifyReadingsBatch(doc: WindowDocument, context: BatchVerifierContext): Generator<SignatureCheck[], BatchVerification, SignatureVerdict[]> {
  const { documentDigest, windowStart, windowSeconds, deviceKeys, sampling, previous } = context;
  const windowEnd = windowStart + windowSeconds;
  const previousById = previous ? previousDevicesById(previous) : undefined;

  const devices = doc.devices;
  if (devices.length === 0) {
    throw new WindowVerificationError(Code.DOCUMENT_MALFORMED, 'Window document has no devices; an empty window is never sealed.', {
      position: 'devices',
    });
  }
  // Claimed totals within their report fields first: nothing out of range is worth recomputing.
  const outOfRange = windowTotalOutOfRange(doc);
  if (outOfRange) {
    throw new WindowVerificationError(Code.TOTAL_OUT_OF_RANGE, `Window ${windowStart}: ${outOfRangeMessage(outOfRange)}`, {
      position: outOfRange.field,
      ...outOfRange,
    });
  }

  // The sample is drawn over the P-256 readings as laid out (device order, then position), before any is
  // checked. Ed25519 readings are never sampled: no EVM verifier exists to prove a forged one on chain
  // (protocol/SIGNATURES.md), so the DON is their only check and checks every one.
  const keyTypeOf = (deviceId: string) => (Object.hasOwn(deviceKeys, deviceId) ? deviceKeys[deviceId]?.keyType : undefined);
  const sampleable: number[] = [];
  let readingIndex = 0;
  for (const b of devices) {
    const p256 = keyTypeOf(b.deviceId) === KeyType.P256;
    for (let j = 0; j < b.readings.length; j++, readingIndex++) if (p256) sampleable.push(readingIndex);
  }
  const sample = sampling ? sampleFor(sampling, readingIndex, sampleable, documentDigest) : null;
  const sampled = sample ? new Set(sample) : null;
  let globalIndex = 0;
  let signaturesVerified = 0;

  const summaryLeaves: Hex[] = [];
  let totalReadings = 0;
  let totalEnergyWh = 0n;
  let previousDeviceId = '';
  for (let i = 0; i < devices.length; i++) {
    const batch = devices[i];
    const at = `devices[${i}]`;
    const deviceId = batch.deviceId;
    const where = { deviceId, position: at };
    if (!(deviceId > previousDeviceId)) {
      throw new WindowVerificationError(
        Code.DEVICES_NOT_SORTED,
        `Device ${deviceId} at ${at} does not come strictly after ${previousDeviceId} (devices must be ascending by id, no duplicates).`,
        { ...where, previousDeviceId },
      );
    }
    previousDeviceId = deviceId;

    const key = Object.hasOwn(deviceKeys, deviceId) ? deviceKeys[deviceId] : undefined;
    if (!key || (key.keyType !== KeyType.P256 && key.keyType !== KeyType.ED25519)) {
      throw new WindowVerificationError(Code.DEVICE_UNKNOWN, `Device ${deviceId} at ${at} is not registered.`, where);
    }
    // A revoked device's readings before its revocation are valid; one at or after it refuses the window (below).
    const { revokedAt } = key;

    const rawReadings = batch.readings;
    if (rawReadings.length === 0) {
      throw new WindowVerificationError(Code.DOCUMENT_MALFORMED, `Device ${deviceId} at ${at} has an empty readings array.`, {
        ...where,
        position: `${at}.readings`,
      });
    }

    // Every reading: layout, device, window, order, energy; signatures (all, or the sampled ones) after the batch.
    const readings: Reading[] = [];
    const leaves: Hex[] = [];
    const pending: { signed: SignedReading; name: string; loc: Record<string, unknown> }[] = [];
    rawReadings.forEach((hex, j) => {
      const position = `${at}.readings[${j}]`;
      const signed = signedReadingAt(hex, deviceId, position);
      const reading = signed.reading;
      const name = `Reading ${deviceId}#${reading.counter} at ${position}`;
      const loc = { deviceId, counter: reading.counter, position };
      if (reading.deviceId !== deviceId) {
        throw new WindowVerificationError(Code.READING_DEVICE_MISMATCH, `${name} carries device id ${reading.deviceId}, not ${deviceId}.`, {
          ...loc,
          readingDeviceId: reading.deviceId,
        });
      }
      if (reading.timestamp < windowStart || reading.timestamp >= windowEnd) {
        throw new WindowVerificationError(
          Code.READING_OUTSIDE_WINDOW,
          `${name} has timestamp ${reading.timestamp}, outside window [${windowStart}, ${windowEnd}).`,
          { ...loc, timestamp: reading.timestamp },
        );
      }
      // Needs no signature, so it holds for every reading, sampled or not. Provable on chain (challengeReading,
      // reason 16): a window holding such a reading would be anchored only to be frozen, so it is refused instead.
      if (!isValidAtRevocation(revokedAt, reading.timestamp)) {
        throw new WindowVerificationError(
          Code.READING_AFTER_REVOCATION,
          `${name} has timestamp ${reading.timestamp}, at or after the device's revocation at ${revokedAt}.`,
          { ...loc, timestamp: reading.timestamp, revokedAt },
        );
      }
      const previous = readings[j - 1];
      if (previous && reading.counter <= previous.counter) {
        throw new WindowVerificationError(
          Code.COUNTER_NOT_INCREASING,
          `${name} does not follow counter ${previous.counter} (counters must strictly increase).`,
          { ...loc, previousCounter: previous.counter },
        );
      }
      if (previous && reading.energyWh < previous.energyWh) {
        throw new WindowVerificationError(
          Code.ENERGY_DECREASING,
          `${name} has cumulative energy ${reading.energyWh} Wh, below the ${previous.energyWh} Wh of counter ${previous.counter}.`,
          { ...loc, energyWh: reading.energyWh, previousEnergyWh: previous.energyWh },
        );
      }
      if (!sampled || key.keyType !== KeyType.P256 || sampled.has(globalIndex)) pending.push({ signed, name, loc });
      globalIndex++;
      readings.push(reading);
      leaves.push(readingLeaf(signed.bytes));
    });
    const first = readings[0];
    const last = readings[readings.length - 1];

    // The baseline: the device's last reading before the window, anchoring energyStartWh.
    let energyStartWh = first.energyWh;
    let baselineLeaf: Hex = ZERO_HASH;
    if (batch.baseline !== null) {
      const position = `${at}.baseline`;
      const signed = signedReadingAt(batch.baseline, deviceId, position);
      const b = signed.reading;
      const name = `Baseline reading ${deviceId}#${b.counter} at ${position}`;
      const loc = { deviceId, counter: b.counter, position };
      const fail = (why: string, extra: Record<string, unknown> = {}) => {
        throw new WindowVerificationError(Code.BASELINE_INVALID, `${name} ${why}`, { ...loc, ...extra });
      };
      if (b.deviceId !== deviceId) fail(`carries device id ${b.deviceId}, not ${deviceId}.`, { readingDeviceId: b.deviceId });
      if (b.counter >= first.counter) fail(`does not precede the first reading (counter ${first.counter}).`, { firstCounter: first.counter });
      if (b.timestamp >= windowStart) fail(`has timestamp ${b.timestamp}, not before the window start ${windowStart}.`, { timestamp: b.timestamp });
      if (b.energyWh > first.energyWh) {
        fail(`has cumulative energy ${b.energyWh} Wh, above the first reading's ${first.energyWh} Wh.`, { energyWh: b.energyWh });
      }
      // Baselines are always checked: one per device, and they anchor energyStartWh across windows.
      pending.push({ signed, name, loc });
      energyStartWh = b.energyWh;
      baselineLeaf = readingLeaf(signed.bytes);
    }

    const verdicts = yield pending.map(({ signed }) => ({ readingBytes: signed.readingBytes, signature: signed.signature, key }));
    for (const [k, { name, loc }] of pending.entries()) signatureVerdict(verdicts[k], name, loc);
    signaturesVerified += pending.length;

    // Every claimed summary field against the recomputed one.
    const recomputed = {
      readingsRoot: buildMerkleTree(leaves).root,
      readingCount: readings.length,
      firstCounter: first.counter,
      lastCounter: last.counter,
      energyStartWh,
      energyEndWh: last.energyWh,
      energyWh: last.energyWh - energyStartWh,
      baselineLeaf,
    };
    for (const field of Object.keys(recomputed) as (keyof typeof recomputed)[]) {
      const claimed = batch[field];
      if (claimed !== recomputed[field]) {
        throw new WindowVerificationError(
          Code.DEVICE_SUMMARY_MISMATCH,
          `Device ${deviceId} at ${at} claims ${field} ${String(claimed)}, recomputed ${recomputed[field]}.`,
          { ...where, position: `${at}.${field}`, field, claimed, recomputed: recomputed[field] },
        );
      }
    }
    const { energyWh, ...summaryFields } = recomputed;
    const summary: DeviceSummary = { deviceId, ...summaryFields };
    if (previous && previousById) checkContinuity(previous, previousById.get(deviceId), windowStart, summary, at);
    summaryLeaves.push(deviceSummaryLeaf(summary));
    totalReadings += readings.length;
    totalEnergyWh += BigInt(energyWh);
  }

  const totals = {
    root: buildMerkleTree(summaryLeaves).root,
    deviceCount: devices.length,
    readingCount: totalReadings,
    energyWh: totalEnergyWh,
  };
  for (const field of Object.keys(totals) as (keyof typeof totals)[]) {
    if (doc[field] !== totals[field]) {
      // Decimal strings in the location: the energy total is a bigint, which JSON cannot carry.
      const claimed = typeof doc[field] === 'bigint' ? String(doc[field]) : doc[field];
      const recomputedValue = typeof totals[field] === 'bigint' ? String(totals[field]) : totals[field];
      throw new WindowVerificationError(
        Code.WINDOW_SUMMARY_MISMATCH,
        `Window ${windowStart} claims ${field} ${String(doc[field])}, recomputed ${totals[field]}.`,
        { position: field, field, claimed, recomputed: recomputedValue },
      );
    }
  }

  return { ...totals, signaturesVerified, sample };
}

/** The verifier per batch kind. Its keys are protocol's `batchKinds` (the type requires one verifier for each registered kind). */
export const batchVerifiers: { readonly [K in BatchKind]: BatchVerifier<K> } = { readings: verifyReadingsBatch };

/**
 * The sampled global indices, drawn among `sampleable` (the P-256 readings), or null when the window
 * (`readingCount` readings) is small enough to verify in full or the sample would hold every P-256 reading.
 */
function sampleFor(sampling: SamplingOptions, readingCount: number, sampleable: number[], documentDigest: Hex): number[] | null {
  const { threshold, sampleSize, seed } = sampling;
  const bad = (why: string) => new WindowVerificationError(Code.INVALID_ARGUMENTS, `Sampling ${why}.`, { threshold, sampleSize, seed });
  if (!Number.isSafeInteger(threshold) || threshold < 0) throw bad(`threshold must be a non-negative integer, got ${threshold}`);
  if (!Number.isSafeInteger(sampleSize) || sampleSize < 1) throw bad(`sampleSize must be a positive integer, got ${sampleSize}`);
  if (typeof seed !== 'string' || !HASH_PATTERN.test(seed)) throw bad(`seed must be 32 bytes of lower-case 0x hex, got ${String(seed)}`);
  if (readingCount <= threshold || sampleSize >= sampleable.length) return null;
  return selectSample(sampleSeedOf(seed, documentDigest), sampleable.length, sampleSize).map((k) => sampleable[k]);
}

/** Decodes one signed reading; layout errors name the position and, when readable, the counter. */
function signedReadingAt(hex: unknown, deviceId: string, position: string): SignedReading {
  if (typeof hex !== 'string' || !SIGNED_READING_PATTERN.test(hex)) {
    throw new WindowVerificationError(
      Code.READING_MALFORMED,
      `Reading of ${deviceId} at ${position} is not ${SIGNED_READING_LENGTH} bytes of lower-case 0x hex.`,
      { deviceId, position },
    );
  }
  const bytes = fromHex(hex);
  try {
    return decodeSignedReading(bytes);
  } catch (cause) {
    // The counter sits at a fixed offset, so it can be named even when another field is bad.
    const c = readingCounter(bytes);
    const counter = c <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(c) : undefined;
    throw new WindowVerificationError(
      Code.READING_MALFORMED,
      `Reading ${deviceId}#${counter ?? '?'} at ${position} is not a valid v1 reading: ${(cause as Error).message}`,
      { deviceId, counter, position },
      cause,
    );
  }
}

function signatureVerdict(verdict: SignatureVerdict | undefined, name: string, loc: Record<string, unknown>): void {
  if (verdict === true) return;
  if (verdict instanceof Error) {
    const why = verdict instanceof ProtocolError ? verdict.shortMessage : verdict.message;
    throw new WindowVerificationError(Code.SIGNATURE_INVALID, `${name} has a malformed signature or key: ${why}`, loc, verdict);
  }
  throw new WindowVerificationError(Code.SIGNATURE_INVALID, `${name} has a signature that does not verify under the device's registered key.`, loc);
}
