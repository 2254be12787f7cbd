import { rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { createPublicClient, http, keccak256, stringToHex, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import {
  ANVIL_KEYS,
  anchorKeystoneReport,
  deployContracts,
  localDon,
  serveDapp,
  startAnvil,
  freezeAsChallenger,
  submitKeystoneReport,
  testInstallers,
  type Deployment,
} from '@gridproof/test-support';
import { dataLoggerAbi, deviceIdToBytes, encodeCommitReport, encodeWindowReport, fromHex, toHex, type KeyType, windowDocumentCid } from '@gridproof/protocol';

export type { Deployment };

/**
 * Debian's Chromium, headless, with the flags this machine needs: no background networking (its connections are refused
 * by the closed network, many at a time), no QUIC, no sandbox (root).
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The local DON (4 nodes, f = 1, so the forwarder takes exactly 2 signatures) and the workflow the logger accepts. */
const DON = localDon();

export { windowVector, type WindowVector } from './vectors.js';
import { windowVector } from './vectors.js';

export interface Stoppable {
  stop(): Promise<void>;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
}

/**
 * anvil with the contracts deployed by Deploy.s.sol. The chain id is this run's own (3xxxx, never
 * devnet's 31337), so the contracts/deployments/<chainId>.json the script writes cannot overwrite
 * devnet's; stop() deletes it and stops anvil.
 */
export async function startChain(): Promise<Stoppable & { rpcUrl: string; chainId: number; deployment: Deployment }> {
  const anvil = await startAnvil({ chainId: 30_000 + (process.pid % 1000) });
  const deploymentFile = join(ROOT, `contracts/deployments/${anvil.chainId}.json`);
  const stop = async () => {
    await anvil.stop();
    await rm(deploymentFile, { force: true });
  };
  try {
    const deployment = await deployContracts({
      rpcUrl: anvil.rpcUrl,
      chainId: anvil.chainId,
      deployerKey: ANVIL_KEYS.deployer,
      don: DON,
    });
    return { rpcUrl: anvil.rpcUrl, chainId: anvil.chainId, deployment, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * Certifies the vector devices and records the vector window through the forwarder, the way
 * the DON does: Keystone envelope around the report payload, f+1 node signatures.
 */
export async function anchorVectorWindow(rpcUrl: string, deployment: Deployment): Promise<Hex> {
  const publicClient = createPublicClient({ transport: http(rpcUrl) });
  // The deployer as company (it owns the meters), installer admin and electrician: test-support's installers.
  const installers = await testInstallers({ rpcUrl, contracts: deployment });
  await installers.certify(windowVector.devices.map((d) => ({ deviceId: d.deviceId, keyType: d.keyType as KeyType, publicKey: fromHex(d.publicKey) })));

  // The logger refuses windows that have not closed yet at block time.
  const windowEnd = windowVector.windowStart + windowVector.windowSeconds;
  const latest = await publicClient.getBlock();
  if (Number(latest.timestamp) <= windowEnd) {
    await publicClient.request({ method: 'evm_setNextBlockTimestamp' as never, params: [windowEnd + 60] as never });
    await publicClient.request({ method: 'evm_mine' as never, params: [] as never });
  }

  const result = await anchorKeystoneReport({
    rpcUrl,
    forwarder: deployment.forwarder,
    receiver: deployment.dataLogger,
    payload: windowVector.report,
    ...DON,
    executionSeed: BigInt(windowVector.windowStart),
    gasLimit: 3_000_000n,
  });
  if (!result.ok) throw new Error(`KeystoneForwarder.report did not record the vector window: ${result.reason}`);
  // Belt and braces: the record itself, not only ReportProcessed(true).
  const recorded = await publicClient.readContract({
    address: deployment.dataLogger,
    abi: dataLoggerAbi,
    functionName: 'isRecorded',
    args: [BigInt(windowVector.windowStart)],
  });
  if (!recorded) throw new Error('The forwarder delivered the report but the DataLogger did not record the window');
  return result.txHash;
}

/**
 * Anchors a made-up window (no document behind it) through the forwarder, commit then record: for the list tests,
 * which read only the on-chain record. `windowStart` must be aligned to the vector's 300 s.
 */
export async function recordListWindow(rpcUrl: string, deployment: Deployment, windowStart: number, energyWh = 1000): Promise<void> {
  const tag = (t: string) => keccak256(stringToHex(`${t} ${windowStart} ${energyWh}`));
  const result = await anchorKeystoneReport({
    rpcUrl,
    forwarder: deployment.forwarder,
    receiver: deployment.dataLogger,
    payload: encodeWindowReport({
      windowStart,
      windowSeconds: windowVector.windowSeconds,
      root: tag('root'),
      cidDigest: tag('cid'),
      deviceCount: 1,
      readingCount: 2,
      energyWh,
    }),
    ...DON,
    executionSeed: BigInt(windowStart) * 1000n + BigInt(energyWh % 1000),
  });
  if (!result.ok) throw new Error(`window ${windowStart} not recorded: ${result.reason}`);
}

/** Phase one only: the DON commits a made-up window's digest and no record follows (a withheld document). */
export async function commitListWindow(rpcUrl: string, deployment: Deployment, windowStart: number): Promise<Hex> {
  const cidDigest = keccak256(stringToHex(`withheld ${windowStart}`));
  const result = await submitKeystoneReport({
    rpcUrl,
    forwarder: deployment.forwarder,
    receiver: deployment.dataLogger,
    payload: encodeCommitReport({ windowStart, cidDigest }),
    ...DON,
    executionSeed: BigInt(windowStart) * 1000n + 999n,
  });
  if (!result.ok) throw new Error(`window ${windowStart} not committed: ${result.reason}`);
  return cidDigest;
}

/**
 * Freezes one device of a recorded window as the WindowChallenger does after a fraud proof: the timelock first makes
 * the deployer the logger's challenger (delay 0 on anvil). Returns the challenger.
 */
export async function freezeDevice(rpcUrl: string, deployment: Deployment, windowStart: number, deviceId: string, reason: number): Promise<Hex> {
  const admin = privateKeyToAccount(ANVIL_KEYS.deployer);
  await freezeAsChallenger({
    rpcUrl,
    deployment,
    key: ANVIL_KEYS.deployer,
    functionName: 'freezeDevice',
    args: [BigInt(windowStart), toHex(deviceIdToBytes(deviceId)), reason, admin.address, keccak256(stringToHex(`evidence ${deviceId}`))],
  });
  return admin.address;
}

/** A trustless gateway (`GET /ipfs/<cid>?format=raw`) whose blocks the test can swap (e.g. for tampered bytes). */
export async function startGateway(): Promise<Stoppable & { url: string; serve(cid: string, bytes: Uint8Array): void; requests: string[] }> {
  const blocks = new Map<string, Uint8Array>();
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://gateway');
    requests.push(url.pathname);
    res.setHeader('access-control-allow-origin', '*');
    const m = /^\/ipfs\/([a-z0-9]+)$/.exec(url.pathname);
    const bytes = m ? blocks.get(m[1]) : undefined;
    if (!bytes) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'BLOCK_NOT_FOUND', message: 'No such block.' } }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/vnd.ipld.raw', 'x-ipfs-roots': m![1] }).end(Buffer.from(bytes));
  });
  const url = await listen(server);
  return { url, requests, serve: (cid, bytes) => blocks.set(cid, bytes), stop: () => closeServer(server) };
}

/** Serves the built dApp under `prefix` (e.g. `/ipfs/<cid>/`, as a gateway would) with the given config.json. */
export async function startStaticServer(dir: string, config: Record<string, unknown>, prefix: string): Promise<Stoppable & { url: string }> {
  const { url, server } = await serveDapp({ dir, config, prefix });
  return { url, stop: () => closeServer(server) };
}

/** The vector document bytes with one hex digit of one reading's signature changed (still canonical DAG-JSON). */
export function tamperedVectorDocument(deviceId: string, counterIndex = 0): Uint8Array {
  const signed = windowVector.devices.find((d) => d.deviceId === deviceId)!.readings[counterIndex].signed;
  const last = signed.at(-1)!;
  const tampered = `${signed.slice(0, -1)}${last === '0' ? '1' : '0'}`;
  const text = new TextDecoder().decode(fromHex(windowVector.document));
  if (!text.includes(signed)) throw new Error('signed reading not found in the vector document');
  return new TextEncoder().encode(text.replace(signed, tampered));
}

export const vectorDocumentBytes = (): Uint8Array => fromHex(windowVector.document);
export const vectorCid = (): string => windowDocumentCid(vectorDocumentBytes()).toString();
