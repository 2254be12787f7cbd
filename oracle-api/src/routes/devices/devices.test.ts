import { toHex } from '@gridproof/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackend } from '../../test/database.js';
import { createTestApi, errorOf, meters, signed, T0, type TestApi } from '../../test/fixtures.js';

const json = async (res: Response) => {
  expect(res.status).toBe(200);
  return res.json();
};

describe(`device endpoints (${testBackend})`, () => {
  let api: TestApi;
  // 2026-01-01T00:00Z is 01:00 in Berlin; readings every 10 minutes for 3 hours from T0 (counter 1..18).
  const solar = Array.from({ length: 18 }, (_, i) => signed(meters.solar, i + 1, T0 + i * 600, { energyWh: 1000 + i * 10, powerW: 100 * (i + 1) }));

  beforeAll(async () => {
    api = await createTestApi({ windowSeconds: 3600, sealGraceSeconds: 36_000 });
    api.clock.t = T0 + 3 * 3600;
    const res = await api.postReadings(...solar);
    expect(res.status).toBe(200);
    api.devices.revoke(meters.house.deviceId);
  });
  afterAll(() => api.close());

  it('lists certified devices with key type, key, role, revocation and last seen, never an owner', async () => {
    const body = await json(await api.app.request('/v1/devices'));
    expect(body.total).toBe(3);
    expect(body.devices).toContainEqual({
      deviceId: 'SOLR_0001',
      keyType: 'P256',
      publicKey: expect.stringMatching(/^0x[0-9a-f]{128}$/),
      role: { code: 1, name: 'production' },
      ratedCapacityW: null,
      certifier: null,
      organisationId: null,
      certifiedAt: null,
      revokedAt: null,
      revocationReason: null,
      active: true,
      lastSeen: T0 + 17 * 600,
    });
    expect(body.devices.find((d: { deviceId: string }) => d.deviceId === 'HOUS_0003')).toMatchObject({
      active: false,
      revocationReason: 'other',
      lastSeen: null,
    });
    expect(JSON.stringify(body)).not.toMatch(/owner|company/i);
    expect((await json(await api.app.request('/v1/devices?active=true&limit=1'))).devices).toHaveLength(1);
    expect((await json(await api.app.request('/v1/devices/WIND_0002'))).keyType).toBe('ED25519');
    expect((await errorOf(await api.app.request('/v1/devices/ROGU_0666'), 404)).code).toBe('DEVICE_NOT_FOUND');
    expect((await errorOf(await api.app.request('/v1/devices?limit=0'), 400)).code).toBe('INVALID_QUERY');
    expect((await errorOf(await api.app.request('/v1/devices?active=yes'), 400)).code).toBe('INVALID_QUERY');
  });

  it('pages readings newest first with nextCursor until the end', async () => {
    const seen: number[] = [];
    let cursor: number | null = null;
    do {
      const page: { readings: { counter: number }[]; nextCursor: number | null } = await json(
        await api.app.request(`/v1/devices/SOLR_0001/readings?limit=7${cursor === null ? '' : `&cursor=${cursor}`}`),
      );
      seen.push(...page.readings.map((r) => r.counter));
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(seen).toEqual(Array.from({ length: 18 }, (_, i) => 18 - i));
    expect((await errorOf(await api.app.request('/v1/devices/SOLR_0001/readings?cursor=-1'), 400)).code).toBe('INVALID_QUERY');
    expect((await errorOf(await api.app.request('/v1/devices/solar/readings'), 400)).code).toBe('INVALID_DEVICE_ID');
  });

  it('latest is the newest reading; 404 NO_READINGS before the first', async () => {
    expect(await json(await api.app.request('/v1/devices/SOLR_0001/latest'))).toMatchObject({
      counter: 18,
      timestamp: T0 + 17 * 600,
      signed: toHex(solar[17]),
    });
    expect((await errorOf(await api.app.request('/v1/devices/WIND_0002/latest'), 404)).code).toBe('NO_READINGS');
    expect((await errorOf(await api.app.request('/v1/devices/x/latest'), 400)).code).toBe('INVALID_DEVICE_ID');
  });

  it('charts a Berlin day in hourly buckets whose energies add up to the register rise', async () => {
    const body = await json(await api.app.request(`/v1/devices/SOLR_0001/chart?range=day&tz=Europe/Berlin&end=${T0 + 3600}`));
    // 2026-01-01 in Berlin: 2025-12-31T23:00Z .. 2026-01-01T23:00Z, 24 hourly buckets.
    expect(body).toMatchObject({ range: 'day', tz: 'Europe/Berlin', bucket: 'hour', start: T0 - 3600, end: T0 + 23 * 3600 });
    expect(body.buckets).toHaveLength(24);
    const filled = body.buckets.filter((b: { readings: number }) => b.readings > 0);
    expect(filled.map((b: { start: number }) => b.start)).toEqual([T0, T0 + 3600, T0 + 7200]);
    expect(filled[0]).toMatchObject({ readings: 6, avgPowerW: 350, maxPowerW: 600, energyWh: 50 });
    // The second hour counts from the first hour's last reading: 1050 -> 1110.
    expect(filled[1]).toMatchObject({ readings: 6, energyWh: 60 });
    expect(body.energyWh).toBe(1170 - 1000);
    // UTC day starts at T0; the same readings fall in 3 buckets.
    const utc = await json(await api.app.request(`/v1/devices/SOLR_0001/chart?range=day&end=${T0}`));
    expect(utc.start).toBe(T0);
    const year = await json(await api.app.request(`/v1/devices/SOLR_0001/chart?range=year&tz=Asia/Kathmandu&end=${T0}`));
    expect(year.buckets).toHaveLength(12);
    expect(year.energyWh).toBe(170);
    for (const range of ['hour', 'week', 'month'])
      expect((await json(await api.app.request(`/v1/devices/SOLR_0001/chart?range=${range}&end=${T0}`))).buckets.length).toBeGreaterThan(0);
  });

  it('chart rejects a bad range, time zone or end with 400', async () => {
    for (const q of ['range=decade', 'tz=Mars/Olympus', 'tz=Europe/Berlin;drop', 'end=-5', 'end=abc']) {
      expect((await errorOf(await api.app.request(`/v1/devices/SOLR_0001/chart?${q}`), 400)).code).toBe('INVALID_QUERY');
    }
  });

  it('liveness: online within N reporting intervals of the last reading', async () => {
    api.clock.t = T0 + 17 * 600 + 1200;
    expect(await json(await api.app.request('/v1/devices/SOLR_0001/liveness'))).toMatchObject({
      online: true,
      lastSeen: T0 + 17 * 600,
      intervalSeconds: 600,
      onlineUntil: T0 + 17 * 600 + 1800,
    });
    expect(await json(await api.app.request('/v1/devices/SOLR_0001/liveness?intervals=1'))).toMatchObject({ online: false });
    expect(await json(await api.app.request('/v1/devices/WIND_0002/liveness'))).toMatchObject({ online: false, lastSeen: null });
    expect((await errorOf(await api.app.request('/v1/devices/SOLR_0001/liveness?intervals=0'), 400)).code).toBe('INVALID_QUERY');
  });
});
