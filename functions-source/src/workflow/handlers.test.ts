import { describe, expect } from 'bun:test';
import { newTestRuntime, test, REPORT_METADATA_HEADER_LENGTH } from '@chainlink/cre-sdk/test';
import { deviceIdToBytes, fromHex, toHex } from '@gridproof/protocol';
import { onCronTrigger } from './handlers.js';
import type { WorkflowConfig } from './config.js';
import { WINDOW_SECONDS, WINDOW_START, vector, vectorBytes, vectorDocument, encode } from '../testing/windowFixture.js';
import { API, LOGGER, SEAL_DELAY, config, setUp, tick } from '../testing/workflowFixture.js';

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
