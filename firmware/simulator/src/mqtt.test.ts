// Straight to the REAL oracle API over MQTT (its embedded broker, in-memory PGlite): each
// meter publishes QoS 1 on its own topic and the API stores exactly the bytes it signed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeSignedReading, fromHex } from '@gridproof/protocol';
import { createMemoryDeviceDirectory, silentLogger, startOracleApi, type StartOracleApiReturnType } from '@gridproof/oracle-api';
import { createFleet } from './fleet.js';
import { runFleet, type FleetHandle } from './runFleet.js';

const T0 = 1767268800; // 2026-01-01T12:00:00Z, sun up
let clock = T0;
let api: StartOracleApiReturnType;
let fleet: FleetHandle | undefined;
const specs = createFleet({ size: 3, seed: 'mqtt-test' });

beforeAll(async () => {
  const devices = createMemoryDeviceDirectory(Object.fromEntries(specs.map((m) => [m.deviceId, { keyType: m.keyType, publicKey: m.publicKey, active: true }])));
  api = await startOracleApi({ port: 0, dataDir: 'memory', devices, clock: { now: () => clock }, sealIntervalMs: 0, logger: silentLogger });
}, 60_000);
afterAll(async () => {
  fleet?.stop();
  await api?.close();
});

describe('fleet over MQTT', () => {
  it('publishes QoS 1 to the device topics; nothing is lost while the broker connects', async () => {
    fleet = runFleet({ apiUrl: api.url, mqttUrl: api.mqtt!.url, size: 3, seed: 'mqtt-test', intervalSeconds: 3600, now: () => (clock += 10) });
    let accepted = 0;
    for (let i = 0; i < 50 && accepted < 6; i++) {
      accepted += (await fleet.tick()).accepted; // the first ticks may find the broker still connecting: readings stay buffered
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(accepted).toBeGreaterThanOrEqual(6);
    expect([...fleet.buffered().values()].every((n) => n === 0)).toBe(true);
    for (const spec of specs) {
      const { readings } = (await (await fetch(`${api.url}/v1/devices/${spec.deviceId}/readings?limit=100`)).json()) as { readings: { signed: string }[] };
      const counters = readings.map((r) => decodeSignedReading(fromHex(r.signed)).reading.counter).reverse();
      expect(counters).toEqual(Array.from({ length: counters.length }, (_, k) => k + 1)); // every reading, in order, none lost
      expect(counters.length).toBeGreaterThanOrEqual(2);
    }
  });
});
