// Test-only: the workflow's config and capability mocks (oracle API, registry, logger) for bun tests.
import { EvmMock, HttpActionsMock, REPORT_METADATA_HEADER_LENGTH, addContractMock, type WriteReportMockInput } from '@chainlink/cre-sdk/test';
import { sha256 } from '@noble/hashes/sha2.js';
import { bigintToProtoBigInt, type CronPayload } from '@chainlink/cre-sdk';
import { dataLoggerAbi, deviceRegistryAbi, fromHex, toHex, type Hex } from '@gridproof/protocol';
import { parseWorkflowConfig, type WorkflowConfig } from '../workflow/config.js';
import { WINDOW_SECONDS, WINDOW_START, registryDevice, revokedKey, vectorKeys } from './windowFixture.js';

export const REGISTRY = '0x1111111111111111111111111111111111111111' as const;
export const LOGGER = '0x2222222222222222222222222222222222222222' as const;
export const API = 'http://127.0.0.1:8787';
export const SEAL_DELAY = 30;

/** The config as the workflow file holds it (JSON), and parsed. */
export const configJson = {
  schedule: '*/30 * * * * *',
  apiUrl: API,
  windowSeconds: WINDOW_SECONDS,
  sealDelaySeconds: SEAL_DELAY,
  chainSelectorName: 'anvil-devnet',
  deviceRegistryAddress: REGISTRY,
  dataLoggerAddress: LOGGER,
  gasLimit: '600000',
};
export const config: WorkflowConfig = parseWorkflowConfig(configJson);

/** A cron tick that makes the vector window due: its end plus the seal delay, plus a few seconds. */
export const dueTickSeconds = WINDOW_START + WINDOW_SECONDS + SEAL_DELAY + 5;
export const tick = (seconds = dueTickSeconds): CronPayload => ({ scheduledExecutionTime: { seconds: BigInt(seconds), nanos: 0 } }) as unknown as CronPayload;

export interface Chain {
  writes: WriteReportMockInput[];
  registryCalls: string[][];
  httpUrls: string[];
  /** Block numbers asked of headerByNumber, as the proto BigInt JSON's sign:absVal (`-1:0x02` latest, `1:0x..` a number). */
  headerCalls: string[];
  /** The mocked DataLogger: commitments and records by window start, and the head block (each write mines one). */
  head: bigint;
  commitments: Map<number, { cidDigest: Hex; commitBlock: bigint }>;
  records: Map<number, { root: Hex; cidDigest: Hex; payload: Hex }>;
  /** What the API answers, by URL (mutable between ticks); `http` of setUp answers any other URL. */
  documents: Map<string, HttpAnswer>;
}

export interface HttpAnswer {
  status: number;
  body?: Uint8Array;
}

/** The hash the mocked chain gives block `n`. */
export const blockHashOf = (n: bigint): Uint8Array => sha256(new TextEncoder().encode(`block ${n}`));

export const documentUrlOf = (windowStart: number) => `${API}/v1/windows/${windowStart}/document`;

export interface SetUpOptions {
  /** The due window (WINDOW_START) is recorded. */
  recorded?: boolean;
  /** Devices revoked in the registry, with their revokedAt (unix seconds; readings from then on are invalid). */
  revokedAt?: Record<string, number>;
  /** Commitments already on chain, by window start. */
  committed?: Record<number, { cidDigest: Hex; commitBlock: bigint }>;
  /** The latest block (default 100). */
  head?: bigint;
  /** A block's hash (default {@link blockHashOf}). */
  blockHash?: (n: bigint) => Uint8Array;
}

/**
 * Mocks the oracle API, the registry (vector keys, optional overrides) and a DataLogger that behaves like the real one
 * for the two-phase anchor: a 64-byte report commits (in block head + 1), a 224-byte one records when its digest is the
 * committed one and its block is at least commitBlock + 2, anything else reverts.
 */
export function setUp(http: HttpAnswer, opts: SetUpOptions = {}): Chain {
  const chain: Chain = {
    writes: [],
    registryCalls: [],
    httpUrls: [],
    headerCalls: [],
    head: opts.head ?? 100n,
    commitments: new Map(Object.entries(opts.committed ?? {}).map(([k, v]) => [Number(k), v])),
    records: new Map(),
    documents: new Map(),
  };
  if (opts.recorded) chain.records.set(WINDOW_START, { root: `0x${'11'.repeat(32)}`, cidDigest: `0x${'22'.repeat(32)}`, payload: '0x' });
  const blockHash = opts.blockHash ?? blockHashOf;
  const httpMock = HttpActionsMock.testInstance();
  httpMock.sendRequest = (req) => {
    chain.httpUrls.push(req.url);
    const answer = chain.documents.get(req.url) ?? http;
    return { statusCode: answer.status, headers: {}, body: Buffer.from(answer.body ?? new Uint8Array()).toString('base64') };
  };
  const evm = EvmMock.testInstance(config.chainSelector);
  const registry = addContractMock(evm, { address: REGISTRY, abi: deviceRegistryAbi });
  const keys = vectorKeys();
  registry.getDevices = (ids: unknown) => {
    const hexIds = ids as `0x${string}`[];
    chain.registryCalls.push(hexIds);
    return hexIds.map((hexId) => {
      const id = new TextDecoder().decode(fromHex(hexId));
      const k = keys[id];
      return registryDevice(id, k && revokedKey(k, opts.revokedAt?.[id] ?? 0), 1n, '0x3333333333333333333333333333333333333333');
    });
  };
  evm.headerByNumber = (req) => {
    const sign = Number(req.blockNumber?.sign ?? 0);
    const absVal = req.blockNumber?.absVal ?? new Uint8Array();
    const abs = absVal.length ? BigInt(toHex(absVal)) : 0n;
    chain.headerCalls.push(req.blockNumber ? `${req.blockNumber.sign}:${toHex(absVal)}` : '(none)');
    let n: bigint;
    if (sign >= 0) n = abs;
    else if (abs === 2n)
      n = chain.head; // latest
    else if (abs === 3n)
      n = chain.head - 2n; // finalized
    else throw new Error(`headerByNumber: unsupported block ${sign}:${abs}`);
    if (n > chain.head) throw new Error(`headerByNumber: block ${n} is not mined (head ${chain.head})`);
    return {
      header: {
        hash: Buffer.from(blockHash(n)).toString('base64'),
        parentHash: Buffer.from(new Uint8Array(32)).toString('base64'),
        timestamp: String(WINDOW_START + Number(n)),
        blockNumber: bigintToProtoBigInt(n),
      },
    };
  };
  const logger = addContractMock(evm, { address: LOGGER, abi: dataLoggerAbi });
  logger.isRecorded = (w: unknown) => chain.records.has(Number(w));
  logger.isCommitted = (w: unknown) => chain.commitments.has(Number(w));
  logger.getCommitment = (w: unknown) => {
    const c = chain.commitments.get(Number(w));
    return [c?.cidDigest ?? `0x${'00'.repeat(32)}`, c?.commitBlock ?? 0n] as never;
  };
  logger.getWindow = (w: unknown) => {
    const r = chain.records.get(Number(w));
    if (!r) throw new Error(`getWindow(${w}): DataLoggerUnknownWindow`);
    return {
      root: r.root,
      cidDigest: r.cidDigest,
      windowStart: BigInt(w as bigint),
      windowSeconds: WINDOW_SECONDS,
      deviceCount: 1,
      readingCount: 1,
      energyWh: 0n,
      recordedAt: 0n,
    } as never;
  };
  logger.writeReport = (input) => {
    chain.writes.push(input);
    const payload = toHex(input.report.rawReport.subarray(REPORT_METADATA_HEADER_LENGTH));
    const bytes = (payload.length - 2) / 2;
    const windowStart = Number(BigInt(`0x${payload.slice(2, 66)}`));
    const block = chain.head + 1n;
    const revert = (reason: string) => ({ txStatus: 'TX_STATUS_REVERTED', errorMessage: reason }) as never;
    if (bytes === 64) {
      if (chain.commitments.has(windowStart)) return revert('DataLoggerWindowAlreadyCommitted');
      chain.commitments.set(windowStart, { cidDigest: `0x${payload.slice(66, 130)}`, commitBlock: block });
    } else if (bytes === 224) {
      const c = chain.commitments.get(windowStart);
      const cidDigest = `0x${payload.slice(2 + 192, 2 + 256)}` as Hex;
      if (!c) return revert('DataLoggerWindowNotCommitted');
      if (c.cidDigest !== cidDigest) return revert('DataLoggerCommitmentMismatch');
      if (block < c.commitBlock + 2n) return revert('DataLoggerDrawPending');
      if (chain.records.has(windowStart)) return revert('DataLoggerWindowAlreadyRecorded');
      chain.records.set(windowStart, { root: `0x${payload.slice(2 + 128, 2 + 192)}`, cidDigest, payload });
    } else return revert(`DataLoggerInvalidReportLength(${bytes})`);
    chain.head = block;
    return { txStatus: 'TX_STATUS_SUCCESS', txHash: `${'q'.repeat(43)}=` };
  };
  return chain;
}
