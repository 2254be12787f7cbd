import { describe, expect } from 'bun:test';
import { EvmMock, HttpActionsMock, addContractMock, newTestRuntime, test, REPORT_METADATA_HEADER_LENGTH, type WriteReportMockInput } from '@chainlink/cre-sdk/test';
import type { CronPayload } from '@chainlink/cre-sdk';
import { dataLoggerAbi, deviceIdToBytes, deviceRegistryAbi, fromHex, toHex } from '@gridproof/protocol';
import { onCronTrigger } from './handlers.js';
import { parseWorkflowConfig, type WorkflowConfig } from './config.js';
import { WINDOW_SECONDS, WINDOW_START, vector, vectorBytes, vectorDocument, encode, vectorKeys } from '../testing/windowFixture.js';

const REGISTRY = '0x1111111111111111111111111111111111111111' as const;
const LOGGER = '0x2222222222222222222222222222222222222222' as const;
const API = 'http://127.0.0.1:8787';
const SEAL_DELAY = 30;

const config: WorkflowConfig = parseWorkflowConfig({
  schedule: '*/30 * * * * *',
  apiUrl: API,
  windowSeconds: WINDOW_SECONDS,
  sealDelaySeconds: SEAL_DELAY,
  chainSelectorName: 'anvil-devnet',
  deviceRegistryAddress: REGISTRY,
  dataLoggerAddress: LOGGER,
  gasLimit: '600000',
});

/** A cron tick that makes the vector window due: its end plus the seal delay, plus a few seconds. */
const tick = (seconds = WINDOW_START + WINDOW_SECONDS + SEAL_DELAY + 5): CronPayload =>
  ({ scheduledExecutionTime: { seconds: BigInt(seconds), nanos: 0 } }) as unknown as CronPayload;

interface Chain {
  writes: WriteReportMockInput[];
  registryCalls: string[][];
  httpUrls: string[];
}

/** Mocks the oracle API, the registry (vector keys, optional overrides) and the logger. */
function setUp(http: { status: number; body?: Uint8Array }, opts: { recorded?: boolean; revoked?: string[] } = {}): Chain {
  const chain: Chain = { writes: [], registryCalls: [], httpUrls: [] };
  const httpMock = HttpActionsMock.testInstance();
  httpMock.sendRequest = (req) => {
    chain.httpUrls.push(req.url);
    return { statusCode: http.status, headers: {}, body: http.body ?? new Uint8Array() };
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
  const logger = addContractMock(evm, { address: LOGGER, abi: dataLoggerAbi });
  logger.isRecorded = () => opts.recorded ?? false;
  logger.writeReport = (input) => {
    chain.writes.push(input);
    return { txStatus: 'TX_STATUS_SUCCESS', txHash: 'q'.repeat(43) + '=' };
  };
  return chain;
}

const runtimeFor = () => newTestRuntime<WorkflowConfig>(null, {}, config);

describe('GridProof CRE workflow', () => {
  test('valid window: exactly one report, the vector payload, written to the logger', () => {
    const chain = setUp({ status: 200, body: vectorBytes() });
    const runtime = runtimeFor();
    const outcome = onCronTrigger(runtime, tick());

    expect(outcome.status).toBe('recorded');
    expect(outcome.windowStart).toBe(WINDOW_START);
    expect(chain.httpUrls).toEqual([`${API}/v1/windows/${WINDOW_START}/document`]);
    expect(chain.registryCalls).toEqual([['INDU_0042', 'SOLR_0001', 'SOLR_0002'].map((id) => toHex(deviceIdToBytes(id)))]);
    expect(chain.writes).toHaveLength(1);
    const write = chain.writes[0];
    expect(toHex(write.receiver)).toBe(LOGGER);
    expect(write.gasConfig.gasLimit).toBe(600000n);
    const { rawReport } = write.report;
    expect(rawReport.length).toBe(REPORT_METADATA_HEADER_LENGTH + 224);
    expect(toHex(rawReport.subarray(REPORT_METADATA_HEADER_LENGTH))).toBe(vector.report);
    expect(outcome.detail).toContain(vector.cid);
    expect(runtime.getLogs().some((l) => l.includes(`window ${WINDOW_START}: recorded`))).toBe(true);
  });

  test('the window comes from the scheduled time, not the clock', () => {
    const chain = setUp({ status: 404 });
    const runtime = runtimeFor();
    runtime.setTimeProvider(() => 0);
    const outcome = onCronTrigger(runtime, tick(WINDOW_START + 10 * WINDOW_SECONDS + SEAL_DELAY));
    expect(outcome.windowStart).toBe(WINDOW_START + 9 * WINDOW_SECONDS);
    expect(chain.httpUrls).toEqual([`${API}/v1/windows/${WINDOW_START + 9 * WINDOW_SECONDS}/document`]);
  });

  test('tampered window (flipped byte in a reading): no write, the log names the reading', () => {
    const doc = vectorDocument();
    const bytes = fromHex(doc.devices[1].readings[2]);
    bytes[28] ^= 0x01; // power field of SOLR_0001#12
    doc.devices[1].readings[2] = toHex(bytes);
    const chain = setUp({ status: 200, body: encode(doc) });
    const runtime = runtimeFor();
    const outcome = onCronTrigger(runtime, tick());

    expect(outcome.status).toBe('refused');
    expect(chain.writes).toHaveLength(0);
    const line = runtime.getLogs().find((l) => l.includes('refused')) ?? '';
    expect(line).toContain('WINDOW_SIGNATURE_INVALID');
    expect(line).toContain('SOLR_0001#12');
    expect(line).toContain('devices[1].readings[2]');
  });

  test('revoked device: no write, refused with the device named', () => {
    const chain = setUp({ status: 200, body: vectorBytes() }, { revoked: ['SOLR_0002'] });
    const runtime = runtimeFor();
    const outcome = onCronTrigger(runtime, tick());
    expect(outcome.status).toBe('refused');
    expect(outcome.detail).toContain('WINDOW_DEVICE_REVOKED');
    expect(outcome.detail).toContain('SOLR_0002');
    expect(chain.writes).toHaveLength(0);
  });

  test('unreadable document: no write, no registry read', () => {
    const chain = setUp({ status: 200, body: new TextEncoder().encode('{"devices": 7}') });
    const outcome = onCronTrigger(runtimeFor(), tick());
    expect(outcome.status).toBe('refused');
    expect(chain.registryCalls).toHaveLength(0);
    expect(chain.writes).toHaveLength(0);
  });

  test('404 (no readings in the window): no write', () => {
    const chain = setUp({ status: 404 });
    const outcome = onCronTrigger(runtimeFor(), tick());
    expect(outcome.status).toBe('empty');
    expect(chain.writes).toHaveLength(0);
    expect(chain.registryCalls).toHaveLength(0);
  });

  test('409 (not sealed yet): no write', () => {
    const chain = setUp({ status: 409 });
    const outcome = onCronTrigger(runtimeFor(), tick());
    expect(outcome.status).toBe('not-sealed');
    expect(chain.writes).toHaveLength(0);
  });

  test('500 from the API: the execution fails, no write', () => {
    const chain = setUp({ status: 500 });
    expect(() => onCronTrigger(runtimeFor(), tick())).toThrow('500');
    expect(chain.writes).toHaveLength(0);
  });

  test('already recorded: no fetch, no write', () => {
    const chain = setUp({ status: 200, body: vectorBytes() }, { recorded: true });
    const outcome = onCronTrigger(runtimeFor(), tick());
    expect(outcome.status).toBe('already-recorded');
    expect(chain.httpUrls).toHaveLength(0);
    expect(chain.writes).toHaveLength(0);
  });
});
