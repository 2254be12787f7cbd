import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { createPublicClient, http, type Hex } from 'viem';
import {
  buildWindowDocument,
  dataLoggerAbi,
  decodeSignedReading,
  decodeWindowDocument,
  deviceIdToBytes,
  encodeReading,
  encodeSignedReading,
  encodeWindowDocument,
  fromHex,
  readingProofOf,
  toHex,
  windowDocumentDigest,
} from '@gridproof/protocol';
import { mkdirSync, rmSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { startDevnet, type Devnet } from '../src/devnet.js';
import { DEFAULT_DATA_DIR } from '../src/env.js';
import { writeDevnetState } from '../src/state.js';
import { LocalCreDon, type LocalCreDonParameters } from '../src/creDon.js';
import { freePort } from '@gridproof/test-support';

const WINDOW = 10;
let devnet: Devnet;
let client: ReturnType<typeof createPublicClient>;
const logs: string[] = [];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(500);
  }
}

const dons: LocalCreDon[] = [];
/** A local CRE DON (the real workflow bundle in QuickJS) against `apiUrl`; closed after the suite. */
async function don(apiUrl: string, overrides: Partial<LocalCreDonParameters> = {}): Promise<LocalCreDon> {
  const d = await LocalCreDon.create({
    rpcUrl: devnet.urls.rpc,
    apiUrl,
    ...devnet.deployment,
    ...devnet.donConfig,
    windowSeconds: devnet.windowSeconds,
    sealDelaySeconds: devnet.sealDelaySeconds,
    log: (l) => logs.push(l),
    ...overrides,
  });
  dons.push(d);
  return d;
}

/**
 * Waits for a sealed window with readings that no DON has committed yet (a commitment is final: a test that commits a
 * tampered document leaves that window committed for good) and returns its start.
 */
async function sealedWindow(after = 0): Promise<number> {
  return until('a sealed, uncommitted window', async () => {
    const res = await fetch(`${devnet.urls.api}/v1/windows?limit=20`);
    const { windows } = (await res.json()) as { windows: { windowStart: number; status: string; readingCount: number }[] };
    const sealed = windows.filter((w) => w.status === 'sealed' && w.windowStart > after && w.readingCount > 0).map((w) => w.windowStart);
    for (const w of sealed.sort((a, b) => b - a)) {
      const committed = await client.readContract({
        address: devnet.deployment.dataLogger,
        abi: dataLoggerAbi,
        functionName: 'isCommitted',
        args: [BigInt(w)],
      });
      if (!committed) return w;
    }
    return undefined;
  });
}

/** WindowRecorded events of the DataLogger so far (the indexer's source: there is no on-chain window list). */
async function recordedWindows(): Promise<bigint[]> {
  const logs = await client.getContractEvents({ address: devnet.deployment.dataLogger, abi: dataLoggerAbi, eventName: 'WindowRecorded', fromBlock: 0n });
  return logs.map((l) => (l.args as { windowStart: bigint }).windowStart);
}

/** A proxy in front of the API that serves an altered document (a compromised or buggy API). */
async function tamperingApi(alter: (doc: ReturnType<typeof decodeWindowDocument>) => Uint8Array): Promise<{ url: string; server: Server }> {
  const server = createServer(async (req, res) => {
    const upstream = await fetch(`${devnet.urls.api}${req.url}`);
    let body: Uint8Array = new Uint8Array(await upstream.arrayBuffer());
    if (upstream.ok && /\/v1\/windows\/\d+\/document$/.test(req.url ?? '')) body = alter(decodeWindowDocument(body));
    res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/octet-stream' }).end(body);
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${port}`, server };
}

/** A copy of `bytes` with the low bit of byte `i` flipped. */
function flipByte(bytes: Uint8Array, i: number): Uint8Array {
  const out = bytes.slice();
  out[i] ^= 0x01;
  return out;
}

/** Rebuilds a document after changing one reading, so every root and total is consistent again. */
function rebuildWith(
  doc: ReturnType<typeof decodeWindowDocument>,
  change: (signed: Uint8Array) => Uint8Array,
): { bytes: Uint8Array; deviceId: string; counter: number } {
  const target = doc.devices[0];
  const victim = decodeSignedReading(fromHex(target.readings[0]));
  const rebuilt = buildWindowDocument({
    windowStart: doc.windowStart,
    windowSeconds: doc.windowSeconds,
    devices: doc.devices.map((d) => ({
      deviceId: d.deviceId,
      baseline: d.baseline ? fromHex(d.baseline) : null,
      readings: d.readings.map((r, i) => (d === target && i === 0 ? change(fromHex(r)) : fromHex(r))),
    })),
  });
  return { bytes: encodeWindowDocument(rebuilt), deviceId: target.deviceId, counter: victim.reading.counter };
}

// One data folder per run under .devnet/test (not the folder `npm start` uses), removed afterwards.
const dataDir = join(DEFAULT_DATA_DIR, 'test', `e2e-${process.pid}`);

beforeAll(async () => {
  devnet = await startDevnet({
    dataDir,
    windowSeconds: WINDOW,
    sealGraceSeconds: 2,
    fleetSize: 4,
    readingIntervalSeconds: 2,
    chainId: 31_400 + Math.floor(Math.random() * 1000),
    don: false,
    dapp: false,
    log: (c, l) => logs.push(`[${c}] ${l}`),
  });
  client = createPublicClient({ transport: http(devnet.urls.rpc) });
}, 180_000);

afterAll(async () => {
  for (const d of dons) await d.close();
  await devnet?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the trust path end to end', () => {
  it('the DON refuses a window whose reading bytes were altered, names the reading, and writes nothing', async () => {
    const windowStart = await sealedWindow();
    let named = { deviceId: '', counter: 0 };
    const proxy = await tamperingApi((doc) => {
      const { bytes, deviceId, counter } = rebuildWith(doc, (signed) => {
        const { reading, signature } = decodeSignedReading(signed);
        return encodeSignedReading(encodeReading({ ...reading, powerW: reading.powerW + 1_000 }), signature);
      });
      named = { deviceId, counter };
      return bytes;
    });
    try {
      // Phase one commits what the API serves; the draw then finds the altered reading.
      const outcome = await (await don(proxy.url)).anchorWindow(windowStart);
      expect(outcome.windowStart).toBe(windowStart);
      expect(outcome.status).toBe('refused');
      expect(outcome.detail).toContain('WINDOW_SIGNATURE_INVALID');
      expect(outcome.detail).toContain(`${named.deviceId}#${named.counter}`);
      expect(logs.some((l) => l.includes(`window ${windowStart}: refused`) && l.includes(named.deviceId))).toBe(true);
      expect(
        await client.readContract({ address: devnet.deployment.dataLogger, abi: dataLoggerAbi, functionName: 'isRecorded', args: [BigInt(windowStart)] }),
      ).toBe(false);
    } finally {
      proxy.server.close();
    }
  });

  it('the DON refuses a window whose reading signature was altered', async () => {
    const windowStart = await sealedWindow();
    const proxy = await tamperingApi((doc) => rebuildWith(doc, (signed) => flipByte(signed, 60)).bytes);
    try {
      const outcome = await (await don(proxy.url)).anchorWindow(windowStart);
      expect(outcome.status).toBe('refused');
      expect(outcome.detail).toMatch(/signature/i);
    } finally {
      proxy.server.close();
    }
  });

  it('the forwarder refuses a report signed by nodes outside the configured DON', async () => {
    const windowStart = await sealedWindow();
    const outsiders = devnet.donConfig.nodeKeys.map((k) => `0x${(BigInt(k) ^ 1n).toString(16).padStart(64, '0')}` as Hex);
    const outcome = await (await don(devnet.urls.api, { nodeKeys: outsiders })).processWindow(windowStart);
    expect(outcome.status).toBe('failed');
    expect(outcome.detail).toMatch(/writeReport .* failed: status REVERTED InvalidSigner/);
    expect(
      await client.readContract({ address: devnet.deployment.dataLogger, abi: dataLoggerAbi, functionName: 'isRecorded', args: [BigInt(windowStart)] }),
    ).toBe(false);
  });

  it('the DataLogger refuses a report from another workflow, by its KeystoneReceiver error', async () => {
    const windowStart = await sealedWindow();
    const identity = { ...devnet.donConfig.identity, workflowId: `0x${'ab'.repeat(32)}` as Hex };
    const outcome = await (await don(devnet.urls.api, { identity })).processWindow(windowStart);
    expect(outcome.status).toBe('failed');
    expect(outcome.detail).toMatch(/KeystoneReceiverInvalidWorkflowId/);
    expect(
      await client.readContract({ address: devnet.deployment.dataLogger, abi: dataLoggerAbi, functionName: 'isRecorded', args: [BigInt(windowStart)] }),
    ).toBe(false);
  });

  it('a window above the sampling threshold is committed, then verified on a sample seeded by the block after the commit, and recorded', async () => {
    const windowStart = await sealedWindow();
    const sampler = await don(devnet.urls.api, { sampling: { threshold: 4, sampleSize: 3 } });
    // Commit, then draw: the first execution commits the digest, the seed is the hash of the block after the commit,
    // and the record goes in from two blocks after it (each execution mines one block).
    const first = await sampler.processWindow(windowStart);
    expect(first.status, first.detail).toBe('committed');
    const [, commitBlock] = await client.readContract({
      address: devnet.deployment.dataLogger,
      abi: dataLoggerAbi,
      functionName: 'getCommitment',
      args: [BigInt(windowStart)],
    });
    const outcome = await sampler.anchorWindow(windowStart);
    expect(outcome.status, outcome.detail).toBe('recorded');
    const m = /signatures (\d+) sampled 3 of (\d+) readings, seed (0x[0-9a-f]{64}) \(block (\d+)/.exec(outcome.detail);
    expect(m, outcome.detail).not.toBeNull();
    const seedBlock = await client.getBlock({ blockNumber: commitBlock + 1n });
    expect(BigInt(m![4])).toBe(commitBlock + 1n);
    expect(m![3]).toBe(seedBlock.hash);
    // Fewer signatures than a full check (one per reading, plus the baselines) would need.
    expect(Number(m![1])).toBeLessThan(Number(m![2]));
    expect(
      await client.readContract({ address: devnet.deployment.dataLogger, abi: dataLoggerAbi, functionName: 'isRecorded', args: [BigInt(windowStart)] }),
    ).toBe(true);
  });

  it('anchors every window: on-chain root and CID digest equal the API document; readings verify on chain', async () => {
    const honest = await don(devnet.urls.api);
    honest.start(1);
    try {
      const before = BigInt((await recordedWindows()).length);
      // Records keep coming, each through commit then draw: two more windows on chain within two window lengths + 30 s.
      const recorded = await until(
        'two more recorded windows',
        async () => {
          const count = BigInt((await recordedWindows()).length);
          return count >= before + 2n ? count : undefined;
        },
        (2 * WINDOW + 30) * 1000,
      );
      expect(recorded).toBeGreaterThanOrEqual(before + 2n);
      // The newest window the API lists as anchored, recorded within a window length + 30 s of its end.
      const { windows } = (await (await fetch(`${devnet.urls.api}/v1/windows?limit=20`)).json()) as {
        windows: { windowStart: number; readingCount: number }[];
      };
      let first = 0;
      for (const w of windows.filter((w) => w.readingCount > 0).sort((a, b) => b.windowStart - a.windowStart)) {
        if (
          await client.readContract({ address: devnet.deployment.dataLogger, abi: dataLoggerAbi, functionName: 'isRecorded', args: [BigInt(w.windowStart)] })
        ) {
          first = w.windowStart;
          break;
        }
      }
      expect(first).toBeGreaterThan(0);
      const record = await client.readContract({ address: devnet.deployment.dataLogger, abi: dataLoggerAbi, functionName: 'getWindow', args: [BigInt(first)] });
      const lag = Number(record.recordedAt) - (first + WINDOW);
      console.log(`CRE path: window ${first} recorded ${lag} s after its end (window ${WINDOW} s; bound ${WINDOW + 30} s)`);
      expect(lag).toBeLessThanOrEqual(WINDOW + 30);
      const meta = (await (await fetch(`${devnet.urls.api}/v1/windows/${first}`)).json()) as { root: Hex; cid: string; readingCount: number };
      const bytes = new Uint8Array(await (await fetch(`${devnet.urls.api}/ipfs/${meta.cid}?format=raw`)).arrayBuffer());
      expect(record.root).toBe(meta.root);
      expect(record.cidDigest).toBe(windowDocumentDigest(bytes));
      expect(record.readingCount).toBe(meta.readingCount);

      const doc = decodeWindowDocument(bytes);
      const proof = readingProofOf(doc, doc.devices[0].deviceId, doc.devices[0].firstCounter);
      const summary = {
        ...proof.summary,
        deviceId: toHex(deviceIdToBytes(proof.summary.deviceId)),
        readingCount: proof.summary.readingCount,
        firstCounter: BigInt(proof.summary.firstCounter),
        lastCounter: BigInt(proof.summary.lastCounter),
        energyStartWh: BigInt(proof.summary.energyStartWh),
        energyEndWh: BigInt(proof.summary.energyEndWh),
      };
      const args = [BigInt(first), proof.signedReading, proof.readingProof, summary, proof.summaryProof] as const;
      expect(await client.readContract({ address: devnet.deployment.dataLogger, abi: dataLoggerAbi, functionName: 'verifyReading', args })).toBe(true);
      const forged = fromHex(proof.signedReading);
      forged[30] ^= 1;
      expect(
        await client.readContract({
          address: devnet.deployment.dataLogger,
          abi: dataLoggerAbi,
          functionName: 'verifyReading',
          args: [args[0], toHex(forged), args[2], args[3], args[4]],
        }),
      ).toBe(false);
    } finally {
      await honest.close();
    }
  });
});

describe('npm run live -w devnet', () => {
  // Asynchronous: the API it talks to runs in this process, so the event loop must stay free.
  const live = (args: string[], env: Record<string, string>) =>
    new Promise<{ status: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/live.ts', ...args], {
        cwd: fileURLToPath(new URL('..', import.meta.url)),
        env: { ...process.env, API_URL: '', ...env }, // an empty API_URL counts as unset
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      child.on('exit', (status) => {
        clearTimeout(timer);
        resolve({ status, stderr });
      });
    });

  it('finds the API through the state file and names an unknown device (exit 1)', async () => {
    // A state file as `npm start` writes it, in a data folder of its own, naming this devnet's API.
    const stateDir = join(dataDir, 'state-test');
    mkdirSync(stateDir, { recursive: true });
    writeDevnetState(
      {
        pid: process.pid,
        startedAt: new Date().toISOString(),
        urls: devnet.urls,
        chainId: devnet.chainId,
        windowSeconds: devnet.windowSeconds,
        oracle: 'cre',
        meterPath: devnet.meterPath,
        contracts: devnet.deployment,
      },
      stateDir,
    );
    const run = await live(['NOPE_0001'], { DATA_DIR: stateDir });
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toBe(`unknown device NOPE_0001: it is not registered on this devnet (see ${devnet.urls.api}/v1/devices).`);
  });

  it('without a running devnet (no state file, no API_URL) says so (exit 1)', async () => {
    const run = await live(['SOLR_0001'], { DATA_DIR: join(dataDir, 'nothing-here') });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('devnet is not running: no live state in');
  });
});
