// Test-only: the workflow's config and capability mocks (oracle API, registry, logger) for bun tests.
import { EvmMock, HttpActionsMock, addContractMock, type WriteReportMockInput } from '@chainlink/cre-sdk/test';
import { bigintToProtoBigInt, type CronPayload } from '@chainlink/cre-sdk';
import { dataLoggerAbi, deviceRegistryAbi, fromHex, toHex } from '@gridproof/protocol';
import { parseWorkflowConfig, type WorkflowConfig } from '../workflow/config.js';
import { WINDOW_SECONDS, WINDOW_START, vectorKeys } from './windowFixture.js';

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
  /** Block numbers asked of headerByNumber (the seed read), as the proto BigInt JSON's absVal/sign. */
  headerCalls: string[];
}

/** What the mocked headerByNumber answers: the seed block. */
export interface SeedHeader {
  hash: Uint8Array;
  timestamp: number;
  blockNumber?: bigint;
}

/** Mocks the oracle API, the registry (vector keys, optional overrides) and the logger. */
export function setUp(http: { status: number; body?: Uint8Array }, opts: { recorded?: boolean; revoked?: string[]; header?: SeedHeader } = {}): Chain {
  const chain: Chain = { writes: [], registryCalls: [], httpUrls: [], headerCalls: [] };
  const httpMock = HttpActionsMock.testInstance();
  httpMock.sendRequest = (req) => {
    chain.httpUrls.push(req.url);
    return { statusCode: http.status, headers: {}, body: Buffer.from(http.body ?? new Uint8Array()).toString('base64') };
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
      if (!k) return { deviceId: hexId, keyType: 0, owner: '0x0000000000000000000000000000000000000000', active: false, registeredAt: 0n, publicKey: '0x' };
      return {
        deviceId: hexId,
        keyType: k.keyType,
        owner: '0x3333333333333333333333333333333333333333',
        active: !opts.revoked?.includes(id),
        registeredAt: 1n,
        publicKey: toHex(k.publicKey),
      };
    });
  };
  evm.headerByNumber = (req) => {
    chain.headerCalls.push(req.blockNumber ? `${req.blockNumber.sign}:${toHex(req.blockNumber.absVal)}` : '(none)');
    if (!opts.header) throw new Error('headerByNumber: no seed header in this test');
    return {
      header: {
        hash: Buffer.from(opts.header.hash).toString('base64'),
        parentHash: Buffer.from(new Uint8Array(32)).toString('base64'),
        timestamp: String(opts.header.timestamp),
        ...(opts.header.blockNumber === undefined ? {} : { blockNumber: bigintToProtoBigInt(opts.header.blockNumber) }),
      },
    };
  };
  const logger = addContractMock(evm, { address: LOGGER, abi: dataLoggerAbi });
  logger.isRecorded = () => opts.recorded ?? false;
  logger.writeReport = (input) => {
    chain.writes.push(input);
    return { txStatus: 'TX_STATUS_SUCCESS', txHash: `${'q'.repeat(43)}=` };
  };
  return chain;
}
