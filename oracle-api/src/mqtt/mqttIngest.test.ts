import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../lib/logger.js';
import { startOracleApi, type StartOracleApiReturnType } from '../startOracleApi.js';
import { createTestDatabase, testBackend, type TestDatabase } from '../test/database.js';
import { keyEntry, meters, signed } from '../test/fixtures.js';
import { createMemoryDeviceDirectory } from '../devices/deviceDirectory.js';
import { SIGNED_READING_LENGTH, concatSignedReadings, errorsTopic, readingsTopic, toHex } from '@gridproof/protocol';

/** The machine's Mosquitto (CI runs one too); the suite fails, never skips, when it is down. */
const MOSQUITTO_URL = process.env.TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883';

for (const broker of ['embedded', 'mosquitto'] as const) {
  describe(`MQTT ingest via ${broker} broker (${testBackend})`, () => {
    let api: StartOracleApiReturnType;
    let database: TestDatabase;
    let meter: MqttClient;
    const clock = {
      t: 0,
      now() {
        return this.t;
      },
    };
    const T = () => clock.t;
    const stored = async (deviceId: string) =>
      ((await (await api.app.request(`/v1/devices/${deviceId}/readings?limit=1000`)).json()) as { readings: { counter: number; signed: string }[] }).readings;

    beforeAll(async () => {
      clock.t = Math.floor(Date.now() / 1000);
      database = await createTestDatabase();
      const devices = createMemoryDeviceDirectory({ [meters.solar.deviceId]: keyEntry(meters.solar), [meters.wind.deviceId]: keyEntry(meters.wind) });
      api = await startOracleApi({
        port: 0,
        dataDir: 'memory',
        devices,
        clock,
        logger: silentLogger,
        sealIntervalMs: 0,
        windowSeconds: 3600,
        sealGraceSeconds: 3600,
        // A client id of this run's own, so parallel runs on one Mosquitto do not take over each other's session.
        mqtt: broker === 'embedded' ? {} : { url: MOSQUITTO_URL, clientId: `gridproof-test-${process.pid}-${testBackend}`, sessionExpirySeconds: 30 },
        ...database.config,
      });
      meter = await mqtt.connectAsync(broker === 'embedded' ? api.mqtt!.url : MOSQUITTO_URL, {
        clientId: `meter-${process.pid}-${testBackend}-${broker}`,
        clean: true,
      });
      await meter.subscribeAsync(errorsTopic('+'), { qos: 1 });
    });
    afterAll(async () => {
      await meter?.endAsync();
      await api?.close();
      await database?.drop();
    });
    // Counters keep rising across tests: each test uses its own range.
    let base = 0;
    beforeEach(() => {
      base += 100;
    });

    it('a QoS 1 publish is stored once its PUBACK arrives (single reading and a batch)', async () => {
      const one = signed(meters.solar, base + 1, T());
      await meter.publishAsync(readingsTopic('SOLR_0001'), Buffer.from(one), { qos: 1 });
      if (broker === 'embedded') expect((await stored('SOLR_0001')).map((r) => r.signed)).toContain(toHex(one));
      const batch = [signed(meters.solar, base + 2, T()), signed(meters.solar, base + 3, T())];
      await meter.publishAsync(readingsTopic('SOLR_0001'), Buffer.from(concatSignedReadings(batch)), { qos: 1 });
      await expect
        .poll(async () => (await stored('SOLR_0001')).map((r) => r.counter), { timeout: 10_000 })
        .toEqual(expect.arrayContaining([base + 1, base + 2, base + 3]));
    });

    it("refuses a reading on another device's topic, a bad length and a bad signature: nothing stored, each reported on the errors topic with the HTTP code", async () => {
      const errors: { topic: string; code: string }[] = [];
      const bodies: { error: { code: string; details?: Record<string, unknown> } }[] = [];
      const onMessage = (topic: string, payload: Buffer) => {
        const body = JSON.parse(payload.toString());
        bodies.push(body);
        errors.push({ topic, code: body.error.code });
      };
      meter.on('message', onMessage);
      try {
        const before = (await stored('SOLR_0001')).length + (await stored('WIND_0002')).length;
        await meter.publishAsync(readingsTopic('WIND_0002'), Buffer.from(signed(meters.solar, base + 1, T())), { qos: 1 });
        await meter.publishAsync(readingsTopic('SOLR_0001'), Buffer.alloc(50, 1), { qos: 1 });
        const bad = signed(meters.wind, base + 1, T());
        bad[80] ^= 1;
        await meter.publishAsync(readingsTopic('WIND_0002'), Buffer.from(bad), { qos: 1 });
        await expect.poll(() => errors.length, { timeout: 10_000 }).toBe(3);
        expect(errors).toEqual(
          expect.arrayContaining([
            { topic: errorsTopic('WIND_0002'), code: 'TOPIC_DEVICE_MISMATCH' },
            { topic: errorsTopic('SOLR_0001'), code: 'INVALID_READING' },
            { topic: errorsTopic('WIND_0002'), code: 'BAD_SIGNATURE' },
          ]),
        );
        // The 50-byte payload is refused by protocol's splitter, which says why.
        expect(bodies.find((b) => b.error.code === 'INVALID_READING')?.error.details).toEqual({
          reason: 'TRUNCATED',
          length: 50,
          index: 0,
          trailing: 50 % SIGNED_READING_LENGTH,
        });
        expect((await stored('SOLR_0001')).length + (await stored('WIND_0002')).length).toBe(before);
      } finally {
        meter.off('message', onMessage);
      }
    });

    it('many single-reading messages at once commit together; one bad message among them is refused alone', async () => {
      const codes: string[] = [];
      const onMessage = (_topic: string, payload: Buffer) => codes.push(JSON.parse(payload.toString()).error.code);
      meter.on('message', onMessage);
      try {
        const good = Array.from({ length: 30 }, (_, i) => signed(meters.solar, base + 1 + i, T()));
        const bad = signed(meters.wind, base + 1, T());
        bad[70] ^= 1;
        await Promise.all([
          ...good.slice(0, 15).map((r) => meter.publishAsync(readingsTopic('SOLR_0001'), Buffer.from(r), { qos: 1 })),
          meter.publishAsync(readingsTopic('WIND_0002'), Buffer.from(bad), { qos: 1 }),
          ...good.slice(15).map((r) => meter.publishAsync(readingsTopic('SOLR_0001'), Buffer.from(r), { qos: 1 })),
        ]);
        await expect.poll(async () => (await stored('SOLR_0001')).filter((r) => r.counter > base).length, { timeout: 10_000 }).toBe(30);
        await expect.poll(() => codes, { timeout: 10_000 }).toEqual(['BAD_SIGNATURE']);
        expect((await stored('WIND_0002')).filter((r) => r.counter > base)).toEqual([]);
      } finally {
        meter.off('message', onMessage);
      }
    });

    it('a resent message (no PUBACK seen by the meter) is a harmless duplicate', async () => {
      const r = signed(meters.wind, base + 1, T());
      await meter.publishAsync(readingsTopic('WIND_0002'), Buffer.from(r), { qos: 1 });
      await meter.publishAsync(readingsTopic('WIND_0002'), Buffer.from(r), { qos: 1 });
      await expect.poll(async () => (await stored('WIND_0002')).filter((x) => x.signed === toHex(r)).length, { timeout: 10_000 }).toBe(1);
      expect((await (await api.app.request('/health')).json()).checks.broker).toMatchObject({
        status: 'ok',
        mode: broker === 'embedded' ? 'embedded' : 'external',
      });
    });
  });
}
