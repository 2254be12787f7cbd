// Issue 4 end to end on anvil: Automation → FunctionsWindowAnchor → local Functions DON (the toolkit's
// simulator running the built source under Deno) → DataLogger.recordWindow, and the same window
// anchored through the CRE path (the real workflow in QuickJS → KeystoneForwarder) into a second DataLogger gives an
// identical record.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPublicClient, decodeEventLog, getAddress, http, type Abi, type Address } from 'viem';
import { readFile } from 'node:fs/promises';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  dataLoggerAbi,
  decodeRegistryEntry,
  decodeWindowDocument,
  decodeWindowReport,
  deviceIdToBytes,
  deviceRegistryAbi,
  toHex,
  windowDocumentDigest,
} from '@gridproof/protocol';
import { verifyWindow } from '@gridproof/functions-source';
import { ANVIL_KEYS, deployContracts } from '@gridproof/test-support';
import { startDevnet, type Devnet } from '../src/devnet.js';
import { LocalCreDon } from '../src/creDon.js';
import { DEFAULT_DATA_DIR } from '../src/env.js';

let devnet: Devnet;
let client: ReturnType<typeof createPublicClient>;
const logs: string[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 150_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last log lines:\n${logs.slice(-15).join('\n')}`);
    await sleep(500);
  }
}
const windowOf = (logger: Address, windowStart: bigint) =>
  client.readContract({ address: logger, abi: dataLoggerAbi, functionName: 'getWindow', args: [windowStart] });

// One data folder per run under .devnet/test (not the folder `npm start` uses), removed afterwards.
const dataDir = join(DEFAULT_DATA_DIR, 'test', `functions-${process.pid}`);

beforeAll(async () => {
  devnet = await startDevnet({
    dataDir,
    oracle: 'functions',
    windowSeconds: 10,
    sealGraceSeconds: 2,
    fleetSize: 4,
    readingIntervalSeconds: 2,
    chainId: 32_400 + Math.floor(Math.random() * 1000),
    dapp: false,
    log: (c, l) => logs.push(`[${c}] ${l}`),
  });
  client = createPublicClient({ transport: http(devnet.urls.rpc) });
}, 240_000);

afterAll(async () => {
  await devnet?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('ORACLE=functions: Automation → Functions → DataLogger on anvil', () => {
  let first: bigint;

  it('records windows through the anchor, with the API document’s root and CID digest', async () => {
    const fns = devnet.functions!;
    expect(await client.readContract({ address: devnet.deployment.dataLogger, abi: dataLoggerAbi, functionName: 'recorder' })).toBe(getAddress(fns.anchor));
    first = await until('a window recorded through Functions', async () => {
      const recorded = await client.getContractEvents({
        address: devnet.deployment.dataLogger,
        abi: dataLoggerAbi,
        eventName: 'WindowRecorded',
        fromBlock: 0n,
      });
      return recorded.length > 0 ? (recorded[0].args as { windowStart: bigint }).windowStart : undefined;
    });
    // Who recorded it: the anchor's WindowAnchored event, after Automation's performUpkeep and the DON's answer.
    const artifact = JSON.parse(
      await readFile(fileURLToPath(new URL('../../contracts/out/FunctionsWindowAnchor.sol/FunctionsWindowAnchor.json', import.meta.url)), 'utf8'),
    ) as { abi: Abi };
    // Two phases, two requests: the commit (PHASE_COMMIT = 1, 64-byte answer), then the record (PHASE_RECORD = 3).
    const anchored = (await client.getLogs({ address: fns.anchor, fromBlock: 0n }))
      .map((l) => decodeEventLog({ abi: artifact.abi, data: l.data, topics: l.topics }))
      .filter((e) => e.eventName === 'WindowAnchored')
      .map((e) => e.args as unknown as { windowStart: bigint; phase: number })
      .filter((a) => a.windowStart === first)
      .map((a) => Number(a.phase));
    expect(anchored).toEqual([1, 3]);
    expect(logs.some((l) => l.startsWith('[automation] performUpkeep('))).toBe(true);
    expect(logs.some((l) => l.startsWith('[functions] request') && l.includes('answered 64 bytes'))).toBe(true);
    expect(logs.some((l) => l.startsWith('[functions] request') && l.includes('answered 224 bytes'))).toBe(true);

    const record = await windowOf(devnet.deployment.dataLogger, first);
    const [committed, commitBlock] = await client.readContract({
      address: devnet.deployment.dataLogger,
      abi: dataLoggerAbi,
      functionName: 'getCommitment',
      args: [first],
    });
    expect(committed).toBe(record.cidDigest);
    expect(commitBlock).toBeGreaterThan(0n);
    const lag = Number(record.recordedAt) - (Number(first) + devnet.windowSeconds);
    console.log(`Functions path: window ${first} recorded ${lag} s after its end (window ${devnet.windowSeconds} s; bound ${devnet.windowSeconds + 30} s)`);
    expect(lag).toBeLessThanOrEqual(devnet.windowSeconds + 30);
    const bytes = new Uint8Array(await (await fetch(`${devnet.urls.api}/v1/windows/${first}/document`)).arrayBuffer());
    const meta = (await (await fetch(`${devnet.urls.api}/v1/windows/${first}`)).json()) as { root: string; readingCount: number; deviceCount: number };
    expect(record.root).toBe(meta.root);
    expect(record.cidDigest).toBe(windowDocumentDigest(bytes));
    expect(record.readingCount).toBe(meta.readingCount);
    expect(record.deviceCount).toBe(meta.deviceCount);
  });

  it('the CRE path records the identical window record for the same bytes (second DataLogger on the same chain)', async () => {
    expect(first).toBeDefined();
    // The Functions DON transmits with the deployer key, as the deploy below does: stop the path (and let a tick in
    // flight end) so their nonces do not race (two requests per window make that likely).
    devnet.functions!.automation.stop();
    devnet.functions!.functionsDon.stop();
    await new Promise((r) => setTimeout(r, 8_000));
    // A second forwarder + DataLogger configured for the same local CRE DON; keys still come from the first registry.
    const cre = await deployContracts({
      rpcUrl: devnet.urls.rpc,
      chainId: devnet.chainId,
      deployerKey: ANVIL_KEYS.deployer,
      don: devnet.donConfig,
      windowSeconds: devnet.windowSeconds,
    });
    expect(cre.dataLogger).not.toBe(devnet.deployment.dataLogger);
    // The real CRE workflow (QuickJS bundle) through devnet's local runtime.
    const creDon = await LocalCreDon.create({
      rpcUrl: devnet.urls.rpc,
      apiUrl: devnet.urls.api,
      ...devnet.donConfig,
      forwarder: cre.forwarder,
      dataLogger: cre.dataLogger,
      deviceRegistry: devnet.deployment.deviceRegistry,
      windowSeconds: devnet.windowSeconds,
      sealDelaySeconds: devnet.sealDelaySeconds,
      log: (l) => logs.push(`[cre] ${l}`),
    });
    const outcome = await creDon.anchorWindow(Number(first)).finally(() => creDon.close());
    expect(outcome.status).toBe('recorded');

    const viaFunctions = await windowOf(devnet.deployment.dataLogger, first);
    const viaCre = await windowOf(cre.dataLogger, first);
    const { recordedAt: _a, ...f } = viaFunctions;
    const { recordedAt: _b, ...c } = viaCre;
    expect(f).toEqual(c);

    // And both equal the report the verification core computes from the API's bytes and the registry's keys.
    const bytes = new Uint8Array(await (await fetch(`${devnet.urls.api}/v1/windows/${first}/document`)).arrayBuffer());
    const ids = decodeWindowDocument(bytes).devices.map((d) => d.deviceId);
    const devices = await client.readContract({
      address: devnet.deployment.deviceRegistry,
      abi: deviceRegistryAbi,
      functionName: 'getDevices',
      args: [ids.map((id) => toHex(deviceIdToBytes(id)))],
    });
    const deviceKeys = Object.fromEntries(ids.map((id, i) => [id, decodeRegistryEntry(devices[i])]));
    const report = decodeWindowReport(
      verifyWindow({ documentBytes: bytes, expectedWindowStart: Number(first), windowSeconds: devnet.windowSeconds, deviceKeys }).payload,
    );
    expect({ ...f, windowStart: Number(f.windowStart), energyWh: f.energyWh }).toEqual(report);
  });
});
