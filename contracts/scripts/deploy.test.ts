// End to end on a real anvil: Deploy.s.sol deploys Chainlink's KeystoneForwarder, DeviceRegistry and DataLogger,
// writes deployments/<chainId>.json, and a report signed by f+1 DON keys lands through the forwarder.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPublicClient, createTestClient, createWalletClient, http, keccak256, toHex, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { dataLoggerAbi, deviceRegistryAbi, keystoneForwarderAbi } from '../../protocol/src/generated/contracts.js';
import { encodeKeystoneReport, signKeystoneReport } from '../../protocol/src/keystone.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const bin = (tool: string) => resolve(root, `node_modules/@foundry-rs/${tool}-linux-amd64/bin/${tool}`);
const vectors = JSON.parse(readFileSync(resolve(root, 'protocol/test-vectors/window.json'), 'utf8'));

// A chain id of its own so the devnet's deployments/31337.json is never touched.
const chainId = 900_000 + (process.pid % 90_000);
const deploymentFile = resolve(root, `contracts/deployments/${chainId}.json`);
const workflow = { workflowId: `0x${'ab'.repeat(32)}` as Hex, workflowName: '0x6772696470726f6f6631' as Hex };

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => ok(port));
    });
  });
}

let anvil: ChildProcess;
let rpc: string;
let keys: Hex[] = [];

beforeAll(async () => {
  const port = await freePort();
  rpc = `http://127.0.0.1:${port}`;
  anvil = spawn(bin('anvil'), ['--host', '127.0.0.1', '--port', String(port), '--chain-id', String(chainId)]);
  let log = '';
  await new Promise<void>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`anvil did not start:\n${log}`)), 20_000);
    anvil.stdout!.on('data', (chunk) => {
      log += chunk;
      if (log.includes('Listening on')) {
        clearTimeout(timer);
        ok();
      }
    });
  });
  keys = [...log.matchAll(/\(\d+\) (0x[0-9a-f]{64})/g)].map((m) => m[1] as Hex);
}, 30_000);

afterAll(() => {
  anvil?.kill();
  rmSync(deploymentFile, { force: true });
});

describe('Deploy.s.sol against anvil', () => {
  it('deploys, writes the deployment file, and records a DON-signed window through the forwarder', async () => {
    const [deployerKey, ...rest] = keys;
    const donKeys = rest.slice(0, 4);
    const workflowOwner = privateKeyToAccount(rest[5]).address;
    const registrar = privateKeyToAccount(rest[6]).address;
    const run = spawnSync(
      bin('forge'),
      ['script', 'contracts/script/Deploy.s.sol', '--rpc-url', rpc, '--broadcast', '--private-key', deployerKey],
      {
        cwd: root,
        encoding: 'utf8',
        env: {
          ...process.env,
          DON_SIGNERS: donKeys.map((k) => privateKeyToAccount(k).address).join(','),
          WORKFLOW_OWNER: workflowOwner,
          WORKFLOW_NAME: workflow.workflowName,
          WORKFLOW_ID: workflow.workflowId,
          REGISTRAR: registrar,
        },
      },
    );
    expect(run.status, run.stderr + run.stdout).toBe(0);
    expect(existsSync(deploymentFile)).toBe(true);
    const deployment = JSON.parse(readFileSync(deploymentFile, 'utf8'));
    expect(Object.keys(deployment).sort()).toEqual(['chainId', 'dataLogger', 'deviceRegistry', 'forwarder', 'startBlock']);
    expect(deployment.chainId).toBe(chainId);

    const chain = { id: chainId, name: 'anvil', nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 }, rpcUrls: { default: { http: [rpc] } } };
    const pub = createPublicClient({ chain, transport: http(rpc) });
    expect(
      await pub.readContract({ address: deployment.dataLogger, abi: dataLoggerAbi, functionName: 'workflowIdentity' }),
    ).toEqual([workflow.workflowId, workflow.workflowName, workflowOwner]);
    const role = await pub.readContract({ address: deployment.deviceRegistry, abi: deviceRegistryAbi, functionName: 'REGISTRAR_ROLE' });
    expect(role).toBe(keccak256(toHex('REGISTRAR_ROLE')));
    expect(
      await pub.readContract({ address: deployment.deviceRegistry, abi: deviceRegistryAbi, functionName: 'hasRole', args: [role, registrar] }),
    ).toBe(true);

    // The window of the test vectors must have closed on chain (on a machine whose clock is earlier, move it on).
    const closedAt = BigInt(vectors.windowStart + vectors.windowSeconds);
    if ((await pub.getBlock()).timestamp < closedAt) {
      await createTestClient({ chain, mode: 'anvil', transport: http(rpc) }).setNextBlockTimestamp({ timestamp: closedAt });
    }
    const rawReport = encodeKeystoneReport({
      ...workflow,
      workflowOwner,
      executionId: keccak256(toHex('execution 1')),
      timestamp: vectors.windowStart + 3600,
      donId: 1,
      configVersion: 1,
      payload: vectors.report,
    });
    const context = `0x${'00'.repeat(96)}` as Hex;
    const signatures = await Promise.all(donKeys.slice(0, 2).map((k) => signKeystoneReport(rawReport, context, k)));
    const wallet = createWalletClient({ chain, transport: http(rpc), account: privateKeyToAccount(rest[7]) });
    const hash = await wallet.writeContract({
      address: deployment.forwarder,
      abi: keystoneForwarderAbi,
      functionName: 'report',
      args: [deployment.dataLogger, rawReport, context, signatures],
      gas: 1_000_000n,
    });
    expect((await pub.waitForTransactionReceipt({ hash })).status).toBe('success');
    const record = await pub.readContract({
      address: deployment.dataLogger,
      abi: dataLoggerAbi,
      functionName: 'getWindow',
      args: [BigInt(vectors.windowStart)],
    });
    expect(record.root).toBe(vectors.root);
    expect(record.cidDigest).toBe(vectors.cidDigest);
    expect(record.readingCount).toBe(vectors.readingCount);
  }, 180_000);
});
