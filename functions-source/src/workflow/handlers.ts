import {
  LAST_FINALIZED_BLOCK_NUMBER,
  LATEST_BLOCK_NUMBER,
  TxStatus,
  bigintToProtoBigInt,
  bytesToHex,
  consensusIdenticalAggregation,
  cre,
  encodeCallMsg,
  prepareReportRequest,
  protoBigIntToBigint,
  type CronPayload,
  type HTTPSendRequester,
  type NodeRuntime,
  type Runtime,
} from '@chainlink/cre-sdk';
import { oracleApiPaths } from '@gridproof/oracle-api/client';
import { decodeFunctionResult, encodeFunctionData, zeroAddress, type Hex } from 'viem';
import {
  dataLoggerAbi,
  decodeRegistryEntry,
  decodeWindowReport,
  deviceIdToBytes,
  deviceRegistryAbi,
  encodeCommitReport,
  toHex,
  windowDocumentDigest,
} from '@gridproof/protocol';
import { dueWindowStart } from '../dueWindowStart.js';
import { previousWindowOf, verifyWindow, type PreviousWindow, type RegisteredDeviceKey } from '../verifyWindow.js';
import type { SamplingOptions } from '../sampling.js';
import { WindowVerificationCode } from '../errors.js';
import type { WorkflowConfig } from './config.js';

/** What a tick did for one window (shown by the CRE runtime and in tests). */
export interface WindowOutcome {
  windowStart: number;
  /**
   * Commit, then draw (protocol/README.md "Commit, then draw"):
   * - `committed`: phase one: the digest of the document the API serves is written to the DataLogger (64-byte commit report).
   * - `awaiting-draw`: committed, but the head is below `commitBlock + 2`: the seed block is not there yet; a later tick records.
   * - `recorded`: phase two: verified, with the sample seeded by block `commitBlock + 1`, and written (224-byte record).
   * - `already-recorded`: the logger has this window; nothing to do.
   * - `empty`: the API has no document (404: no readings in the window). Nothing is committed.
   * - `not-sealed`: the API has not sealed it yet (409). Nothing is committed.
   * - `refused`: the document failed verification, is not the committed one, or is withheld after the commit; no report.
   */
  status: 'committed' | 'awaiting-draw' | 'recorded' | 'already-recorded' | 'empty' | 'not-sealed' | 'refused';
  detail: string;
}

/** The handler's return: the due window's outcome, and that of the window before it when the tick finished its phase two. */
export interface TickOutcome extends WindowOutcome {
  /** Outcomes of the window before the due one, handled first when it is committed but not recorded (0 or 1 entries). */
  earlier: WindowOutcome[];
}

/** Refusal codes of the two-phase anchor itself (the document's own faults are {@link WindowVerificationCode}s). */
export const AnchorRefusalCode = {
  /** The API serves another document than the one whose digest the DON committed. */
  COMMITMENT_MISMATCH: 'WINDOW_COMMITMENT_MISMATCH',
  /** The API no longer serves the committed document (404/409 after the commit): the window stays committed, unrecorded. */
  DOCUMENT_WITHHELD: 'WINDOW_DOCUMENT_WITHHELD',
  /** The previous window is recorded but the API does not serve its document, or serves another one: continuity cannot be checked. */
  PREVIOUS_UNAVAILABLE: 'WINDOW_PREVIOUS_UNAVAILABLE',
} as const;

/** One node's view of a document; nodes must agree on it exactly (identical consensus). */
type DocumentObservation =
  | { status: 'sealed'; cidDigest: string; deviceIds: string[]; readingCount: number }
  | { status: 'empty' | 'not-sealed'; cidDigest: ''; deviceIds: string[]; readingCount: 0 }
  | { status: 'refused'; code: string; message: string };

/** One node's verdict on the document it fetched; nodes must agree on it exactly. */
type Verdict = { status: 'verified'; payload: string; cid: string; signaturesVerified: number } | { status: 'refused'; code: string; message: string };

/** Registry keys in a form that crosses into node mode unchanged. */
type KeyTable = Record<string, { keyType: number; publicKey: string; revokedAt: number } | null>;

type Evm = InstanceType<typeof cre.capabilities.EVMClient>;
type BlockNumber = typeof LATEST_BLOCK_NUMBER | ReturnType<typeof bigintToProtoBigInt>;

/** A window's state on the DataLogger, read at the latest block. */
interface WindowState {
  recorded: boolean;
  /** Zero digest and block 0 when not committed. */
  cidDigest: Hex;
  commitBlock: bigint;
}

/** A window this tick recorded, kept for the next window's continuity check (its record may not be readable yet). */
interface Recorded {
  windowStart: number;
  cidDigest: Hex;
  root: Hex;
  bytes: { bytes?: Uint8Array };
}

const documentUrl = (config: WorkflowConfig, windowStart: number) => `${config.apiUrl}${oracleApiPaths.windowDocument(windowStart)}`;

/**
 * Cron handler. The window due at the tick's scheduled time goes through the two-phase anchor, and so does the window
 * before it first when that one is committed but not recorded (its phase two finishes after the due window moved on).
 *
 * Per window: recorded → nothing. Not committed → each node fetches the document, identical consensus on its digest,
 * the DON writes the 64-byte commit report (`committed`). Committed → below block `commitBlock + 2` `awaiting-draw`;
 * else the seed is the hash of header `commitBlock + 1` (read by number), each node fetches the document, which must be
 * the committed one, and the previous window's (for continuity, when it is recorded), verifies it with
 * {@link verifyWindow} (sampled with that seed above `samplingThreshold`), identical consensus on the verdict, and the
 * DON writes the 224-byte record. A refused window produces no report and a log line naming the bad reading.
 */
export function onCronTrigger(runtime: Runtime<WorkflowConfig>, trigger: CronPayload): TickOutcome {
  const config = runtime.config;
  const scheduled = trigger.scheduledExecutionTime;
  if (!scheduled) throw new Error('Cron trigger carries no scheduled execution time; refusing to guess the window from the clock.');
  const due = dueWindowStart(Number(scheduled.seconds), config.windowSeconds, config.sealDelaySeconds);
  const evm = new cre.capabilities.EVMClient(config.chainSelector);

  const earlier: WindowOutcome[] = [];
  let justRecorded: Recorded | undefined;
  const before = due - config.windowSeconds;
  // Read once: it decides whether `before` is finished here, and is the due window's previous window.
  const beforeState = before >= 0 ? readWindowState(runtime, evm, before) : undefined;
  if (beforeState && !beforeState.recorded && beforeState.commitBlock > 0n) {
    const done = anchorWindow(runtime, evm, before, beforeState, undefined, undefined);
    earlier.push(done.outcome);
    justRecorded = done.recorded;
  }
  const { outcome } = anchorWindow(runtime, evm, due, readWindowState(runtime, evm, due), justRecorded, beforeState?.recorded);
  return { ...outcome, earlier };
}

/** One window through the two-phase anchor, from its state on chain. */
function anchorWindow(
  runtime: Runtime<WorkflowConfig>,
  evm: Evm,
  windowStart: number,
  state: WindowState,
  justRecorded: Recorded | undefined,
  previousRecorded: boolean | undefined,
): { outcome: WindowOutcome; recorded?: Recorded } {
  const config = runtime.config;
  const outcome = (status: WindowOutcome['status'], detail: string): WindowOutcome => {
    runtime.log(`window ${windowStart}: ${status}: ${detail}`);
    return { windowStart, status, detail };
  };
  if (state.recorded) return { outcome: outcome('already-recorded', 'the DataLogger already holds this window') };

  // Each node keeps the exact bytes it fetched, to verify them itself.
  const fetched: { bytes?: Uint8Array } = {};
  if (state.commitBlock === 0n) {
    // Phase one: commit the digest of what the API serves, before any seed exists.
    const observed = fetchDocument(runtime, documentUrl(config, windowStart), fetched);
    if (observed.status === 'empty') return { outcome: outcome('empty', 'the oracle API has no document for this window (404)') };
    if (observed.status === 'not-sealed') return { outcome: outcome('not-sealed', 'the oracle API has not sealed this window yet (409)') };
    if (observed.status === 'refused') return { outcome: outcome('refused', `${observed.code}: ${observed.message}`) };
    const payload = encodeCommitReport({ windowStart, cidDigest: observed.cidDigest as Hex });
    const txHash = writeReport(runtime, evm, payload, `commit for window ${windowStart}`);
    return { outcome: outcome('committed', `digest ${observed.cidDigest} tx ${txHash}; the seed is the hash of the next block`) };
  }

  // Phase two: the draw. The seed block (commitBlock + 1) came after the commit by construction, so the API could not
  // know it when its document was fixed; the record is accepted from commitBlock + 2 on.
  const head = readHeader(runtime, evm, LATEST_BLOCK_NUMBER);
  const seedBlock = state.commitBlock + 1n;
  if (BigInt(head.number) < state.commitBlock + 2n) {
    return {
      outcome: outcome(
        'awaiting-draw',
        `committed in block ${state.commitBlock}; the head ${head.number} is below ${state.commitBlock + 2n}, a later tick records`,
      ),
    };
  }
  const observed = fetchDocument(runtime, documentUrl(config, windowStart), fetched);
  if (observed.status === 'empty' || observed.status === 'not-sealed') {
    return {
      outcome: outcome(
        'refused',
        `${AnchorRefusalCode.DOCUMENT_WITHHELD}: the oracle API answers ${observed.status === 'empty' ? 404 : 409} for window ${windowStart}, whose digest ${state.cidDigest} was committed in block ${state.commitBlock}; the window stays committed and unrecorded`,
      ),
    };
  }
  if (observed.status === 'refused') return { outcome: outcome('refused', `${observed.code}: ${observed.message}`) };
  if (observed.cidDigest !== state.cidDigest) {
    return {
      outcome: outcome(
        'refused',
        `${AnchorRefusalCode.COMMITMENT_MISMATCH}: the oracle API serves a document of digest ${observed.cidDigest} for window ${windowStart}, not the ${state.cidDigest} committed in block ${state.commitBlock}`,
      ),
    };
  }

  // Continuity: the previous window's document, if that window is recorded, must be the one its record names.
  const previous = readPrevious(runtime, evm, windowStart, justRecorded, previousRecorded);
  if (previous.status === 'refused') return { outcome: outcome('refused', `${previous.code}: ${previous.message}`) };
  const continuityNote = previous.status === 'checked' ? ` continuity against window ${previous.windowStart}` : '';

  const keys = readDeviceKeys(runtime, evm, observed.deviceIds);

  let sampling: SamplingOptions | undefined;
  let seedNote = '';
  if (config.samplingThreshold !== undefined && config.sampleSize !== undefined && observed.readingCount > config.samplingThreshold) {
    const seed = readHeader(runtime, evm, bigintToProtoBigInt(seedBlock));
    if (BigInt(seed.number) !== seedBlock) throw new Error(`headerByNumber(${seedBlock}) answered block ${seed.number}.`);
    sampling = { threshold: config.samplingThreshold, sampleSize: config.sampleSize, seed: seed.hash };
    seedNote = ` sampled ${config.sampleSize} of ${observed.readingCount} readings, seed ${seed.hash} (block ${seed.number}, the block after the commit)`;
  }

  const previousRoot = previous.status === 'checked' ? previous.root : '';
  const previousBytes = previous.status === 'checked' ? previous.bytes : {};
  const verdict = runtime
    .runInNodeMode(
      (_node: NodeRuntime<WorkflowConfig>, table: KeyTable): Verdict =>
        verifyFetched(fetched.bytes, windowStart, config.windowSeconds, table, sampling, previousBytes.bytes, previousRoot),
      consensusIdenticalAggregation<Verdict>(),
    )(keys)
    .result();
  if (verdict.status === 'refused') {
    return { outcome: outcome('refused', `${verdict.code}: ${verdict.message}${registryNote(config, verdict.code)}${seedNote}`) };
  }
  const txHash = writeReport(runtime, evm, verdict.payload as Hex, `record for window ${windowStart}`);
  const root = decodeWindowReport(verdict.payload as Hex).root;
  return {
    outcome: outcome(
      'recorded',
      `cid ${verdict.cid} payload ${verdict.payload} tx ${txHash} signatures ${verdict.signaturesVerified}${seedNote}${continuityNote}`,
    ),
    recorded: { windowStart, cidDigest: state.cidDigest, root, bytes: fetched },
  };
}

/** `runtime.report` and `writeReport` to the logger; a reverted write fails the execution. Returns the tx hash. */
function writeReport(runtime: Runtime<WorkflowConfig>, evm: Evm, payload: Hex, what: string): string {
  const report = runtime.report(prepareReportRequest(payload)).result();
  const reply = evm
    .writeReport(runtime, {
      receiver: runtime.config.dataLoggerAddress,
      report,
      gasConfig: { gasLimit: runtime.config.gasLimit },
    })
    .result();
  if (reply.txStatus !== TxStatus.SUCCESS) {
    throw new Error(`writeReport (${what}) failed: status ${TxStatus[reply.txStatus]} ${reply.errorMessage ?? ''}`.trim());
  }
  return reply.txHash ? bytesToHex(reply.txHash) : '(no hash)';
}

/** Each node GETs the document and keeps its bytes in `fetched`; identical consensus on what they saw. */
function fetchDocument(runtime: Runtime<WorkflowConfig>, url: string, fetched: { bytes?: Uint8Array }): DocumentObservation {
  return new cre.capabilities.HTTPClient()
    .sendRequest(
      runtime,
      (requester: HTTPSendRequester, u: string) => observeDocument(requester, u, fetched),
      consensusIdenticalAggregation<DocumentObservation>(),
    )(url)
    .result();
}

type PreviousRead =
  | { status: 'none' }
  | { status: 'checked'; windowStart: number; root: Hex; bytes: { bytes?: Uint8Array } }
  | { status: 'refused'; code: string; message: string };

/**
 * The window right before `windowStart`, for the continuity check: none when it is not recorded (the first window, an
 * empty one, or one still unrecorded); else its document, fetched from the API by every node, whose digest must be
 * the record's (a window recorded in this very tick is taken from memory: its record may not be readable yet).
 */
function readPrevious(
  runtime: Runtime<WorkflowConfig>,
  evm: Evm,
  windowStart: number,
  justRecorded: Recorded | undefined,
  /** Whether the previous window was recorded, when this tick read it already; undefined: ask the logger. */
  previousRecorded: boolean | undefined,
): PreviousRead {
  const config = runtime.config;
  const start = windowStart - config.windowSeconds;
  if (start < 0) return { status: 'none' };
  if (justRecorded?.windowStart === start) return { status: 'checked', windowStart: start, root: justRecorded.root, bytes: justRecorded.bytes };
  if (!(previousRecorded ?? (callLogger(runtime, evm, 'isRecorded', start) as boolean))) return { status: 'none' };
  const record = readRecord(runtime, evm, start);
  const bytes: { bytes?: Uint8Array } = {};
  const observed = fetchDocument(runtime, documentUrl(config, start), bytes);
  if (observed.status !== 'sealed' || observed.cidDigest !== record.cidDigest) {
    const seen = observed.status === 'sealed' ? `a document of digest ${observed.cidDigest}` : observed.status === 'refused' ? observed.code : observed.status;
    return {
      status: 'refused',
      code: AnchorRefusalCode.PREVIOUS_UNAVAILABLE,
      message: `the previous window ${start} is recorded with digest ${record.cidDigest}, but the oracle API serves ${seen}: continuity cannot be checked`,
    };
  }
  return { status: 'checked', windowStart: start, root: record.root, bytes };
}

/**
 * For a refusal by the registry (an unknown device, or a reading at or after its device's revocation): which block the
 * keys were read at. At `finalized` a certification that is not final yet is not used, so the window is refused until
 * a tick (while it is due) finds it final; a revocation is final for good (readings from it on never count).
 */
function registryNote(config: WorkflowConfig, code: string): string {
  const latest = config.registryBlock !== 'finalized';
  if (code === WindowVerificationCode.DEVICE_UNKNOWN) {
    return latest
      ? ' (registry read at the latest block)'
      : ' (registry read at the finalized block: a certification that is not final yet is not used; a later tick retries)';
  }
  if (code === WindowVerificationCode.READING_AFTER_REVOCATION) {
    return ` (registry read at the ${latest ? 'latest' : 'finalized'} block; the oracle API must exclude such readings at sealing)`;
  }
  return '';
}

/** Node mode: GET the document; 404/409 are answers, anything else non-2xx is an error. */
function observeDocument(requester: HTTPSendRequester, url: string, fetched: { bytes?: Uint8Array }): DocumentObservation {
  const response = requester.sendRequest({ url, method: 'GET', headers: { accept: 'application/vnd.ipld.dag-json' } }).result();
  if (response.statusCode === 404) return { status: 'empty', cidDigest: '', deviceIds: [], readingCount: 0 };
  if (response.statusCode === 409) return { status: 'not-sealed', cidDigest: '', deviceIds: [], readingCount: 0 };
  if (response.statusCode < 200 || response.statusCode > 299) throw new Error(`GET ${url} answered ${response.statusCode}.`);
  const bytes = new Uint8Array(response.body);
  fetched.bytes = bytes;
  // Device ids only, to know which registry entries to read; verifyWindow checks everything later.
  // The reading count (as laid out) decides whether sampling applies; a malformed layout is
  // refused by verifyWindow later, and a count too low only means full verification.
  let deviceIds: string[];
  let readingCount = 0;
  try {
    const doc = JSON.parse(new TextDecoder().decode(bytes)) as { devices?: { deviceId?: unknown; readings?: unknown }[] };
    if (!Array.isArray(doc.devices)) throw new Error('no devices array');
    deviceIds = doc.devices.map((d) => {
      if (typeof d?.deviceId !== 'string') throw new Error('a device batch has no deviceId string');
      deviceIdToBytes(d.deviceId); // throws on anything but XXXX_ZZZZ
      if (Array.isArray(d.readings)) readingCount += d.readings.length;
      return d.deviceId;
    });
  } catch (e) {
    return { status: 'refused', code: WindowVerificationCode.DOCUMENT_MALFORMED, message: `Window document at ${url} is unreadable: ${(e as Error).message}` };
  }
  return { status: 'sealed', cidDigest: windowDocumentDigest(bytes), deviceIds: [...new Set(deviceIds)].sort(), readingCount };
}

/** DON mode: is the window recorded, and its commitment (`isRecorded`, `getCommitment` at the latest block). */
function readWindowState(runtime: Runtime<WorkflowConfig>, evm: Evm, windowStart: number): WindowState {
  const recorded = callLogger(runtime, evm, 'isRecorded', windowStart) as boolean;
  const [cidDigest, commitBlock] = callLogger(runtime, evm, 'getCommitment', windowStart) as readonly [Hex, bigint];
  return { recorded, cidDigest: cidDigest.toLowerCase() as Hex, commitBlock: BigInt(commitBlock) };
}

/** DON mode: a recorded window's root and digest (`getWindow`). */
function readRecord(runtime: Runtime<WorkflowConfig>, evm: Evm, windowStart: number): { root: Hex; cidDigest: Hex } {
  const r = callLogger(runtime, evm, 'getWindow', windowStart) as { root: Hex; cidDigest: Hex };
  return { root: r.root.toLowerCase() as Hex, cidDigest: r.cidDigest.toLowerCase() as Hex };
}

function callLogger(runtime: Runtime<WorkflowConfig>, evm: Evm, functionName: 'isRecorded' | 'getCommitment' | 'getWindow', windowStart: number): unknown {
  const data = encodeFunctionData({ abi: dataLoggerAbi, functionName, args: [BigInt(windowStart)] });
  const reply = evm
    .callContract(runtime, {
      call: encodeCallMsg({ from: zeroAddress, to: runtime.config.dataLoggerAddress, data }),
      blockNumber: LATEST_BLOCK_NUMBER,
    })
    .result();
  return decodeFunctionResult({ abi: dataLoggerAbi, functionName, data: bytesToHex(reply.data) });
}

/** DON mode: the registry entries of the window's devices (`getDevices`; unknown ids come back zeroed). */
function readDeviceKeys(runtime: Runtime<WorkflowConfig>, evm: InstanceType<typeof cre.capabilities.EVMClient>, deviceIds: string[]): KeyTable {
  const data = encodeFunctionData({
    abi: deviceRegistryAbi,
    functionName: 'getDevices',
    args: [deviceIds.map((id) => toHex(deviceIdToBytes(id)))],
  });
  const reply = evm
    .callContract(runtime, {
      call: encodeCallMsg({ from: zeroAddress, to: runtime.config.deviceRegistryAddress, data }),
      blockNumber: runtime.config.registryBlock === 'latest' ? LATEST_BLOCK_NUMBER : LAST_FINALIZED_BLOCK_NUMBER,
    })
    .result();
  const devices = decodeFunctionResult({ abi: deviceRegistryAbi, functionName: 'getDevices', data: bytesToHex(reply.data) });
  if (devices.length !== deviceIds.length) throw new Error(`getDevices returned ${devices.length} entries for ${deviceIds.length} ids.`);
  const table: KeyTable = {};
  deviceIds.forEach((id, i) => {
    const d = devices[i];
    // revokedAt is a uint64 block timestamp (0 while active): a number, so the table crosses into node mode as is.
    table[id] = d.keyType === 0 ? null : { keyType: d.keyType, publicKey: d.publicKey, revokedAt: Number(d.revokedAt) };
  });
  return table;
}

/** DON mode: a block header (`headerByNumber`: a tag or a number). A consensus read, so every node gets the same hash. */
function readHeader(runtime: Runtime<WorkflowConfig>, evm: Evm, blockNumber: BlockNumber): { hash: Hex; number: string; timestamp: number } {
  const reply = evm.headerByNumber(runtime, { blockNumber }).result();
  const header = reply.header;
  if (header?.hash.length !== 32) throw new Error(`headerByNumber returned no 32-byte block hash (${header ? header.hash.length : 'no header'}).`);
  if (!header.blockNumber) throw new Error('headerByNumber returned a header without its number.');
  return {
    hash: bytesToHex(header.hash).toLowerCase() as Hex,
    number: protoBigIntToBigint(header.blockNumber).toString(),
    timestamp: Number(header.timestamp),
  };
}

/**
 * Node mode: verify the bytes this node fetched, against the previous window's bytes it fetched (their digest agreed
 * with the record; their root must be the record's too); a failure is a verdict, not an exception.
 */
function verifyFetched(
  bytes: Uint8Array | undefined,
  windowStart: number,
  windowSeconds: number,
  table: KeyTable,
  sampling: SamplingOptions | undefined,
  previousBytes: Uint8Array | undefined,
  previousRoot: string,
): Verdict {
  if (!bytes) throw new Error('No document was fetched on this node.');
  try {
    // protocol's one registry entry decoder (key type and length; revokedAt), as on the Functions path.
    const deviceKeys: Record<string, RegisteredDeviceKey | undefined> = {};
    for (const [id, entry] of Object.entries(table)) deviceKeys[id] = entry ? decodeRegistryEntry(entry) : undefined;
    let previous: PreviousWindow | undefined;
    if (previousRoot) {
      if (!previousBytes) throw new Error('No previous document was fetched on this node.');
      previous = previousWindowOf(previousBytes);
      if (previous.root.toLowerCase() !== previousRoot) {
        return {
          status: 'refused',
          code: AnchorRefusalCode.PREVIOUS_UNAVAILABLE,
          message: `the previous window's document has root ${previous.root}, not the recorded ${previousRoot}`,
        };
      }
    }
    const { payload, cid, signaturesVerified } = verifyWindow({
      documentBytes: bytes,
      expectedWindowStart: windowStart,
      windowSeconds,
      deviceKeys,
      sampling,
      previous,
    });
    return { status: 'verified', payload, cid, signaturesVerified };
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    return { status: 'refused', code: typeof code === 'string' ? code : 'WINDOW_VERIFICATION_FAILED', message: (e as Error).message };
  }
}

/** The workflow: one cron trigger, one handler. */
export function initWorkflow(config: WorkflowConfig) {
  const cron = new cre.capabilities.CronCapability();
  return [cre.handler(cron.trigger({ schedule: config.schedule }), onCronTrigger)];
}
