import { describe, expect, it, afterEach } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeSignedReading, fromHex, verifyReadingBytes, toHex } from '@gridproof/protocol';
import { createFleet, VirtualMeter, solarFactor } from './fleet.js';
import { runFleet } from './runFleet.js';

describe('fleet', () => {
  it('is deterministic from its seed and has unique valid ids', () => {
    const a = createFleet({ size: 20, seed: 's' });
    const b = createFleet({ size: 20, seed: 's' });
    expect(a.map((m) => toHex(m.publicKey))).toEqual(b.map((m) => toHex(m.publicKey)));
    expect(new Set(a.map((m) => m.deviceId)).size).toBe(20);
    expect(a.filter((m) => m.profile === 'solar')).toHaveLength(16);
    expect(createFleet({ size: 2, seed: 't' })[0].publicKey).not.toEqual(a[0].publicKey);
  });

  it('produces signed readings that verify, with increasing counters and a non-decreasing register', () => {
    const spec = createFleet({ size: 1 })[0];
    const meter = new VirtualMeter(spec);
    let last = { counter: 0, energyWh: 0 };
    const noon = 1767268800; // 2026-01-01T12:00:00Z
    for (let t = noon; t < noon + 600; t += 10) {
      const { signed } = meter.read(t);
      const decoded = decodeSignedReading(signed);
      expect(verifyReadingBytes(decoded.readingBytes, decoded.signature, { keyType: spec.keyType, publicKey: spec.publicKey })).toBe(true);
      expect(decoded.reading.counter).toBe(last.counter + 1);
      expect(decoded.reading.energyWh).toBeGreaterThanOrEqual(last.energyWh);
      last = decoded.reading;
    }
    // ~10 minutes at noon of a ≥3 kW peak meter delivers hundreds of Wh.
    expect(last.energyWh).toBeGreaterThan(300);
  });

  it('follows a solar curve: dark at night, peak at noon', () => {
    expect(solarFactor(1767225600)).toBe(0); // midnight
    expect(solarFactor(1767268800)).toBeCloseTo(1, 5); // noon
  });
});

describe('runFleet', () => {
  let server: Server | undefined;
  afterEach(() => server?.close());

  async function api(handler: (readings: string[]) => number) {
    const received: string[][] = [];
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const readings = JSON.parse(body).readings as string[];
        received.push(readings);
        const status = handler(readings);
        res
          .writeHead(status, { 'content-type': 'application/json' })
          .end(JSON.stringify(status === 200 ? { accepted: readings.length } : { error: { code: 'X', message: 'no' } }));
      });
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, received };
  }

  it('keeps readings the API did not acknowledge and re-sends them with the next one', async () => {
    let fail = true;
    const { url, received } = await api(() => (fail ? 503 : 200));
    let t = 1767268800;
    const fleet = runFleet({ apiUrl: url, size: 2, intervalSeconds: 3600, now: () => (t += 10) });
    expect(await fleet.tick()).toEqual({ accepted: 0, rejected: 0 });
    fail = false;
    expect(await fleet.tick()).toEqual({ accepted: 4, rejected: 0 });
    fleet.stop();
    const resent = received.slice(2).find((batch) => batch.length === 2)!;
    expect(decodeSignedReading(fromHex(resent[0])).reading.counter).toBe(1);
    expect(decodeSignedReading(fromHex(resent[1])).reading.counter).toBe(2);
  });
});
