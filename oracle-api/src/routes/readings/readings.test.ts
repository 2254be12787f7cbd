import { bytesToUint, concatBytes, toHex, uintToBytes } from '@gridproof/protocol';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApi, errorOf, hexOf, meters, resetTestApi, signed, T0, type TestApi } from '../../test/fixtures.js';

const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

describe('POST /v1/readings', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi();
  });
  afterAll(() => api.close());
  beforeEach(() => resetTestApi(api));

  /** Posts `[good, bad]` and asserts the rejection stored nothing, not even the good reading. */
  async function rejects(bad: Uint8Array | string, status: number, code: string) {
    const before = await api.readingCount();
    const good = signed(meters.wind, 1, T0 + 1);
    const res = await api.post({ readings: [hexOf(good), typeof bad === 'string' ? bad : hexOf(bad)] });
    const error = await errorOf(res, status);
    expect(error.code).toBe(code);
    expect(error.message).toEqual(expect.any(String));
    expect(await api.readingCount()).toBe(before);
    return error;
  }

  it('a large batch (verified on a worker thread) names the first bad signature and stores nothing', async () => {
    api.clock.t = T0 + 290;
    const batch = Array.from({ length: 120 }, (_, i) => signed(meters.solar, i + 1, T0 + 1 + i));
    batch[60] = batch[60].slice();
    batch[60][100] ^= 1;
    batch[90] = batch[90].slice();
    batch[90][100] ^= 1;
    const error = await errorOf(await api.postReadings(...batch), 422);
    expect(error).toMatchObject({ code: 'BAD_SIGNATURE', details: { index: 60, counter: 61 } });
    expect(await api.readingCount()).toBe(0);
    batch[60] = signed(meters.solar, 61, T0 + 61);
    batch[90] = signed(meters.solar, 91, T0 + 91);
    expect(await (await api.postReadings(...batch)).json()).toMatchObject({ accepted: 120 });
  });

  it('accepts P-256 and Ed25519 readings and reports them in posted order', async () => {
    api.clock.t = T0 + 290;
    const res = await api.postReadings(signed(meters.solar, 1, T0 + 1), signed(meters.wind, 7, T0 + 2), signed(meters.solar, 2, T0 + 301));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      accepted: 3,
      duplicates: 0,
      readings: [
        { deviceId: 'SOLR_0001', counter: 1, windowStart: T0, duplicate: false },
        { deviceId: 'WIND_0002', counter: 7, windowStart: T0, duplicate: false },
        { deviceId: 'SOLR_0001', counter: 2, windowStart: T0 + 300, duplicate: false },
      ],
    });
    expect(await api.readingCount()).toBe(3);
  });

  it('accepts a batch in any order: per device it is judged in counter order', async () => {
    const res = await api.postReadings(signed(meters.solar, 3, T0 + 3), signed(meters.solar, 1, T0 + 1), signed(meters.solar, 2, T0 + 2));
    expect(res.status).toBe(200);
    expect((await res.json()).accepted).toBe(3);
  });

  it('is idempotent: the same signed reading again is a duplicate, stored once', async () => {
    const a = signed(meters.solar, 1, T0 + 1);
    const b = signed(meters.solar, 2, T0 + 2);
    expect((await api.postReadings(a, b)).status).toBe(200);
    const again = await api.postReadings(a, b, signed(meters.solar, 3, T0 + 3));
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({
      accepted: 1,
      duplicates: 2,
      readings: [
        { counter: 1, duplicate: true },
        { counter: 2, duplicate: true },
        { counter: 3, duplicate: false },
      ],
    });
    const twice = await api.postReadings(signed(meters.solar, 4, T0 + 4), signed(meters.solar, 4, T0 + 4));
    expect(await twice.json()).toMatchObject({ accepted: 1, duplicates: 1 });
    expect(await api.readingCount()).toBe(4);
  });

  it('a duplicate stays a 200 after its window was sealed', async () => {
    const a = signed(meters.solar, 1, T0 + 1);
    await api.postReadings(a);
    api.clock.t = T0 + 305;
    expect(await api.sealer.sealDueWindows()).toHaveLength(1);
    const res = await api.postReadings(a);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ accepted: 0, duplicates: 1 });
  });

  describe('400 MALFORMED_BODY', () => {
    it.each([
      ['not JSON', '{"readings": [', undefined],
      ['no readings array', { foo: 1 }, undefined],
      ['readings not an array', { readings: '0x00' }, undefined],
      ['a number instead of hex', { readings: [hexOf(signed(meters.wind, 1, T0 + 1)), 42] }, 1],
      ['hex without 0x', { readings: [hexOf(signed(meters.wind, 1, T0 + 1)), hexOf(signed(meters.wind, 2, T0 + 2)).slice(2)] }, 1],
      ['odd-length hex', { readings: [hexOf(signed(meters.wind, 1, T0 + 1)), '0xabc'] }, 1],
    ])('%s', async (_name, body, index) => {
      const error = await errorOf(await api.post(body), 400);
      expect(error.code).toBe('MALFORMED_BODY');
      expect(error.details?.index).toBe(index);
      expect(await api.readingCount()).toBe(0);
    });
  });

  it('400 EMPTY_BATCH', async () => {
    expect((await errorOf(await api.post({ readings: [] }), 400)).code).toBe('EMPTY_BATCH');
  });

  it('413 BATCH_TOO_LARGE for more than MAX_BATCH readings', async () => {
    const one = hexOf(signed(meters.wind, 1, T0 + 1));
    const error = await errorOf(await api.post({ readings: Array(501).fill(one) }), 413);
    expect(error).toMatchObject({ code: 'BATCH_TOO_LARGE', details: { maxBatch: 500, count: 501 } });
    expect(await api.readingCount()).toBe(0);
  });

  it('413 BATCH_TOO_LARGE for a body over the byte limit, before parsing it', async () => {
    const body = JSON.stringify({ readings: [], padding: 'x'.repeat(api.ctx.rules.maxBodyBytes) });
    expect((await errorOf(await api.post(body), 413)).code).toBe('BATCH_TOO_LARGE');
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(body));
        controller.close();
      },
    });
    const chunked = await api.app.request('/v1/readings', { method: 'POST', body: stream, duplex: 'half' } as RequestInit);
    expect((await errorOf(chunked, 413)).code).toBe('BATCH_TOO_LARGE');
  });

  describe('400 INVALID_READING', () => {
    const good = () => signed(meters.solar, 1, T0 + 1);
    it.each([
      ['106 bytes', () => good().slice(0, 106)],
      ['108 bytes', () => concatBytes(good(), new Uint8Array(1))],
      ['layout version 2', () => Object.assign(good(), { 0: 2 })],
      ['lower-case device id', () => Object.assign(good(), { 1: 0x73 })],
      ['status byte 2', () => Object.assign(good(), { 42: 2 })],
    ])('%s', async (_name, make) => {
      const error = await rejects(make(), 400, 'INVALID_READING');
      expect(error.details?.index).toBe(1);
    });
  });

  it('400 INVALID_SIGNATURE_FORMAT for a high-S P-256 signature', async () => {
    const s = signed(meters.solar, 1, T0 + 1);
    const highS = uintToBytes(P256_N - bytesToUint(s.subarray(75)), 32);
    const error = await rejects(concatBytes(s.subarray(0, 75), highS), 400, 'INVALID_SIGNATURE_FORMAT');
    expect(error.details).toMatchObject({ index: 1, deviceId: 'SOLR_0001', counter: 1 });
  });

  it('422 UNKNOWN_DEVICE', async () => {
    const error = await rejects(signed(meters.rogue, 1, T0 + 1), 422, 'UNKNOWN_DEVICE');
    expect(error.details).toMatchObject({ index: 1, deviceId: 'ROGU_0666' });
  });

  it('422 DEVICE_REVOKED', async () => {
    api.devices.revoke(meters.house.deviceId);
    const error = await rejects(signed(meters.house, 1, T0 + 1), 422, 'DEVICE_REVOKED');
    expect(error.details).toMatchObject({ index: 1, deviceId: 'HOUS_0003' });
  });

  it('422 BAD_SIGNATURE for a reading signed by another key or altered after signing', async () => {
    const forged = signed(meters.house, 1, T0 + 1);
    forged.set(new TextEncoder().encode('SOLR_0001'), 1); // claims to be solar, signed by house
    await rejects(forged, 422, 'BAD_SIGNATURE');
    const altered = signed(meters.wind, 2, T0 + 2);
    altered[29] ^= 1; // power changed after signing (Ed25519)
    const error = await rejects(altered, 422, 'BAD_SIGNATURE');
    expect(error.details).toMatchObject({ index: 1, deviceId: 'WIND_0002', counter: 2 });
  });

  it('503 DEVICE_DIRECTORY_UNAVAILABLE when device keys cannot be read, never a false "unknown"', async () => {
    const devices = api.ctx.devices;
    api.ctx.devices = { get: () => Promise.reject(new Error('connection refused')), settled: () => Promise.reject(new Error('connection refused')) };
    try {
      await rejects(signed(meters.solar, 1, T0 + 1), 503, 'DEVICE_DIRECTORY_UNAVAILABLE');
    } finally {
      api.ctx.devices = devices;
    }
  });

  describe('409 COUNTER_REPLAYED', () => {
    beforeEach(async () => {
      expect((await api.postReadings(signed(meters.solar, 5, T0 + 5))).status).toBe(200);
    });

    it('same counter, different bytes', async () => {
      const res = await api.postReadings(signed(meters.solar, 6, T0 + 6), signed(meters.solar, 5, T0 + 5, { powerW: 9999 }));
      const error = await errorOf(res, 409);
      expect(error).toMatchObject({ code: 'COUNTER_REPLAYED', details: { index: 1, deviceId: 'SOLR_0001', counter: 5, highestCounter: 5 } });
      expect(await api.readingCount()).toBe(1);
    });

    it('a lower counter never stored', async () => {
      const error = await errorOf(await api.postReadings(signed(meters.solar, 4, T0 + 4)), 409);
      expect(error).toMatchObject({ code: 'COUNTER_REPLAYED', details: { index: 0, counter: 4, highestCounter: 5 } });
      expect(await api.readingCount()).toBe(1);
    });

    it('one counter twice in a batch with different bytes', async () => {
      const res = await api.postReadings(signed(meters.solar, 7, T0 + 7), signed(meters.solar, 7, T0 + 8));
      expect((await errorOf(res, 409)).code).toBe('COUNTER_REPLAYED');
      expect(await api.readingCount()).toBe(1);
    });
  });

  describe('422 TIMESTAMP_OUT_OF_RANGE', () => {
    it('ahead of the clock by more than MAX_CLOCK_SKEW', async () => {
      const now = api.clock.now();
      expect((await api.postReadings(signed(meters.solar, 1, now + 30))).status).toBe(200);
      const error = await rejects(signed(meters.solar, 2, now + 31), 422, 'TIMESTAMP_OUT_OF_RANGE');
      expect(error.details).toMatchObject({ index: 1, reason: 'IN_FUTURE' });
    });

    it('in a window past its end + grace, sealed or not', async () => {
      api.clock.t = T0 + 300 + 4; // window T0 still takes readings until T0 + 305
      expect((await api.postReadings(signed(meters.solar, 1, T0 + 299))).status).toBe(200);
      api.clock.t = T0 + 305;
      const error = await rejects(signed(meters.solar, 2, T0 + 299), 422, 'TIMESTAMP_OUT_OF_RANGE');
      expect(error.details).toMatchObject({ reason: 'WINDOW_CLOSED', windowStart: T0, sealed: false });
      await api.sealer.sealDueWindows();
      const sealed = await errorOf(await api.postReadings(signed(meters.solar, 2, T0 + 299)), 422);
      expect(sealed.details).toMatchObject({ reason: 'WINDOW_CLOSED', sealed: true });
    });

    it('before the device’s previous reading', async () => {
      expect((await api.postReadings(signed(meters.solar, 1, T0 + 8))).status).toBe(200);
      const error = await errorOf(await api.postReadings(signed(meters.solar, 2, T0 + 7)), 422);
      expect(error).toMatchObject({ code: 'TIMESTAMP_OUT_OF_RANGE', details: { reason: 'BEFORE_PREVIOUS_READING', previousCounter: 1 } });
      expect(await api.readingCount()).toBe(1);
    });
  });

  it('422 ENERGY_DECREASED when the cumulative register goes down', async () => {
    expect((await api.postReadings(signed(meters.solar, 1, T0 + 1, { energyWh: 500 }))).status).toBe(200);
    const error = await rejects(signed(meters.solar, 2, T0 + 2, { energyWh: 499 }), 422, 'ENERGY_DECREASED');
    expect(error.details).toMatchObject({ index: 1, counter: 2, previousCounter: 1, previousEnergyWh: 500 });
    const inBatch = await api.postReadings(signed(meters.solar, 3, T0 + 3, { energyWh: 600 }), signed(meters.solar, 4, T0 + 4, { energyWh: 10 }));
    expect((await errorOf(inBatch, 422)).code).toBe('ENERGY_DECREASED');
    expect(await api.readingCount()).toBe(1);
  });

  it('stores what it acknowledged: GET /v1/devices/:id/readings returns it, newest first', async () => {
    const rs = [1, 2, 3].map((n) => signed(meters.solar, n, T0 + n, { status: n === 2 ? 'OFF' : 'ON' }));
    await api.postReadings(...rs);
    const res = await api.app.request('/v1/devices/SOLR_0001/readings?limit=2');
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.readings.map((r: { counter: number }) => r.counter)).toEqual([3, 2]);
    expect(body.readings[1]).toEqual({
      deviceId: 'SOLR_0001',
      counter: 2,
      timestamp: T0 + 2,
      powerW: 1500,
      energyWh: 100_050,
      voltageMv: 230_000,
      status: 'OFF',
      windowStart: T0,
      signed: toHex(rs[1]),
      excludedReason: null,
    });
    const older = await (await api.app.request('/v1/devices/SOLR_0001/readings?before=2')).json();
    expect(older.readings.map((r: { counter: number }) => r.counter)).toEqual([1]);
    expect((await errorOf(await api.app.request('/v1/devices/solar/readings'), 400)).code).toBe('INVALID_DEVICE_ID');
    expect((await errorOf(await api.app.request('/v1/devices/SOLR_0001/readings?limit=0'), 400)).code).toBe('INVALID_QUERY');
  });
});
