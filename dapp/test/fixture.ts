/**
 * A real chain and gateway behind the browser test: anvil, the contracts deployed by
 * contracts/script/Deploy.s.sol (Chainlink's KeystoneForwarder configured with a local DON),
 * the vector devices registered, the vector window recorded through the forwarder with f+1 DON
 * signatures, and a trustless gateway serving the vector document. Nothing here is mocked.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createReadStream, readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { concat, createPublicClient, createWalletClient, http, keccak256, stringToHex, type Address, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import {
  dataLoggerAbi,
  deviceIdToBytes,
  deviceRegistryAbi,
  encodeKeystoneReport,
  fromHex,
  keystoneForwarderAbi,
  signKeystoneReport,
  toHex,
  windowDocumentCid,
} from '@gridproof/protocol';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'node_modules/.bin');

/** anvil's public dev keys (test mnemonic): deployer/registrar and the DON's transmitter. */
const DEPLOYER_KEY: Hex = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
const TRANSMITTER_KEY: Hex = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';
/** Fixed local DON: 4 nodes, f = 1, so the forwarder takes exactly 2 signatures. */
export const DON_KEYS: Hex[] = [0, 1, 2, 3].map((i) => keccak256(stringToHex(`gridproof dapp test DON node ${i}`)));
const DON = { f: 1, donId: 1, configVersion: 1 };
export const WORKFLOW = {
  workflowId: keccak256(stringToHex('gridproof dapp test workflow')),
  workflowName: keccak256(stringToHex('gridproof-window-anchor')).slice(0, 22) as Hex,
  workflowOwner: privateKeyToAccount(keccak256(stringToHex('gridproof dapp test workflow owner'))).address,
};

export interface WindowVector {
  windowStart: number;
  windowSeconds: number;
  document: Hex;
  cid: string;
  cidDigest: Hex;
  root: Hex;
  report: Hex;
  devices: { deviceId: string; keyType: number; publicKey: Hex; readings: { signed: Hex }[] }[];
}

export const windowVector: WindowVector = JSON.parse(readFileSync(join(ROOT, 'protocol/test-vectors/window.json'), 'utf8'));

export interface Deployment {
  chainId: number;
  forwarder: Address;
  deviceRegistry: Address;
  dataLogger: Address;
  startBlock: number;
}

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

/** Starts anvil on a free port (it binds port 0 and prints where it listens). */
export async function startAnvil(): Promise<Stoppable & { rpcUrl: string; process: ChildProcess }> {
  const child = spawn(join(BIN, 'anvil'), ['--host', '127.0.0.1', '--port', '0', '--hardfork', 'osaka', '--chain-id', '31337'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const rpcUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`anvil did not start within 30 s:\n${output}`)), 30_000);
    const onData = (d: Buffer) => {
      output += d;
      const m = /Listening on (127\.0\.0\.1:\d+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(`http://${m[1]}`);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`anvil exited with ${code}:\n${output}`));
    });
  });
  child.stdout!.removeAllListeners('data').resume();
  child.stderr!.removeAllListeners('data').resume();
  return {
    rpcUrl,
    process: child,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

function run(cmd: string, args: string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(output) : reject(new Error(`${args.slice(0, 2).join(' ')} exited with ${code}:\n${output.slice(-4000)}`))));
  });
}

/** Runs the project's deploy script against `rpcUrl` and returns contracts/deployments/31337.json. */
export async function deployContracts(rpcUrl: string): Promise<Deployment> {
  await run(join(BIN, 'forge'), ['script', 'contracts/script/Deploy.s.sol', '--rpc-url', rpcUrl, '--broadcast', '--private-key', DEPLOYER_KEY, '--slow'], {
    DON_SIGNERS: DON_KEYS.map((k) => privateKeyToAccount(k).address).join(','),
    DON_F: String(DON.f),
    DON_ID: String(DON.donId),
    DON_CONFIG_VERSION: String(DON.configVersion),
    WORKFLOW_OWNER: WORKFLOW.workflowOwner,
    WORKFLOW_NAME: WORKFLOW.workflowName,
    WORKFLOW_ID: WORKFLOW.workflowId,
  });
  return JSON.parse(readFileSync(join(ROOT, 'contracts/deployments/31337.json'), 'utf8')) as Deployment;
}

/**
 * Registers the vector devices and records the vector window through the forwarder, the way
 * the DON does: Keystone envelope around the report payload, f+1 node signatures.
 */
export async function anchorVectorWindow(rpcUrl: string, deployment: Deployment): Promise<Hex> {
  const transport = http(rpcUrl);
  const publicClient = createPublicClient({ transport });
  const chain = { id: await publicClient.getChainId(), name: 'anvil', nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 }, rpcUrls: { default: { http: [rpcUrl] } } };
  const registrar = createWalletClient({ account: privateKeyToAccount(DEPLOYER_KEY), chain, transport });
  const transmitter = createWalletClient({ account: privateKeyToAccount(TRANSMITTER_KEY), chain, transport });

  for (const d of windowVector.devices) {
    const hash = await registrar.writeContract({
      address: deployment.deviceRegistry,
      abi: deviceRegistryAbi,
      functionName: 'registerDevice',
      args: [toHex(deviceIdToBytes(d.deviceId)), d.keyType, d.publicKey, registrar.account.address],
    });
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== 'success') throw new Error(`registerDevice(${d.deviceId}) reverted`);
  }

  // The logger refuses windows that have not closed yet at block time.
  const windowEnd = windowVector.windowStart + windowVector.windowSeconds;
  const latest = await publicClient.getBlock();
  if (Number(latest.timestamp) <= windowEnd) {
    await publicClient.request({ method: 'evm_setNextBlockTimestamp' as never, params: [windowEnd + 60] as never });
    await publicClient.request({ method: 'evm_mine' as never, params: [] as never });
  }

  const rawReport = encodeKeystoneReport({
    ...WORKFLOW,
    executionId: keccak256(stringToHex(`dapp test execution ${windowVector.windowStart}`)),
    timestamp: windowEnd + 30,
    donId: DON.donId,
    configVersion: DON.configVersion,
    payload: windowVector.report,
  });
  const reportContext = concat([keccak256(stringToHex('dapp test config digest')), `0x${'00'.repeat(64)}`]) as Hex;
  const signatures = await Promise.all(DON_KEYS.slice(0, DON.f + 1).map((k) => signKeystoneReport(rawReport, reportContext, k)));
  const hash = await transmitter.writeContract({
    address: deployment.forwarder,
    abi: keystoneForwarderAbi,
    functionName: 'report',
    args: [deployment.dataLogger, rawReport, reportContext, signatures],
    gas: 3_000_000n,
  });
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== 'success') throw new Error('KeystoneForwarder.report reverted');
  // A receiver revert only shows as ReportProcessed(false): check the record itself.
  const recorded = await publicClient.readContract({
    address: deployment.dataLogger,
    abi: dataLoggerAbi,
    functionName: 'isRecorded',
    args: [BigInt(windowVector.windowStart)],
  });
  if (!recorded) throw new Error('The forwarder delivered the report but the DataLogger did not record the window');
  return hash;
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

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** Serves the built dApp under `prefix` (e.g. `/ipfs/<cid>/`, as a gateway would) with the given config.json. */
export async function startStaticServer(dir: string, config: unknown, prefix = '/'): Promise<Stoppable & { url: string }> {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://static').pathname);
    if (!path.startsWith(prefix)) return void res.writeHead(404).end();
    const rel = normalize(path.slice(prefix.length) || 'index.html');
    if (rel.startsWith('..')) return void res.writeHead(400).end();
    if (rel === 'config.json') return void res.writeHead(200, { 'content-type': TYPES['.json'] }).end(JSON.stringify(config));
    const file = join(dir, rel);
    try {
      if (!(await stat(file)).isFile()) throw new Error('not a file');
    } catch {
      return void res.writeHead(404).end();
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  const origin = await listen(server);
  return { url: `${origin}${prefix}`, stop: () => closeServer(server) };
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
