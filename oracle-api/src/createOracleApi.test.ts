import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toHex } from '@gridproof/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOracleApi } from './createOracleApi.js';
import { createMemoryDeviceDirectory } from './devices/deviceDirectory.js';
import { silentLogger } from './lib/logger.js';
import { createTestDatabase, testBackend, type TestDatabase } from './test/database.js';
import { hexOf, keyEntry, meters, signed, T0 } from './test/fixtures.js';

describe(`restart on the same DATA_DIR (${testBackend})`, () => {
  let dataDir: string;
  let database: TestDatabase;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'oracle-api-restart-'));
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
    await database.drop();
  });

  const clock = {
    t: T0 + 100,
    now() {
      return this.t;
    },
  };
  const devices = createMemoryDeviceDirectory({ [meters.solar.deviceId]: keyEntry(meters.solar) });
  const open = (windowSeconds = 300) => createOracleApi({ dataDir, clock, devices, logger: silentLogger, windowSeconds, ...database.config });
  const post = (api: Awaited<ReturnType<typeof open>>, ...rs: Uint8Array[]) =>
    api.app.request('/v1/readings', { method: 'POST', body: JSON.stringify({ readings: rs.map(hexOf) }) });
  const r1 = signed(meters.solar, 1, T0 + 10);
  const r2 = signed(meters.solar, 2, T0 + 20);

  it('keeps acknowledged readings and sealed windows, and the replay rules still hold', async () => {
    const first = await open();
    expect((await post(first, r1, r2)).status).toBe(200);
    clock.t = T0 + 305;
    const [sealed] = await first.sealer.sealDueWindows();
    await first.close();

    const second = await open();
    try {
      const window = await (await second.app.request(`/v1/windows/${T0}`)).json();
      expect(window).toMatchObject({ status: 'sealed', cid: sealed.cid, root: sealed.root, readingCount: 2 });
      const raw = await second.app.request(`/ipfs/${sealed.cid}?format=raw`);
      expect(raw.status).toBe(200);
      const readings = await (await second.app.request('/v1/devices/SOLR_0001/readings')).json();
      expect(readings.readings.map((r: { signed: string }) => r.signed)).toEqual([toHex(r2), toHex(r1)]);
      expect(await (await post(second, r2)).json()).toMatchObject({ accepted: 0, duplicates: 1 });
      expect((await post(second, signed(meters.solar, 2, T0 + 306))).status).toBe(409);
      expect((await post(second, signed(meters.solar, 3, T0 + 306))).status).toBe(200);
    } finally {
      await second.close();
    }
  });

  it('refuses to start with a different window length than the data was sealed with', async () => {
    await expect(open(600)).rejects.toThrow(/sealed with 300 s windows/);
  });
});
