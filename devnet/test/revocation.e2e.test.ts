// Issue 9 acceptance: an installer admin revokes a meter while it streams. On the whole devnet (anvil, the API, the
// fleet through the fog gateway and MQTT, the real CRE workflow as the DON):
// - its readings before the revocation, and every other device's readings of those windows, are anchored: each window
//   is recorded with the API's root, the revoked device's summary holds exactly its readings timestamped before the
//   chain's revokedAt (proved on chain by verifyReading), every other device is there;
// - its readings from revokedAt on are refused over HTTP with DEVICE_REVOKED naming the chain's revokedAt (the few the
//   API took before its registry view showed the revocation are excluded at sealing: absent from the document).
// Six meters are revoked at six points of six consecutive windows (its first second to its last), so one run covers
// the defect "the DON refuses a whole window that holds a revoked device's readings" (3 windows in 15) six times.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { createPublicClient, http, numberToHex, type Hex } from 'viem';
import {
  DeviceRole,
  RevocationReason,
  dataLoggerAbi,
  decodeSignedReading,
  decodeWindowDocument,
  deviceIdToBytes,
  deviceRegistryAbi,
  fromHex,
  readingProofOf,
  toHex,
  windowDocumentDigest,
  windowStartOf,
  type WindowDocument,
} from '@gridproof/protocol';
import { createFleet, postReadings, VirtualMeter } from '@gridproof/simulator';
import { certifyDevices, revokeDevice } from '@gridproof/test-support';
import { startDevnet, type Devnet } from '../src/devnet.js';
import { DEFAULT_DATA_DIR } from '../src/env.js';

const WINDOW = 10;
/** Where in its window each streamed meter is revoked (seconds after the window's start): first second to last. */
const REVOKE_AT_OFFSETS = [0, 2, 4.5, 6, 8, 9.6];
/**
 * How long after the revocation's receipt the API may still take a reading timestamped from revokedAt on: its registry
 * view may be 1 s old, plus one sync (chain directory `maxStalenessMs`). Such readings must still stay out of the document.
 */
const VIEW_LAG_MS = 3_000;
/** Readings each meter keeps sending after its revocation (s). */
const STREAM_AFTER_REVOCATION_S = 4;

let devnet: Devnet;
let client: ReturnType<typeof createPublicClient>;
const logs: string[] = [];
const dataDir = join(DEFAULT_DATA_DIR, 'test', `revocation-${process.pid}`);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sleepUntil = (ms: number) => sleep(Math.max(0, ms - Date.now()));
async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(500);
  }
}

/** One reading a streamed meter sent and the API's answer. */
interface Sent {
  counter: number;
  timestamp: number;
  signed: Hex;
  postedAtMs: number;
  status: number;
  code?: string;
  details?: Record<string, unknown>;
}

interface Streamed {
  deviceId: string;
  sent: Sent[];
  revocation?: { revokedAt: number; receiptAtMs: number; targetMs: number };
  done: Promise<void>;
}

/** Sends one reading a second (timestamp = that second) over HTTP until `stopAt()` (unix s) has passed. */
function stream(meter: VirtualMeter, stopAt: () => number): Streamed {
  const streamed: Streamed = { deviceId: meter.spec.deviceId, sent: [], done: Promise.resolve() };
  streamed.done = (async () => {
    for (let t = Math.floor(Date.now() / 1000) + 1; t <= stopAt(); t++) {
      await sleepUntil(t * 1000);
      const { reading, signed } = meter.read(t);
      const postedAtMs = Date.now();
      const res = await postReadings(devnet.urls.api, [signed]);
      const error = res.status === 200 ? undefined : (res.body as { error?: { code: string; details?: Record<string, unknown> } }).error;
      streamed.sent.push({
        counter: reading.counter,
        timestamp: t,
        signed: toHex(signed),
        postedAtMs,
        status: res.status,
        code: error?.code,
        details: error?.details,
      });
    }
  })();
  return streamed;
}

const isRecorded = (windowStart: number) =>
  client.readContract({ address: devnet.deployment.dataLogger, abi: dataLoggerAbi, functionName: 'isRecorded', args: [BigInt(windowStart)] });

/** verifyReading on chain for one reading of a device in a recorded window (its summary proved against the root). */
async function verifiesOnChain(doc: WindowDocument, deviceId: string, counter: number): Promise<boolean> {
  const proof = readingProofOf(doc, deviceId, counter);
  const summary = {
    ...proof.summary,
    deviceId: toHex(deviceIdToBytes(proof.summary.deviceId)),
    firstCounter: BigInt(proof.summary.firstCounter),
    lastCounter: BigInt(proof.summary.lastCounter),
    energyStartWh: BigInt(proof.summary.energyStartWh),
    energyEndWh: BigInt(proof.summary.energyEndWh),
  };
  return client.readContract({
    address: devnet.deployment.dataLogger,
    abi: dataLoggerAbi,
    functionName: 'verifyReading',
    args: [BigInt(doc.windowStart), proof.signedReading, proof.readingProof, summary, proof.summaryProof],
  });
}

beforeAll(async () => {
  devnet = await startDevnet({
    dataDir,
    windowSeconds: WINDOW,
    sealGraceSeconds: 2,
    fleetSize: 4,
    readingIntervalSeconds: 2,
    chainId: 34_400 + Math.floor(Math.random() * 1000),
    dapp: false,
    log: (c, l) => logs.push(`[${c}] ${l}`),
  });
  client = createPublicClient({ transport: http(devnet.urls.rpc) });
}, 240_000);

afterAll(async () => {
  await devnet?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('revoking a meter while it streams (issue 9)', () => {
  it('anchors every reading before revokedAt and every other device of those windows, and refuses the rest with the chain revokedAt', async () => {
    const started = Date.now();
    const { installation } = devnet;
    // Six more meters, certified by devnet's electrician for the industrial consumer, streaming straight to the API.
    const meters = createFleet({ size: REVOKE_AT_OFFSETS.length, seed: 'revocation-e2e', solarShare: 0 }).map(
      (spec, i) => new VirtualMeter({ ...spec, deviceId: `HOUS_${String(901 + i).padStart(4, '0')}` }),
    );
    await certifyDevices({
      rpcUrl: devnet.urls.rpc,
      contracts: devnet.deployment,
      electricianKey: installation.installer.electrician.privateKey,
      organisationId: installation.installer.organisationId,
      devices: meters.map((m) => ({
        deviceId: m.spec.deviceId,
        keyType: m.spec.keyType,
        publicKey: m.spec.publicKey,
        owner: installation.companies.industrialConsumer.account.address,
        role: DeviceRole.CONSUMPTION,
        ratedCapacityW: m.spec.ratedW,
      })),
    });
    // Final at once for the DON (it reads the registry at the finalized block).
    await client.request({ method: 'anvil_mine' as never, params: [numberToHex(2)] as never });

    // Meter i is revoked at REVOKE_AT_OFFSETS[i] into window W0 + i; each streams until a few seconds after that.
    const firstRevokedWindow = windowStartOf(Math.floor(Date.now() / 1000), WINDOW) + 2 * WINDOW;
    const stopAt = new Map<string, number>(meters.map((m) => [m.spec.deviceId, Number.POSITIVE_INFINITY]));
    const streams = meters.map((m) => stream(m, () => stopAt.get(m.spec.deviceId)!));
    const revocations = meters.map(async (m, i) => {
      const targetMs = (firstRevokedWindow + i * WINDOW + REVOKE_AT_OFFSETS[i]) * 1000;
      await sleepUntil(targetMs);
      const { revokedAt } = await revokeDevice({
        rpcUrl: devnet.urls.rpc,
        contracts: devnet.deployment,
        adminKey: installation.installer.admin.privateKey,
        deviceId: m.spec.deviceId,
        reason: RevocationReason.SEAL_BROKEN,
      });
      streams[i].revocation = { revokedAt, receiptAtMs: Date.now(), targetMs };
      stopAt.set(m.spec.deviceId, revokedAt + STREAM_AFTER_REVOCATION_S);
    });
    await Promise.all(revocations);
    await Promise.all(streams.map((s) => s.done));

    // Every window a streamed meter sent a reading in, up to the last one with a revocation.
    const firstWindow = Math.min(...streams.map((s) => windowStartOf(s.sent[0].timestamp, WINDOW)));
    const lastWindow = Math.max(...streams.map((s) => windowStartOf(s.sent[s.sent.length - 1].timestamp, WINDOW)));
    const windows: number[] = [];
    for (let w = firstWindow; w <= lastWindow; w += WINDOW) windows.push(w);

    // The chain's revocation, and what the API answered from it on.
    for (const s of streams) {
      const rev = s.revocation!;
      const onChain = await client.readContract({
        address: devnet.deployment.deviceRegistry,
        abi: deviceRegistryAbi,
        functionName: 'getDevice',
        args: [toHex(deviceIdToBytes(s.deviceId))],
      });
      expect(Number(onChain.revokedAt)).toBe(rev.revokedAt);
      expect(onChain.revocationReason).toBe(RevocationReason.SEAL_BROKEN);
      // Revoked where planned: the block's second is the one the transaction went out in (or the next).
      expect(rev.revokedAt - Math.floor(rev.targetMs / 1000)).toBeGreaterThanOrEqual(0);
      expect(rev.revokedAt - Math.floor(rev.targetMs / 1000)).toBeLessThanOrEqual(1);
      const before = s.sent.filter((r) => r.timestamp < rev.revokedAt);
      const after = s.sent.filter((r) => r.timestamp >= rev.revokedAt);
      expect(
        before.every((r) => r.status === 200),
        `${s.deviceId}: a reading before revokedAt was refused`,
      ).toBe(true);
      expect(after.length).toBeGreaterThanOrEqual(STREAM_AFTER_REVOCATION_S);
      for (const r of after) {
        if (r.status === 200) {
          // Taken before the API's view showed the revocation: allowed only that early (and excluded below).
          expect(
            r.postedAtMs - rev.receiptAtMs,
            `${s.deviceId}#${r.counter} accepted ${r.postedAtMs - rev.receiptAtMs} ms after the revocation`,
          ).toBeLessThanOrEqual(VIEW_LAG_MS);
          continue;
        }
        expect(r.status).toBe(422);
        expect(r.code).toBe('DEVICE_REVOKED');
        expect(r.details).toMatchObject({ deviceId: s.deviceId, counter: r.counter, timestamp: r.timestamp, revokedAt: rev.revokedAt });
      }
      // From the view lag on, every reading is refused.
      expect(after.filter((r) => r.postedAtMs > rev.receiptAtMs + VIEW_LAG_MS).every((r) => r.code === 'DEVICE_REVOKED')).toBe(true);
    }

    // Each window: recorded by the DON with the API's root and document, and holding exactly the right readings.
    const fleetIds = devnet.fleet.meters.map((m) => m.spec.deviceId);
    let revokedSummariesChecked = 0;
    for (const w of windows) {
      await until(`window ${w} recorded`, async () => ((await isRecorded(w)) ? true : undefined), (WINDOW + 45) * 1000);
      expect(logs.filter((l) => l.includes(`window ${w}: refused`))).toEqual([]);
      const meta = (await (await fetch(`${devnet.urls.api}/v1/windows/${w}`)).json()) as { root: Hex; cid: string; readingCount: number };
      const bytes = new Uint8Array(await (await fetch(`${devnet.urls.api}/ipfs/${meta.cid}?format=raw`)).arrayBuffer());
      const doc = decodeWindowDocument(bytes);
      const record = await client.readContract({ address: devnet.deployment.dataLogger, abi: dataLoggerAbi, functionName: 'getWindow', args: [BigInt(w)] });
      expect(record.root).toBe(meta.root);
      expect(record.root).toBe(doc.root);
      expect(record.cidDigest).toBe(windowDocumentDigest(bytes));
      expect(record.readingCount).toBe(doc.readingCount);
      expect(record.deviceCount).toBe(doc.devices.length);

      // The fleet (through the gateway and MQTT) is all there, each proved on chain.
      for (const id of fleetIds) {
        const batch = doc.devices.find((d) => d.deviceId === id);
        expect(batch, `${id} missing from window ${w}`).toBeDefined();
        expect(await verifiesOnChain(doc, id, batch!.lastCounter)).toBe(true);
      }
      // Each streamed meter: exactly its readings of this window timestamped before its revokedAt, nothing after.
      for (const s of streams) {
        const expected = s.sent.filter((r) => windowStartOf(r.timestamp, WINDOW) === w && r.timestamp < s.revocation!.revokedAt);
        const batch = doc.devices.find((d) => d.deviceId === s.deviceId);
        if (expected.length === 0) {
          expect(batch, `${s.deviceId} in window ${w} with no reading before its revocation`).toBeUndefined();
          continue;
        }
        expect(batch, `${s.deviceId} missing from window ${w}`).toBeDefined();
        expect(batch!.readings).toEqual(expected.map((r) => r.signed));
        expect(batch!.readingCount).toBe(expected.length);
        expect(batch!.lastCounter).toBe(expected[expected.length - 1].counter);
        expect(batch!.readings.every((r) => decodeSignedReading(fromHex(r)).reading.timestamp < s.revocation!.revokedAt)).toBe(true);
        // The summary is the one on chain: its first and last readings verify against the recorded root.
        expect(await verifiesOnChain(doc, s.deviceId, batch!.firstCounter)).toBe(true);
        expect(await verifiesOnChain(doc, s.deviceId, batch!.lastCounter)).toBe(true);
        if (w === windowStartOf(s.revocation!.revokedAt, WINDOW)) revokedSummariesChecked++;
      }
    }
    // A meter revoked in its window's first second has nothing in that window; every other one had a partial summary.
    const partial = streams.filter((s) =>
      s.sent.some((r) => r.timestamp < s.revocation!.revokedAt && windowStartOf(r.timestamp, WINDOW) === windowStartOf(s.revocation!.revokedAt, WINDOW)),
    );
    expect(revokedSummariesChecked).toBe(partial.length);
    expect(partial.length).toBeGreaterThanOrEqual(REVOKE_AT_OFFSETS.length - 1);
    const refused = streams.reduce((n, s) => n + s.sent.filter((r) => r.code === 'DEVICE_REVOKED').length, 0);
    const acceptedLate = streams.reduce((n, s) => n + s.sent.filter((r) => r.status === 200 && r.timestamp >= s.revocation!.revokedAt).length, 0);
    console.log(
      `revocation e2e: ${windows.length} windows recorded (${windows[0]}…${windows[windows.length - 1]}), ${streams.length} meters revoked at ` +
        `${streams.map((s) => `+${s.revocation!.revokedAt - windowStartOf(s.revocation!.revokedAt, WINDOW)} s`).join(', ')} into their windows; ` +
        `${refused} readings refused DEVICE_REVOKED, ${acceptedLate} taken before the API saw the revocation and excluded at sealing; ${((Date.now() - started) / 1000).toFixed(0)} s`,
    );
  }, 300_000);
});
