import { toHex } from '@gridproof/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createMemoryDeviceDirectory } from '../devices/deviceDirectory.js';
import { silentLogger } from '../lib/logger.js';
import { startOracleApi, type StartOracleApiReturnType } from '../startOracleApi.js';
import { createTestDatabase, testBackend, type TestDatabase } from '../test/database.js';
import { hexOf, keyEntry, meters, signed, T0, testClock } from '../test/fixtures.js';

type Msg = { type: string; reading?: Record<string, unknown>; devices?: string[]; error?: { code: string; message: string } };

/** A socket that queues what it receives, so a test can await the next message. */
async function openLive(url: string) {
  const ws = new WebSocket(url);
  const inbox: Msg[] = [];
  const waiters: ((m: Msg) => void)[] = [];
  ws.on('message', (data) => {
    const m = JSON.parse(data.toString()) as Msg;
    const w = waiters.shift();
    if (w) w(m);
    else inbox.push(m);
  });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const next = () => new Promise<Msg>((resolve) => (inbox.length ? resolve(inbox.shift()!) : waiters.push(resolve)));
  return { ws, next, inbox };
}

describe(`GET /v1/live (${testBackend})`, () => {
  let api: StartOracleApiReturnType;
  let database: TestDatabase;
  const clock = testClock();
  const post = (...rs: Uint8Array[]) =>
    fetch(`${api.url}/v1/readings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ readings: rs.map(hexOf) }) });

  beforeAll(async () => {
    database = await createTestDatabase();
    const devices = createMemoryDeviceDirectory({ [meters.solar.deviceId]: keyEntry(meters.solar), [meters.wind.deviceId]: keyEntry(meters.wind) });
    api = await startOracleApi({ port: 0, dataDir: 'memory', devices, clock, logger: silentLogger, sealIntervalMs: 0, mqtt: false, ...database.config });
  });
  afterAll(async () => {
    await api?.close();
    await database?.drop();
  });

  it('pushes each accepted reading of a followed device, and only those, with no owner fields', async () => {
    const live = await openLive(`${api.url.replace('http', 'ws')}/v1/live`);
    expect(await live.next()).toEqual({ type: 'subscribed', devices: [] });
    live.ws.send(JSON.stringify({ subscribe: ['SOLR_0001'] }));
    expect(await live.next()).toEqual({ type: 'subscribed', devices: ['SOLR_0001'] });
    const r1 = signed(meters.solar, 1, T0 + 1);
    expect((await post(signed(meters.wind, 1, T0 + 1), r1)).status).toBe(200);
    const pushed = await live.next();
    expect(pushed).toEqual({
      type: 'reading',
      reading: {
        deviceId: 'SOLR_0001',
        counter: 1,
        timestamp: T0 + 1,
        powerW: 1500,
        energyWh: 100_025,
        voltageMv: 230_000,
        status: 'ON',
        windowStart: T0,
        signed: toHex(r1),
        // The reading rows' mark (set only at sealing, for a reading its device's revocation voids): never at push time.
        excludedReason: null,
      },
    });
    // A duplicate is not a new reading; a refused batch pushes nothing.
    expect((await post(r1)).status).toBe(200);
    const bad = signed(meters.solar, 2, T0 + 2);
    bad[90] ^= 1;
    expect((await post(signed(meters.solar, 3, T0 + 3), bad)).status).toBe(422);
    expect((await post(signed(meters.solar, 4, T0 + 4))).status).toBe(200);
    expect((await live.next()).reading).toMatchObject({ deviceId: 'SOLR_0001', counter: 4 });
    expect(live.inbox).toEqual([]);
    live.ws.close();
  });

  it('follows devices named in ?devices= and unsubscribes', async () => {
    const live = await openLive(`${api.url.replace('http', 'ws')}/v1/live?devices=WIND_0002,SOLR_0001`);
    expect(await live.next()).toEqual({ type: 'subscribed', devices: ['SOLR_0001', 'WIND_0002'] });
    live.ws.send(JSON.stringify({ unsubscribe: ['SOLR_0001'] }));
    expect(await live.next()).toEqual({ type: 'subscribed', devices: ['WIND_0002'] });
    expect((await post(signed(meters.solar, 5, T0 + 5), signed(meters.wind, 2, T0 + 5))).status).toBe(200);
    expect((await live.next()).reading).toMatchObject({ deviceId: 'WIND_0002', counter: 2 });
    live.ws.close();
  });

  it('answers bad messages with a code and keeps the socket open', async () => {
    const live = await openLive(`${api.url.replace('http', 'ws')}/v1/live`);
    await live.next();
    live.ws.send('not json');
    expect((await live.next()).error?.code).toBe('MALFORMED_MESSAGE');
    live.ws.send(JSON.stringify({ subscribe: ['solar-1'] }));
    expect((await live.next()).error?.code).toBe('INVALID_SUBSCRIPTION');
    live.ws.send(JSON.stringify({ subscribe: Array.from({ length: 1001 }, (_, i) => `AAAA_${String(i).padStart(4, '0')}`) }));
    expect((await live.next()).error).toMatchObject({ code: 'INVALID_SUBSCRIPTION', message: expect.stringMatching(/at most 1000/) });
    live.ws.send(JSON.stringify({ subscribe: ['WIND_0002'] }));
    expect(await live.next()).toEqual({ type: 'subscribed', devices: ['WIND_0002'] });
    live.ws.close();
  });

  it('a plain GET is 426 UPGRADE_REQUIRED; a WebSocket on another path is refused', async () => {
    const res = await fetch(`${api.url}/v1/live`);
    expect(res.status).toBe(426);
    expect((await res.json()).error.code).toBe('UPGRADE_REQUIRED');
    const ws = new WebSocket(`${api.url.replace('http', 'ws')}/v1/nope`);
    await expect(new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))).rejects.toThrow();
  });
});
