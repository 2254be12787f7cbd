// Test fixtures shared by the gateway's tests (not exported from the package).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sha256 } from '@noble/hashes/sha2.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { KeyType, decodeSignedReading, encodeReading, encodeSignedReading, fromHex, publicKeyOf, signReadingBytes } from '@gridproof/protocol';

export const T0 = 1767268800; // 2026-01-01T12:00:00Z

/** A software meter: an Ed25519 reading key (what the API checks) and a separate Ed25519 link key (what the gateway checks). */
export function testMeter(deviceId: string) {
  const readingKey = sha256(new TextEncoder().encode(`reading/${deviceId}`));
  const linkKey = sha256(new TextEncoder().encode(`link/${deviceId}`));
  let counter = 0;
  let energyWh = 0;
  return {
    deviceId,
    readingKey,
    readingPublicKey: publicKeyOf(KeyType.ED25519, readingKey),
    linkKey,
    linkPublicKey: ed25519.getPublicKey(linkKey),
    /** Signs the next reading exactly like a meter: encode v1, SHA-256, Ed25519. */
    read(timestamp: number, powerW = 1000, voltageMv = 230_000, status: 'ON' | 'OFF' = 'ON'): Uint8Array {
      counter += 1;
      energyWh += Math.floor(powerW / 360);
      const bytes = encodeReading({ deviceId, counter, timestamp, powerW, energyWh, voltageMv, status });
      return encodeSignedReading(bytes, signReadingBytes(bytes, KeyType.ED25519, readingKey));
    },
  };
}

export const gatewayKey = sha256(new TextEncoder().encode('gateway/test'));

/**
 * A stand-in oracle API on 127.0.0.1: records every `POST /v1/readings` body as bytes and answers
 * like the real one (200 with per-reading results) unless `respond` says otherwise.
 */
export async function standInApi() {
  const posts: Uint8Array[][] = [];
  const api = {
    posts,
    url: '',
    server: undefined as unknown as Server,
    /** Return a status to answer with instead of 200 (e.g. 503 for an outage). */
    respond: (_readings: Uint8Array[]): { status: number; body?: unknown } | 'hang' | undefined => undefined,
    /** Every reading the API accepted, in order. */
    get received(): Uint8Array[] {
      return posts.flat();
    },
  };
  api.server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const readings = (JSON.parse(body).readings as string[]).map((h) => fromHex(h));
      const override = api.respond(readings);
      if (override === 'hang') return; // never answers: a hung API
      if (override) {
        res
          .writeHead(override.status, { 'content-type': 'application/json' })
          .end(JSON.stringify(override.body ?? { error: { code: 'DOWN', message: 'down' } }));
        return;
      }
      posts.push(readings);
      const results = readings.map((r) => {
        const { reading } = decodeSignedReading(r);
        return { deviceId: reading.deviceId, counter: reading.counter, windowStart: reading.timestamp - (reading.timestamp % 300), duplicate: false };
      });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ accepted: results.length, duplicates: 0, readings: results }));
    });
  });
  await new Promise<void>((r) => api.server.listen(0, '127.0.0.1', r));
  api.url = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`;
  return api;
}
