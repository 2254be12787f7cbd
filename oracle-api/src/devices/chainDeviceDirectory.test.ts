import { countRequests } from '@gridproof/chain';
import { freePort } from '@gridproof/test-support';
import { DeviceRole, KeyType, publicKeyOf, windowStartOf } from '@gridproof/protocol';
import { createPublicClient, http, type PublicClient } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOracleApi } from '../createOracleApi.js';
import { silentLogger } from '../lib/logger.js';
import { startTestChain, type TestChain } from '../test/chain.js';
import { errorOf, hexOf, keyEntry, meters, signed, testClock, type Meter } from '../test/fixtures.js';
import { createChainDeviceDirectory } from './chainDeviceDirectory.js';

/** Certified during a test (an EV charger: consumption). */
const charger = { deviceId: 'TRAN_0005', keyType: KeyType.ED25519, privateKey: new Uint8Array(32).fill(0x55) } as unknown as Meter;
/** A grid-status meter certified at start. */
const grid = { deviceId: 'GRID_0006', keyType: KeyType.ED25519, privateKey: new Uint8Array(32).fill(0x66) } as unknown as Meter;

describe('chain-backed device directory against anvil (DeviceCertified / DeviceRevoked events)', () => {
  let chain: TestChain;
  const chainNow = async () => Number((await createPublicClient({ transport: http(chain.rpcUrl) }).getBlock()).timestamp);

  beforeAll(async () => {
    chain = await startTestChain();
    for (const m of [meters.solar, meters.wind, meters.house]) await chain.register(m.deviceId, m.keyType, keyEntry(m).publicKey);
    await chain.register(grid.deviceId, grid.keyType, publicKeyOf(grid.keyType, grid.privateKey), DeviceRole.GRID_STATUS);
  }, 180_000);
  afterAll(() => chain?.stop());

  /** An in-process API on in-memory PGlite whose clock tests move, reading devices from the chain. */
  async function apiOver(devices: ReturnType<typeof createChainDeviceDirectory>, t: number) {
    const clock = testClock(t);
    const api = await createOracleApi({ dataDir: 'memory', devices, clock, logger: silentLogger, verifyThreads: 0 });
    const post = (...readings: Uint8Array[]) =>
      api.app.request('/v1/readings', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ readings: readings.map(hexOf) }),
      });
    return { ...api, clock, post };
  }

  it('lists devices from the registry events with role, capacity, certifier and organisation: no view call per device', async () => {
    const counter = countRequests(http(chain.rpcUrl));
    const client = createPublicClient({ transport: counter.transport }) as PublicClient;
    const devices = createChainDeviceDirectory({ client, address: chain.deployment.deviceRegistry, startBlock: chain.deployment.startBlock });
    const listed = await devices.list!();
    expect(listed.map((d) => [d.deviceId, d.role, d.active])).toEqual([
      ['SOLR_0001', DeviceRole.PRODUCTION, true],
      ['WIND_0002', DeviceRole.PRODUCTION, true],
      ['HOUS_0003', DeviceRole.PRODUCTION, true],
      ['GRID_0006', DeviceRole.GRID_STATUS, true],
    ]);
    expect(listed[0]).toMatchObject({
      keyType: meters.solar.keyType,
      publicKey: keyEntry(meters.solar).publicKey,
      ratedCapacityW: 5000,
      organisationId: chain.installers.organisationId.toString(),
      revokedAt: null,
    });
    expect(listed[0].certifiedAt).toBeGreaterThan(0);
    expect(counter.counts.eth_call).toBeUndefined();
    expect(counter.counts.eth_getLogs).toBe(1);
    // Within maxStalenessMs the view is reused: no further request at all.
    counter.reset();
    await devices.list!();
    await devices.get('SOLR_0001');
    expect(counter.counts.eth_getLogs).toBeUndefined();
    expect(counter.counts.eth_blockNumber).toBeUndefined();
  });

  it('refuses a revoked device from the revocation time the chain records, not ~10 s later; earlier readings still go in', async () => {
    let ms = 0;
    const devices = createChainDeviceDirectory({ rpcUrl: chain.rpcUrl, address: chain.deployment.deviceRegistry, nowMs: () => ms });
    const api = await apiOver(devices, await chainNow());
    try {
      expect((await api.post(signed(meters.wind, 1, api.clock.t - 5))).status).toBe(200); // the view is read now
      const revokedAt = await chain.revoke(meters.wind.deviceId, 2);
      api.clock.t = revokedAt;
      ms += 1001; // past maxStalenessMs (1 s) since the last sync began: the next check syncs first
      expect((await api.post(signed(meters.wind, 2, revokedAt - 1))).status).toBe(200);
      for (const [counter, timestamp] of [
        [3, revokedAt],
        [4, revokedAt + 1],
      ]) {
        const error = await errorOf(await api.post(signed(meters.wind, counter, timestamp)), 422);
        expect(error).toMatchObject({
          code: 'DEVICE_REVOKED',
          details: { deviceId: 'WIND_0002', counter, timestamp, revokedAt, reason: 'key compromised', reasonCode: 2 },
        });
      }
      // Another device is not held up by the revocation.
      expect((await api.post(signed(meters.solar, 1, revokedAt))).status).toBe(200);
      const device = await (await api.app.request('/v1/devices/WIND_0002')).json();
      expect(device).toMatchObject({ active: false, revokedAt, revocationReason: 'key compromised', role: { code: 1, name: 'production' } });
    } finally {
      await api.close();
    }
  });

  it('takes readings of a device from the moment it is certified: an unknown id waits for a sync begun after it arrived', async () => {
    const devices = createChainDeviceDirectory({ rpcUrl: chain.rpcUrl, address: chain.deployment.deviceRegistry });
    const api = await apiOver(devices, await chainNow());
    try {
      const early = await errorOf(await api.post(signed(charger, 1, api.clock.t)), 422);
      expect(early.code).toBe('UNKNOWN_DEVICE');
      const syncs = devices.syncs;
      await chain.register(charger.deviceId, charger.keyType, publicKeyOf(charger.keyType, charger.privateKey), DeviceRole.CONSUMPTION);
      // The view is fresh (< 1 s), but "unknown" is never answered from a view older than the request.
      expect((await api.post(signed(charger, 1, api.clock.t))).status).toBe(200);
      expect(devices.syncs).toBe(syncs + 1);
      // Concurrent checks of unknown ids share one sync.
      const before = devices.syncs;
      await Promise.all(Array.from({ length: 20 }, (_, i) => devices.get(`ROGU_${String(i).padStart(4, '0')}`)));
      expect(devices.syncs - before).toBeLessThanOrEqual(2);
    } finally {
      await api.close();
    }
  });

  it('excludes at sealing a reading accepted in the gap before the API saw the revocation, keeps it stored and marked', async () => {
    // Sync held back: ingest checks answer from a view up to a minute old; the sealer's settled() syncs anyway.
    const devices = createChainDeviceDirectory({ rpcUrl: chain.rpcUrl, address: chain.deployment.deviceRegistry, maxStalenessMs: 60_000 });
    const api = await apiOver(devices, await chainNow());
    try {
      expect((await api.post(signed(meters.house, 1, api.clock.t - 5))).status).toBe(200);
      const revokedAt = await chain.revoke(meters.house.deviceId, 1);
      api.clock.t = revokedAt;
      // The gap: the stale view still holds the device active, so these are accepted.
      expect((await api.post(signed(meters.house, 2, revokedAt), signed(meters.house, 3, revokedAt + 1))).status).toBe(200);
      expect((await api.post(signed(meters.solar, 11, revokedAt, { energyWh: 200_000 }), signed(grid, 1, revokedAt))).status).toBe(200);
      const windowStart = windowStartOf(revokedAt, api.ctx.rules.windowSeconds);
      api.clock.t = windowStart + api.ctx.rules.windowSeconds + api.ctx.rules.sealGraceSeconds + 1;
      const sealed = await api.sealer.sealDueWindows();
      const row = sealed.find((w) => w.windowStart === windowStart)!;
      const summary = await (await api.app.request(`/v1/windows/${windowStart}`)).json();
      const doc = await (await api.app.request(`/v1/windows/${windowStart}/document`)).json();
      const docDevices = (doc.devices as { deviceId: string; readingCount: number }[]).map((d) => [d.deviceId, d.readingCount]);
      // House's reading from before the revocation stays in (when it falls in this window); the two after it never do.
      const houseBefore = windowStartOf(revokedAt - 5, api.ctx.rules.windowSeconds) === windowStart;
      expect(docDevices.filter(([id]) => id === 'HOUS_0003')).toEqual(houseBefore ? [['HOUS_0003', 1]] : []);
      expect(docDevices.map(([id]) => id)).toEqual(expect.arrayContaining(['GRID_0006', 'SOLR_0001']));
      expect(row.excludedReadingCount).toBe(2);
      expect(summary).toMatchObject({ status: 'sealed', excludedReadingCount: 2, deviceCountByRole: { gridStatus: 1 } });
      expect(BigInt(summary.energyByRole.production) + BigInt(summary.energyByRole.consumption) + BigInt(summary.energyByRole.gridStatus)).toBe(
        BigInt(summary.energyWh),
      );
      // Nothing accepted is lost: the gap readings are stored and marked where readings are listed.
      const page = await (await api.app.request('/v1/devices/HOUS_0003/readings')).json();
      expect(page.readings.map((r: { counter: number; excludedReason: string | null }) => [r.counter, r.excludedReason])).toEqual([
        [3, 'DEVICE_REVOKED'],
        [2, 'DEVICE_REVOKED'],
        [1, null],
      ]);
      const proof = await api.app.request(`/v1/windows/${windowStart}/proof?deviceId=HOUS_0003&counter=2`);
      expect((await errorOf(proof, 404)).code).toBe('READING_NOT_IN_WINDOW');
    } finally {
      await api.close();
    }
  });

  it('rejects (never answers "unknown") when the RPC is unreachable', async () => {
    const devices = createChainDeviceDirectory({ rpcUrl: `http://127.0.0.1:${await freePort()}`, address: chain.deployment.deviceRegistry, startBlock: 0 });
    await expect(devices.get('SOLR_0001')).rejects.toThrow();
    await expect(devices.settled()).rejects.toThrow();
  });
});
