import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeyType, toHex } from '@gridproof/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFleet, nextReading, type BenchMeter } from './bench/fleet.js';
import { startTestChain, type TestChain } from './test/chain.js';
import { startApiChild, type ApiChild } from './test/child.js';
import { createTestDatabase, testBackend, type TestDatabase } from './test/database.js';

const STREAMS = 4;
const BATCHES_PER_STREAM = 30;
const BATCH = 50;

describe(`durability across SIGKILL mid-ingest (${testBackend})`, () => {
  let chain: TestChain;
  let database: TestDatabase;
  let dataDir: string;
  let api: ApiChild | undefined;
  const fleet: BenchMeter[] = createFleet(STREAMS * 2, 'STOR');

  beforeAll(async () => {
    [chain, database, dataDir] = await Promise.all([startTestChain(), createTestDatabase(), mkdtemp(join(tmpdir(), 'oracle-api-kill9-'))]);
    for (const m of fleet) await chain.register(m.deviceId, KeyType.P256, m.entry.publicKey);
  }, 180_000);
  afterAll(async () => {
    await api?.stop();
    await chain?.stop();
    await database?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const env = () => ({
    DATA_DIR: dataDir,
    RPC_URL: chain.rpcUrl,
    DEVICE_REGISTRY_ADDRESS: chain.deployment.deviceRegistry,
    WINDOW_SECONDS: '3600',
    // Retries after the restart must not meet a closed window.
    SEAL_GRACE_SECONDS: '3600',
    ...database.env,
  });

  it('every reading acknowledged with a 2xx before the kill is there after restart; retrying the rest is harmless', async () => {
    // Each stream owns two meters, so concurrent streams never race on one device's counters.
    const t = Math.floor(Date.now() / 1000);
    const streams = Array.from({ length: STREAMS }, (_, s) =>
      Array.from({ length: BATCHES_PER_STREAM }, () => Array.from({ length: BATCH }, (_, i) => nextReading(fleet[s * 2 + (i % 2)], t))),
    );
    api = await startApiChild(env());
    const url = api.url;
    const acked: Uint8Array[][] = [];
    const unacked: Uint8Array[][] = [];
    let killed = false;
    let kill: Promise<void> | undefined;
    await Promise.all(
      streams.map(async (batches) => {
        for (const batch of batches) {
          if (killed) {
            unacked.push(batch);
            continue;
          }
          let status = 0;
          try {
            const res = await fetch(`${url}/v1/readings`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ readings: batch.map((r) => toHex(r)) }),
            });
            status = res.status;
            await res.arrayBuffer();
          } catch {
            status = 0; // connection reset by the kill: not acknowledged
          }
          if (status === 200) acked.push(batch);
          else unacked.push(batch);
          // Kill while the other streams have batches in flight.
          if (!killed && acked.length === Math.floor((STREAMS * BATCHES_PER_STREAM) / 3)) {
            killed = true;
            kill = api!.kill9();
          }
        }
      }),
    );
    await kill;
    expect(killed).toBe(true);
    expect(acked.length).toBeGreaterThan(0);
    expect(unacked.length).toBeGreaterThan(0);

    api = await startApiChild(env());
    const stored = new Set<string>();
    for (const m of fleet) {
      const body = (await (await fetch(`${api.url}/v1/devices/${m.deviceId}/readings?limit=1000`)).json()) as { readings: { signed: string }[] };
      for (const r of body.readings) stored.add(r.signed);
    }
    const missing = acked.flat().filter((r) => !stored.has(toHex(r)));
    expect(missing).toEqual([]);

    // A client that got no answer retries; whatever had committed comes back as duplicates.
    for (const s of streams) {
      for (const batch of s.filter((b) => unacked.includes(b))) {
        const res = await fetch(`${api.url}/v1/readings`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ readings: batch.map((r) => toHex(r)) }),
        });
        expect(res.status).toBe(200);
        const out = (await res.json()) as { accepted: number; duplicates: number };
        expect(out.accepted + out.duplicates).toBe(batch.length);
      }
    }
    const all = acked.length + unacked.length;
    expect(all).toBe(STREAMS * BATCHES_PER_STREAM);
  }, 150_000);
});
