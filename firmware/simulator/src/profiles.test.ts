import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeSignedReading, fromHex, toHex } from '@gridproof/protocol';
import { startGateway, type StartGatewayReturnType } from '@gridproof/gateway';
import { cloudFactor, createFleet, inOutage, industrialFactor, powerAt, VirtualMeter } from './fleet.js';
import { meterLinkKeys, runFleet } from './runFleet.js';

const NOON = 1767268800; // Thursday 2026-01-01T12:00:00Z
const DAY = 86_400;

describe('profiles', () => {
  it('solar: clouds are seeded, shared by the fleet, bounded, and change smoothly', () => {
    const day = Array.from({ length: 144 }, (_, i) => cloudFactor('a', NOON - 6 * 3600 + i * 300));
    expect(day).toEqual(Array.from({ length: 144 }, (_, i) => cloudFactor('a', NOON - 6 * 3600 + i * 300)));
    expect(Math.min(...day)).toBeGreaterThanOrEqual(0.25);
    expect(Math.max(...day)).toBeLessThanOrEqual(1);
    expect(day.filter((f) => f === 1).length).toBeGreaterThan(20); // clear cells exist
    expect(day.filter((f) => f < 0.7).length).toBeGreaterThan(20); // and thick ones
    expect(day).not.toEqual(Array.from({ length: 144 }, (_, i) => cloudFactor('b', NOON - 6 * 3600 + i * 300)));
    // 10 s apart the sky barely moves: clouds drift, they do not flicker.
    for (let t = NOON; t < NOON + 3600; t += 10) expect(Math.abs(cloudFactor('a', t + 10) - cloudFactor('a', t))).toBeLessThan(0.05);
  });

  it('solar: output follows clear sky × clouds; clouds off gives the clear-sky curve', () => {
    const [cloudy] = createFleet({ size: 1, seed: 'a' });
    const [clear] = createFleet({ size: 1, seed: 'a', clouds: false });
    const noise = () => 1;
    const cloudyCell = Array.from({ length: 72 }, (_, i) => NOON - 3 * 3600 + i * 300).find((t) => cloudFactor('a', t) < 0.6)!;
    expect(powerAt(clear, cloudyCell, noise)).toBeGreaterThan(powerAt(cloudy, cloudyCell, noise) * 1.5);
    expect(powerAt(cloudy, cloudyCell, noise)).toBe(
      Math.round(cloudy.ratedW * Math.sin((Math.PI * ((cloudyCell % DAY) / 3600 - 6)) / 12) * cloudFactor('a', cloudyCell)),
    );
    expect(powerAt(cloudy, NOON - 12 * 3600, noise)).toBe(0);
  });

  it('industrial: day shift on weekdays, base load at night, low at weekends', () => {
    expect(industrialFactor(NOON)).toBe(1);
    expect(industrialFactor(NOON - 9 * 3600)).toBe(0.4); // 03:00
    expect(industrialFactor(NOON + 2 * DAY)).toBe(0.3); // Saturday
    expect(industrialFactor(NOON + 3 * DAY)).toBe(0.3); // Sunday
    expect(industrialFactor(NOON + 4 * DAY)).toBe(1); // Monday
    const load = createFleet({ size: 5, seed: 'x' }).find((m) => m.profile === 'industrial')!;
    const p = powerAt(load, NOON, () => 0.5);
    expect(p).toBe(load.ratedW);
  });

  it('outages: seeded per meter, about perDay × meanMinutes of downtime; the meter reads OFF, 0 W, 0 V, register frozen', () => {
    const [spec] = createFleet({ size: 1, seed: 'o', outagesPerDay: 6, outageMinutes: 30 });
    const times = Array.from({ length: (10 * DAY) / 60 }, (_, i) => NOON + i * 60);
    const down = times.filter((t) => inOutage(spec, t)).length / times.length;
    expect(down).toBeGreaterThan(0.04); // expected 6 × 30 min / 1440 min = 12.5 %
    expect(down).toBeLessThan(0.25);
    const [twin] = createFleet({ size: 1, seed: 'o', outagesPerDay: 6, outageMinutes: 30 });
    const [other] = createFleet({ size: 1, seed: 'p', outagesPerDay: 6, outageMinutes: 30 });
    expect(times.filter((t) => inOutage(spec, t))).toEqual(times.filter((t) => inOutage(twin, t)));
    expect(times.filter((t) => inOutage(spec, t))).not.toEqual(times.filter((t) => inOutage(other, t)));
    expect(createFleet({ size: 1, seed: 'o' })[0].outages).toEqual({ perDay: 0, meanMinutes: 20 });

    const meter = new VirtualMeter(spec);
    const start = times.find((t) => inOutage(spec, t) && !inOutage(spec, t - 60))!;
    meter.read(start - 60);
    const before = meter.energyWh;
    const r = meter.read(start + 10).reading;
    expect(r).toMatchObject({ status: 'OFF', powerW: 0, voltageMv: 0 });
    expect(meter.isOnline(start + 10)).toBe(false);
    expect(meter.read(start + 20).reading.energyWh).toBe(r.energyWh);
    expect(r.energyWh).toBeGreaterThanOrEqual(before);
  });

  it('a fleet replays byte for byte from its seed', () => {
    const stream = () =>
      createFleet({ size: 3, seed: 'replay', outagesPerDay: 4 }).flatMap((s) => {
        const m = new VirtualMeter(s);
        return Array.from({ length: 30 }, (_, i) => toHex(m.read(NOON + i * 10).signed));
      });
    expect(stream()).toEqual(stream());
  });
});

describe('runFleet transports', () => {
  let server: Server | undefined;
  const gateways: StartGatewayReturnType[] = [];
  afterEach(async () => {
    await Promise.all(gateways.splice(0).map((g) => g.close()));
    server?.close();
  });

  async function api() {
    const received: Uint8Array[] = [];
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const readings = (JSON.parse(body).readings as string[]).map((h) => fromHex(h));
        received.push(...readings);
        const results = readings.map((r) => ({ ...decodeSignedReading(r).reading, windowStart: 0, duplicate: false }));
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ accepted: readings.length, duplicates: 0, readings: results }));
      });
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, received };
  }

  it('buffers through an outage and catches up when the grid is back, losing nothing', async () => {
    const { url, received } = await api();
    const options = { size: 1, seed: 'o', outagesPerDay: 6, outageMinutes: 30 };
    const [spec] = createFleet(options);
    const start = Array.from({ length: DAY / 10 }, (_, i) => NOON + i * 10).find((t) => inOutage(spec, t) && !inOutage(spec, t - 10))!;
    let t = start - 20;
    const fleet = runFleet({ apiUrl: url, intervalSeconds: 3600, ...options, now: () => t });
    let ticks = 0;
    do {
      await fleet.tick();
      ticks += 1;
      // While the grid is down nothing leaves the meter: only the two readings from before the outage arrived.
      if (inOutage(spec, t)) expect(received).toHaveLength(2);
      t += 10;
    } while (inOutage(spec, t - 10) || t < start + 10);
    fleet.stop();
    // Every reading taken arrived, in counter order, the outage ones marked OFF.
    const readings = received.map((r) => decodeSignedReading(r).reading);
    expect(readings.map((r) => r.counter)).toEqual(Array.from({ length: ticks }, (_, i) => i + 1));
    const off = readings.filter((r) => r.status === 'OFF');
    expect(off.length).toBeGreaterThan(0);
    expect(off.every((r) => r.powerW === 0)).toBe(true);
    expect(fleet.buffered().get(spec.deviceId)).toBe(0);
  });

  it('sends through gateways (meters split between them) and the API gets the signed bytes unchanged', async () => {
    const { url, received } = await api();
    const options = { size: 4, seed: 'gw' };
    const specs = createFleet(options);
    for (let i = 0; i < 2; i++) {
      gateways.push(await startGateway({ apiUrl: url, identityKey: new Uint8Array(32).fill(i + 1), meters: meterLinkKeys(specs), now: () => NOON }));
    }
    const fleet = runFleet({
      apiUrl: 'http://127.0.0.1:9',
      intervalSeconds: 3600,
      ...options,
      gateways: gateways.map((g) => ({ url: g.url, publicKey: g.publicKey })),
      now: () => NOON,
    });
    expect(await fleet.tick()).toEqual({ accepted: 4, rejected: 0 });
    fleet.stop();
    expect(gateways.map((g) => g.sessionCount())).toEqual([2, 2]);
    // Same seed, same meters, same readings: the bytes the API got are the bytes a fresh meter signs.
    const expected = specs.map((s) => toHex(new VirtualMeter(s).read(NOON).signed)).sort();
    expect(received.map(toHex).sort()).toEqual(expected);
    expect(gateways.flatMap((g) => g.aggregator.list()).reduce((n, a) => n + a.readings, 0)).toBe(4);
  });
});
