import {
  LAST_FINALIZED_BLOCK_NUMBER,
  LATEST_BLOCK_NUMBER,
  TxStatus,
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
import { dataLoggerAbi, deviceIdToBytes, deviceRegistryAbi, fromHex, toHex, windowDocumentDigest } from '@gridproof/protocol';
import { dueWindowStart } from '../dueWindowStart.js';
import { verifyWindow, type RegisteredDeviceKey } from '../verifyWindow.js';
import type { SamplingOptions } from '../sampling.js';
import { WindowVerificationCode } from '../errors.js';
import type { WorkflowConfig } from './config.js';

/** What one cron tick did; the handler's return value (shown by the CRE runtime and in tests). */
export interface WindowOutcome {
  windowStart: number;
  /**
   * - `recorded`: verified and written to the DataLogger.
   * - `already-recorded`: the logger has this window; nothing to do.
   * - `empty`: the API has no document (404: no readings in the window).
   * - `not-sealed`: the API has not sealed it yet (409).
   * - `refused`: the document failed verification; no report.
   * - `awaiting-seed`: sampling applies but the seed block is not after the seal deadline yet; a later tick retries.
   */
  status: 'recorded' | 'already-recorded' | 'empty' | 'not-sealed' | 'refused' | 'awaiting-seed';
  detail: string;
}

/** One node's view of the document; nodes must agree on it exactly (identical consensus). */
type DocumentObservation =
  | { status: 'sealed'; cidDigest: string; deviceIds: string[]; readingCount: number }
  | { status: 'empty' | 'not-sealed'; cidDigest: ''; deviceIds: string[]; readingCount: 0 }
  | { status: 'refused'; code: string; message: string };

/** One node's verdict on the document it fetched; nodes must agree on it exactly. */
type Verdict = { status: 'verified'; payload: string; cid: string; signaturesVerified: number } | { status: 'refused'; code: string; message: string };

/** Registry keys in a form that crosses into node mode unchanged. */
type KeyTable = Record<string, { keyType: number; publicKey: string; active: boolean } | null>;

const documentUrl = (config: WorkflowConfig, windowStart: number) => `${config.apiUrl}${oracleApiPaths.windowDocument(windowStart)}`;

/**
 * Cron handler: verify the window that is due at the tick's scheduled time and, only if it
 * verifies, have the DON sign its report and write it to the DataLogger through the forwarder.
 *
 * Steps: (1) each node fetches the document; identical consensus on its digest and device ids.
 * (2) DON reads the device keys from the registry; if the window has more readings than
 * `samplingThreshold`, DON reads a block header (at `registryBlock`) whose hash seeds the sample.
 * (3) each node verifies the bytes it fetched with {@link verifyWindow}; identical consensus on
 * the verdict (payload or error). (4) report + writeReport. A refused window produces no report and a log line naming the bad reading.
 */
export function onCronTrigger(runtime: Runtime<WorkflowConfig>, trigger: CronPayload): WindowOutcome {
  const config = runtime.config;
  const scheduled = trigger.scheduledExecutionTime;
  if (!scheduled) throw new Error('Cron trigger carries no scheduled execution time; refusing to guess the window from the clock.');
  const windowStart = dueWindowStart(Number(scheduled.seconds), config.windowSeconds, config.sealDelaySeconds);
  const outcome = (status: WindowOutcome['status'], detail: string): WindowOutcome => {
    runtime.log(`window ${windowStart}: ${status}: ${detail}`);
    return { windowStart, status, detail };
  };

  const evm = new cre.capabilities.EVMClient(config.chainSelector);
  if (isRecorded(runtime, evm, windowStart)) return outcome('already-recorded', 'the DataLogger already holds this window');

  // Each node keeps the exact bytes it fetched, to verify them itself in step 3.
  const fetched: { bytes?: Uint8Array } = {};
  const http = new cre.capabilities.HTTPClient();
  const observed = http
    .sendRequest(
      runtime,
      (requester: HTTPSendRequester, url: string) => observeDocument(requester, url, fetched),
      consensusIdenticalAggregation<DocumentObservation>(),
    )(documentUrl(config, windowStart))
    .result();
  if (observed.status === 'empty') return outcome('empty', 'the oracle API has no document for this window (404)');
  if (observed.status === 'not-sealed') return outcome('not-sealed', 'the oracle API has not sealed this window yet (409)');
  if (observed.status === 'refused') return outcome('refused', `${observed.code}: ${observed.message}`);

  const keys = readDeviceKeys(runtime, evm, observed.deviceIds);

  // Sampling seed: read only now, after the digest is agreed, and only for a window above the threshold.
  let sampling: SamplingOptions | undefined;
  let seedNote = '';
  if (config.samplingThreshold !== undefined && config.sampleSize !== undefined && observed.readingCount > config.samplingThreshold) {
    const sealDeadline = windowStart + config.windowSeconds + config.sealDelaySeconds;
    const seed = readSeedHeader(runtime, evm);
    if (seed.timestamp <= sealDeadline) {
      return outcome(
        'awaiting-seed',
        `seed block ${seed.number} (timestamp ${seed.timestamp}) is not after the seal deadline ${sealDeadline}; a later tick retries`,
      );
    }
    sampling = { threshold: config.samplingThreshold, sampleSize: config.sampleSize, seed: seed.hash };
    seedNote = ` sampled ${config.sampleSize} of ${observed.readingCount} readings, seed ${seed.hash} (block ${seed.number}, timestamp ${seed.timestamp})`;
  }

  const verdict = runtime
    .runInNodeMode(
      (_node: NodeRuntime<WorkflowConfig>, table: KeyTable): Verdict => verifyFetched(fetched.bytes, windowStart, config.windowSeconds, table, sampling),
      consensusIdenticalAggregation<Verdict>(),
    )(keys)
    .result();
  if (verdict.status === 'refused') return outcome('refused', `${verdict.code}: ${verdict.message}${registryNote(config, verdict.code)}${seedNote}`);

  const report = runtime.report(prepareReportRequest(verdict.payload as Hex)).result();
  const reply = evm
    .writeReport(runtime, {
      receiver: config.dataLoggerAddress,
      report,
      gasConfig: { gasLimit: config.gasLimit },
    })
    .result();
  if (reply.txStatus !== TxStatus.SUCCESS) {
    throw new Error(`writeReport for window ${windowStart} failed: status ${TxStatus[reply.txStatus]} ${reply.errorMessage ?? ''}`.trim());
  }
  const txHash = reply.txHash ? bytesToHex(reply.txHash) : '(no hash)';
  return outcome('recorded', `cid ${verdict.cid} payload ${verdict.payload} tx ${txHash} signatures ${verdict.signaturesVerified}${seedNote}`);
}

/**
 * For a refusal by the registry (unknown or revoked device): which block the keys were read at. At `finalized` a
 * registration that is not final yet is not used, so the window is refused until a tick (while it is due) finds it final.
 */
function registryNote(config: WorkflowConfig, code: string): string {
  if (code !== WindowVerificationCode.DEVICE_UNKNOWN && code !== WindowVerificationCode.DEVICE_REVOKED) return '';
  return config.registryBlock === 'finalized'
    ? ' (registry read at the finalized block: a registration that is not final yet is not used; a later tick retries)'
    : ' (registry read at the latest block)';
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

/** DON mode: has the DataLogger recorded this window already? */
function isRecorded(runtime: Runtime<WorkflowConfig>, evm: InstanceType<typeof cre.capabilities.EVMClient>, windowStart: number): boolean {
  const data = encodeFunctionData({ abi: dataLoggerAbi, functionName: 'isRecorded', args: [BigInt(windowStart)] });
  const reply = evm
    .callContract(runtime, {
      call: encodeCallMsg({ from: zeroAddress, to: runtime.config.dataLoggerAddress, data }),
      blockNumber: LATEST_BLOCK_NUMBER,
    })
    .result();
  return decodeFunctionResult({ abi: dataLoggerAbi, functionName: 'isRecorded', data: bytesToHex(reply.data) }) as boolean;
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
  const devices = decodeFunctionResult({ abi: deviceRegistryAbi, functionName: 'getDevices', data: bytesToHex(reply.data) }) as readonly {
    keyType: number;
    active: boolean;
    publicKey: Hex;
  }[];
  if (devices.length !== deviceIds.length) throw new Error(`getDevices returned ${devices.length} entries for ${deviceIds.length} ids.`);
  const table: KeyTable = {};
  deviceIds.forEach((id, i) => {
    const d = devices[i];
    table[id] = d.keyType === 0 ? null : { keyType: d.keyType, publicKey: d.publicKey, active: d.active };
  });
  return table;
}

/**
 * DON mode: the block header whose hash seeds the sample, at the same block tag as the registry read
 * (`finalized` by default). A consensus read, so every node gets the same hash.
 */
function readSeedHeader(
  runtime: Runtime<WorkflowConfig>,
  evm: InstanceType<typeof cre.capabilities.EVMClient>,
): { hash: Hex; number: string; timestamp: number } {
  const reply = evm
    .headerByNumber(runtime, {
      blockNumber: runtime.config.registryBlock === 'latest' ? LATEST_BLOCK_NUMBER : LAST_FINALIZED_BLOCK_NUMBER,
    })
    .result();
  const header = reply.header;
  if (header?.hash.length !== 32) throw new Error(`headerByNumber returned no 32-byte block hash (${header ? header.hash.length : 'no header'}).`);
  return {
    hash: bytesToHex(header.hash).toLowerCase() as Hex,
    number: header.blockNumber ? protoBigIntToBigint(header.blockNumber).toString() : '?',
    timestamp: Number(header.timestamp),
  };
}

/** Node mode: verify the bytes this node fetched; a failure is a verdict, not an exception. */
function verifyFetched(
  bytes: Uint8Array | undefined,
  windowStart: number,
  windowSeconds: number,
  table: KeyTable,
  sampling: SamplingOptions | undefined,
): Verdict {
  if (!bytes) throw new Error('No document was fetched on this node.');
  const deviceKeys: Record<string, RegisteredDeviceKey | undefined> = {};
  for (const [id, entry] of Object.entries(table)) {
    deviceKeys[id] = entry ? { keyType: entry.keyType as 1 | 2, publicKey: fromHex(entry.publicKey), active: entry.active } : undefined;
  }
  try {
    const { payload, cid, signaturesVerified } = verifyWindow({ documentBytes: bytes, expectedWindowStart: windowStart, windowSeconds, deviceKeys, sampling });
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
