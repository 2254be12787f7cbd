import { describe, expect } from 'bun:test';
import { newTestRuntime, test, REPORT_METADATA_HEADER_LENGTH } from '@chainlink/cre-sdk/test';
import { sha256 } from '@noble/hashes/sha2.js';
import { deviceIdToBytes, fromHex, toHex } from '@gridproof/protocol';
import { onCronTrigger } from './handlers.js';
import { parseWorkflowConfig, type WorkflowConfig } from './config.js';
import { sampleSeedOf, selectSample } from '../sampling.js';
import { WINDOW_SECONDS, WINDOW_START, encode, forgedWindow, vector, vectorBytes, vectorDocument } from '../testing/windowFixture.js';
import { API, LOGGER, SEAL_DELAY, config, configJson, setUp, tick } from '../testing/workflowFixture.js';

const runtimeFor = (c: WorkflowConfig = config) => newTestRuntime<WorkflowConfig>(null, {}, c);

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
    expect(chain.headerCalls).toHaveLength(0); // sampling is off by default: no seed read
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
    expect(outcome.detail).toContain('registry read at the finalized block');
    expect(chain.writes).toHaveLength(0);
  });

  test('registryBlock "latest" (the reorg-unsafe opt-in): a registry refusal says the keys were read at the latest block', () => {
    setUp({ status: 200, body: vectorBytes() }, { revoked: ['SOLR_0002'] });
    const outcome = onCronTrigger(runtimeFor({ ...config, registryBlock: 'latest' }), tick());
    expect(outcome.status).toBe('refused');
    expect(outcome.detail).toContain('WINDOW_DEVICE_REVOKED');
    expect(outcome.detail).toContain('registry read at the latest block');
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

describe('GridProof CRE workflow with sampling', () => {
  const { bytes, digest, n: N, forged: FORGED } = forgedWindow();
  const sampled = parseWorkflowConfig({ ...configJson, samplingThreshold: 10, sampleSize: 8 });
  const sealDeadline = WINDOW_START + WINDOW_SECONDS + SEAL_DELAY;
  const blockHash = (i: number) => sha256(new TextEncoder().encode(`block ${i}`));
  // The sample the workflow must draw: selectSample(SHA-256(header.hash ‖ SHA-256(document)), N, sampleSize).
  const hashWhere = (inSample: boolean): Uint8Array => {
    for (let i = 0; ; i++) if (selectSample(sampleSeedOf(toHex(blockHash(i)), digest), N, 8).includes(FORGED) === inSample) return blockHash(i);
  };
  const FINALIZED = '-1:0x03';

  test('above the threshold: verified on the sample seeded by the finalized header; a forged reading outside it passes (fraud proofs cover it)', () => {
    const hash = hashWhere(false);
    const chain = setUp({ status: 200, body: bytes }, { header: { hash, timestamp: sealDeadline + 3, blockNumber: 1234n } });
    const outcome = onCronTrigger(runtimeFor(sampled), tick());
    expect(outcome.status).toBe('recorded');
    expect(chain.headerCalls).toEqual([FINALIZED]);
    expect(chain.writes).toHaveLength(1);
    expect(outcome.detail).toContain('signatures 8');
    expect(outcome.detail).toContain(`seed ${toHex(hash)} (block 1234`);
  });

  test('above the threshold: a forged reading inside the sample is refused and named', () => {
    const chain = setUp({ status: 200, body: bytes }, { header: { hash: hashWhere(true), timestamp: sealDeadline + 3 } });
    const outcome = onCronTrigger(runtimeFor(sampled), tick());
    expect(outcome.status).toBe('refused');
    expect(outcome.detail).toContain('WINDOW_SIGNATURE_INVALID');
    expect(outcome.detail).toContain('SOLR_0001#27 at devices[0].readings[17]');
    expect(chain.headerCalls).toEqual([FINALIZED]);
    expect(chain.writes).toHaveLength(0);
  });

  test('registryBlock "latest" reads the latest header for the seed', () => {
    const chain = setUp({ status: 200, body: bytes }, { header: { hash: hashWhere(false), timestamp: sealDeadline + 3 } });
    const outcome = onCronTrigger(runtimeFor({ ...sampled, registryBlock: 'latest' }), tick());
    expect(outcome.status).toBe('recorded');
    expect(chain.headerCalls).toEqual(['-1:0x02']);
  });

  test('at or below the threshold: every signature is verified, no header is read', () => {
    const chain = setUp({ status: 200, body: bytes }, { header: { hash: hashWhere(false), timestamp: sealDeadline + 3 } });
    const outcome = onCronTrigger(runtimeFor({ ...sampled, samplingThreshold: N }), tick());
    expect(outcome.status).toBe('refused');
    expect(outcome.detail).toContain('SOLR_0001#27 at devices[0].readings[17]');
    expect(chain.headerCalls).toHaveLength(0);
    expect(chain.writes).toHaveLength(0);
  });

  test('sampling off: the forged reading is refused, no header is read', () => {
    const chain = setUp({ status: 200, body: bytes }, { header: { hash: hashWhere(false), timestamp: sealDeadline + 3 } });
    const outcome = onCronTrigger(runtimeFor(), tick());
    expect(outcome.status).toBe('refused');
    expect(outcome.detail).toContain('SOLR_0001#27');
    expect(chain.headerCalls).toHaveLength(0);
  });

  test('a seed block not after the seal deadline is not used: no verification, no write, a later tick retries', () => {
    const chain = setUp({ status: 200, body: bytes }, { header: { hash: hashWhere(false), timestamp: sealDeadline } });
    const outcome = onCronTrigger(runtimeFor(sampled), tick());
    expect(outcome.status).toBe('awaiting-seed');
    expect(outcome.detail).toContain(`seal deadline ${sealDeadline}`);
    expect(chain.writes).toHaveLength(0);
  });
});
