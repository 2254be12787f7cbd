// Issue 8, Why 8: "A reorg can freeze an honest window when `registryBlock: latest` is configured."
// On a real anvil, with devnet's finality (`finalized` = head − 2 blocks), the real workflow in QuickJS (LocalCreDon)
// verifies a window of a meter whose registration is not final yet, then a reorg (evm_snapshot / evm_revert, as a
// fork choice that drops the registration's block) removes that registration.
// - At the default depth (`finalized`) the DON does not use the registration: the window is refused, naming the
//   unknown device and the block it read; after the reorg there is no record a challenge could freeze. Once the
//   registration is (re-included and) final, the same window is recorded and a signature challenge is rejected.
// - At `latest` (the reorg-unsafe opt-in) the same sequence records the window; its record transaction is re-included
//   on the new fork without the registration, and `WindowChallenger.challengeSignature` freezes the honest window
//   (DEVICE_NOT_REGISTERED).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { createPublicClient, createWalletClient, http, type Address, type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import {
  KeyType,
  buildWindowDocument,
  dataLoggerAbi,
  deviceIdToBytes,
  deviceRegistryAbi,
  encodeReading,
  encodeSignedReading,
  encodeWindowDocument,
  fromHex,
  publicKeyOf,
  readingProofOf,
  signReadingBytes,
  toHex,
  windowChallengerAbi,
  type WindowDocument,
} from '@gridproof/protocol';
import { ensureWorkflowBundle } from '@gridproof/functions-source/quickjs';
import {
  ANVIL_KEYS,
  buildContracts,
  deployContracts,
  freePort,
  localDon,
  startAnvil,
  testInstallers,
  type AnvilHandle,
  type Deployment,
  type TestInstallers,
} from '@gridproof/test-support';
import { DEFAULT_BUNDLE_FILE, LocalCreDon, type LocalCreDonParameters } from '../src/creDon.js';
import { DEVNET_SLOTS_IN_AN_EPOCH } from '../src/devnet.js';

const WINDOW = 60;
const SEAL_DELAY = 5;
/** WindowChallenger.REASON_DEVICE_NOT_REGISTERED. */
const REASON_DEVICE_NOT_REGISTERED = 6;

let anvil: AnvilHandle;
let deployment: Deployment;
let client: ReturnType<typeof createPublicClient>;
let installers: TestInstallers;
let bundleSource = '';
let api: { url: string; server: Server };
/** The documents the stand-in API serves, by window start (the DON trusts nothing in them but what it verifies). */
const documents = new Map<number, Uint8Array>();
const dons: LocalCreDon[] = [];
const logs: string[] = [];

beforeAll(async () => {
  const chainId = 33_400 + Math.floor(Math.random() * 1000);
  [anvil] = await Promise.all([startAnvil({ chainId, slotsInAnEpoch: DEVNET_SLOTS_IN_AN_EPOCH }), buildContracts()]);
  deployment = await deployContracts({ rpcUrl: anvil.rpcUrl, chainId, deployerKey: ANVIL_KEYS.deployer, windowSeconds: WINDOW });
  client = createPublicClient({ transport: http(anvil.rpcUrl) });
  // Before any snapshot: the reorgs below drop certifications only, never the organisation.
  installers = await testInstallers({ rpcUrl: anvil.rpcUrl, contracts: deployment });
  bundleSource = (await ensureWorkflowBundle(DEFAULT_BUNDLE_FILE, (l) => logs.push(l))).source;
  const server = createServer((req, res) => {
    const m = /^\/v1\/windows\/(\d+)\/document$/.exec(req.url ?? '');
    const bytes = m ? documents.get(Number(m[1])) : undefined;
    if (!bytes) return void res.writeHead(404).end('{}');
    res.writeHead(200, { 'content-type': 'application/vnd.ipld.dag-json' }).end(bytes);
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  api = { url: `http://127.0.0.1:${port}`, server };
}, 240_000);

afterAll(async () => {
  for (const d of dons) await d.close();
  await new Promise<void>((r) => (api ? api.server.close(() => r()) : r()));
  await anvil?.stop();
});

/** A local CRE DON (the real workflow bundle in QuickJS) for this chain; closed after the suite. */
async function don(overrides: Partial<LocalCreDonParameters> = {}): Promise<LocalCreDon> {
  const d = await LocalCreDon.create({
    ...localDon(),
    rpcUrl: anvil.rpcUrl,
    apiUrl: api.url,
    ...deployment,
    windowSeconds: WINDOW,
    sealDelaySeconds: SEAL_DELAY,
    sampling: false,
    bundleSource,
    log: (l) => logs.push(l),
    ...overrides,
  });
  dons.push(d);
  return d;
}

/** A fresh P-256 meter and its window document of three honest readings, served by the stand-in API. */
function meterWithWindow(deviceId: string, windowStart: number): { deviceId: string; publicKey: Uint8Array; doc: WindowDocument } {
  const privateKey = fromHex(generatePrivateKey()); // 32 random bytes: a P-256 scalar (below the order but for ~2^-32)
  const readings = [10, 20, 30].map((dt, i) => {
    const bytes = encodeReading({
      deviceId,
      counter: i + 1,
      timestamp: windowStart + dt,
      powerW: 500,
      energyWh: 1_000 + i,
      voltageMv: 230_000,
      status: 'ON',
    });
    return encodeSignedReading(bytes, signReadingBytes(bytes, KeyType.P256, privateKey));
  });
  const doc = buildWindowDocument({ windowStart, windowSeconds: WINDOW, devices: [{ deviceId, baseline: null, readings }] });
  documents.set(windowStart, encodeWindowDocument(doc));
  return { deviceId, publicKey: publicKeyOf(KeyType.P256, privateKey), doc };
}

/**
 * Certifies the meter (the suite's installer organisation: one account as company, admin and electrician); returns the
 * block it landed in.
 */
async function register(meter: { deviceId: string; publicKey: Uint8Array }): Promise<bigint> {
  const [hash] = await installers.certify([{ deviceId: meter.deviceId, keyType: KeyType.P256, publicKey: meter.publicKey }]);
  const receipt = await client.getTransactionReceipt({ hash });
  expect(receipt.status).toBe('success');
  return receipt.blockNumber;
}

const rpc = (method: string, params: unknown[] = []) => client.request({ method: method as never, params: params as never }) as Promise<unknown>;
const keyTypeOf = async (deviceId: string) =>
  (
    await client.readContract({
      address: deployment.deviceRegistry,
      abi: deviceRegistryAbi,
      functionName: 'getDevices',
      args: [[toHex(deviceIdToBytes(deviceId))]],
    })
  )[0].keyType;
const isRecorded = (windowStart: number) =>
  client.readContract({ address: deployment.dataLogger, abi: dataLoggerAbi, functionName: 'isRecorded', args: [BigInt(windowStart)] });

/** A closed, aligned window `back` windows before the current one. */
async function pastWindow(back: number): Promise<number> {
  const now = Number((await client.getBlock()).timestamp);
  return (Math.floor(now / WINDOW) - back) * WINDOW;
}

/**
 * Anyone challenges the signature of the device's first reading in the window (`challengeSignature`).
 * The one place that knows how a freeze shows on chain: `frozen` is true when the challenge went through (did not
 * revert) and left the device's summary in that window frozen (`deviceFrozenReason`), with its reason; else `error`
 * names the revert.
 */
async function challengeSignature(windowStart: number, doc: WindowDocument, deviceId: string): Promise<{ frozen: boolean; reason?: number; error?: string }> {
  const challenger = privateKeyToAccount(generatePrivateKey());
  await rpc('anvil_setBalance', [challenger.address, '0xde0b6b3a7640000']);
  const batch = doc.devices.find((d) => d.deviceId === deviceId)!;
  const proof = readingProofOf(doc, deviceId, batch.firstCounter);
  const summary = {
    ...proof.summary,
    deviceId: toHex(deviceIdToBytes(proof.summary.deviceId)),
    firstCounter: BigInt(proof.summary.firstCounter),
    lastCounter: BigInt(proof.summary.lastCounter),
    energyStartWh: BigInt(proof.summary.energyStartWh),
    energyEndWh: BigInt(proof.summary.energyEndWh),
  };
  const args = [
    BigInt(windowStart),
    { signedReading: proof.signedReading, readingProof: proof.readingProof },
    { summary, summaryProof: proof.summaryProof },
  ] as const;
  let request: Parameters<ReturnType<typeof createWalletClient>['writeContract']>[0];
  try {
    ({ request } = await client.simulateContract({
      account: challenger,
      address: deployment.windowChallenger as Address,
      // The logger's errors too: the challenger proves inclusion through the logger, whose reverts pass through.
      abi: [...windowChallengerAbi, ...dataLoggerAbi.filter((x) => x.type === 'error')],
      functionName: 'challengeSignature',
      args: args as never,
    }));
  } catch (e) {
    const err = e as { walk?: (fn: (x: unknown) => boolean) => unknown; shortMessage?: string };
    const reverted = err.walk?.((x) => typeof (x as { data?: { errorName?: string } }).data?.errorName === 'string') as
      | { data: { errorName: string } }
      | undefined;
    return { frozen: false, error: reverted?.data.errorName ?? err.shortMessage ?? String(e) };
  }
  const wallet = createWalletClient({ account: challenger, transport: http(anvil.rpcUrl) });
  const receipt = await client.waitForTransactionReceipt({ hash: await wallet.writeContract({ ...request, chain: null } as never) });
  expect(receipt.status).toBe('success');
  // Freezing is per device: the device's summary in that window.
  const reason = await client.readContract({
    address: deployment.dataLogger,
    abi: dataLoggerAbi,
    functionName: 'deviceFrozenReason',
    args: [BigInt(windowStart), toHex(deviceIdToBytes(deviceId))],
  });
  return { frozen: Number(reason) !== 0, reason: Number(reason) };
}

/** Phase one for the window (the commit), then two blocks so that the next execution is the draw. */
async function commitAndDraw(d: LocalCreDon, windowStart: number): Promise<void> {
  const committed = await d.processWindow(windowStart);
  expect(committed.status, committed.detail).toBe('committed');
  await rpc('evm_mine');
  await rpc('evm_mine');
}

describe('a reorged registration cannot freeze an honest window (issue 8, Why 8)', () => {
  it('at the default depth (finalized) a registration that is not final is not used, so the reorg leaves nothing to freeze', async () => {
    const windowStart = await pastWindow(3);
    const meter = meterWithWindow('HOUS_0901', windowStart);
    const honestDon = await don(); // no registryBlock: the default
    expect(honestDon.workflowConfig().registryBlock).toBe('finalized');

    // Commit, then draw: the digest is committed before the registration (the commit reads no keys), the seed block
    // mined; the record phase then reads the registry.
    await commitAndDraw(honestDon, windowStart);
    const beforeRegistration = (await rpc('evm_snapshot')) as Hex;
    const registeredIn = await register(meter);
    const outcome = await honestDon.processWindow(windowStart);
    // The DON read the registry at a block before the registration (it is 1 block deep, finality is 2).
    expect((await client.getBlock({ blockTag: 'finalized' })).number).toBeLessThan(registeredIn);
    expect(outcome.windowStart).toBe(windowStart);
    expect(outcome.status).toBe('refused');
    expect(outcome.detail).toContain('WINDOW_DEVICE_UNKNOWN');
    expect(outcome.detail).toContain('HOUS_0901');
    expect(outcome.detail).toContain('registry read at the finalized block');
    expect(await isRecorded(windowStart)).toBe(false);

    // The reorg: the chain goes back before the registration and grows a fork without it.
    expect(await rpc('evm_revert', [beforeRegistration])).toBe(true);
    await rpc('evm_mine');
    expect(await keyTypeOf('HOUS_0901')).toBe(0);
    expect(await isRecorded(windowStart)).toBe(false);
    const challenge = await challengeSignature(windowStart, meter.doc, 'HOUS_0901');
    expect(challenge.frozen).toBe(false);
    expect(challenge.error).toBe('DataLoggerUnknownWindow');

    // The registration is included again and becomes final: the same window is recorded, and stays unfreezable.
    await register(meter);
    await rpc('evm_mine');
    await rpc('evm_mine');
    const later = await honestDon.processWindow(windowStart);
    expect(later.status, later.detail).toBe('recorded');
    expect(await isRecorded(windowStart)).toBe(true);
    const rejected = await challengeSignature(windowStart, meter.doc, 'HOUS_0901');
    expect(rejected.frozen).toBe(false);
    expect(rejected.error).toBe('WindowChallengerChallengeRejected');
  });

  it('at latest (the reorg-unsafe opt-in) the same sequence records the window, and the challenge then freezes it', async () => {
    const windowStart = await pastWindow(5);
    const meter = meterWithWindow('HOUS_0902', windowStart);
    const latestDon = await don({ registryBlock: 'latest' });

    await commitAndDraw(latestDon, windowStart);
    const beforeRegistration = (await rpc('evm_snapshot')) as Hex;
    await register(meter);
    const outcome = await latestDon.processWindow(windowStart);
    expect(outcome.status, outcome.detail).toBe('recorded');
    const recordTx = /tx (0x[0-9a-f]{64})/.exec(outcome.detail)![1] as Hex;
    const rawRecordTx = (await rpc('eth_getRawTransactionByHash', [recordTx])) as Hex;

    // The reorg drops the registration; the (honest) record transaction is re-included on the new fork.
    expect(await rpc('evm_revert', [beforeRegistration])).toBe(true);
    await rpc('evm_mine');
    expect(await isRecorded(windowStart)).toBe(false);
    const reincluded = await client.waitForTransactionReceipt({ hash: (await rpc('eth_sendRawTransaction', [rawRecordTx])) as Hex });
    expect(reincluded.status).toBe('success');
    expect(await isRecorded(windowStart)).toBe(true);
    expect(await keyTypeOf('HOUS_0902')).toBe(0);

    const challenge = await challengeSignature(windowStart, meter.doc, 'HOUS_0902');
    expect(challenge).toEqual({ frozen: true, reason: REASON_DEVICE_NOT_REGISTERED });
  });
});
