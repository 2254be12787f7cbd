// End to end on a real anvil: Deploy.s.sol deploys Chainlink's KeystoneForwarder, DeviceRegistry and DataLogger,
// writes deployments/<chainId>.json and hands the logger to a TimelockController, and a window signed by f+1 DON keys
// is anchored through the forwarder in two phases (commit, then record).
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPublicClient, createTestClient, createWalletClient, http, toHex, type Hex } from 'viem';
import { privateKeyToAccount, privateKeyToAddress } from 'viem/accounts';
import { DeviceRole, RevocationReason, dataLoggerAbi, deviceRegistryAbi, windowChallengerAbi } from '@gridproof/protocol';
import {
  ANVIL_KEYS,
  anchorKeystoneReport,
  deployContracts,
  localDon,
  revertReason,
  startAnvil,
  testInstallers,
  type AnvilHandle,
  type Deployment,
} from '../src/index.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const vectors = JSON.parse(readFileSync(resolve(root, 'protocol/test-vectors/window.json'), 'utf8'));

// A chain id of its own so the devnet's deployments/31337.json is never touched.
const chainId = 900_000 + (process.pid % 90_000);
const deploymentFile = resolve(root, `contracts/deployments/${chainId}.json`);
const workflow = {
  workflowId: `0x${'ab'.repeat(32)}` as Hex,
  workflowName: '0x6772696470726f6f6631' as Hex,
  workflowOwner: privateKeyToAddress(ANVIL_KEYS.workflowOwner),
};
// The local DON, carrying this test's own workflow identity.
const don = { ...localDon(), identity: workflow };

let anvil: AnvilHandle;

beforeAll(async () => {
  anvil = await startAnvil({ chainId });
}, 30_000);

afterAll(async () => {
  await anvil?.stop();
  rmSync(deploymentFile, { force: true });
});

/** The test vectors' window, committed then recorded by the local DON through the deployment's forwarder. */
function deliverVectorReport(deployment: Deployment, executionSeed: bigint) {
  return anchorKeystoneReport({
    rpcUrl: anvil.rpcUrl,
    forwarder: deployment.forwarder,
    receiver: deployment.dataLogger,
    payload: vectors.report,
    ...don,
    executionSeed,
  });
}

describe('Deploy.s.sol against anvil', () => {
  it('deploys, writes the deployment file, and records a DON-signed window through the forwarder', async () => {
    await deployContracts({
      rpcUrl: anvil.rpcUrl,
      chainId,
      deployerKey: ANVIL_KEYS.deployer,
      don,
      windowSeconds: vectors.windowSeconds,
    });
    expect(existsSync(deploymentFile)).toBe(true);
    const deployment = JSON.parse(readFileSync(deploymentFile, 'utf8'));
    expect(Object.keys(deployment).sort()).toEqual([
      'chainId',
      'companyIdentity',
      'dataLogger',
      'deviceRegistry',
      'forwarder',
      'functionsAnchor',
      'installerRegistry',
      'network',
      'startBlock',
      'timelock',
      'windowChallenger',
      'windowSeconds',
    ]);
    expect(deployment.chainId).toBe(chainId);
    expect(deployment.network).toBe('anvil');
    expect(deployment.windowSeconds).toBe(vectors.windowSeconds);
    // No FUNCTIONS_SUBSCRIPTION_ID: the CRE path only.
    expect(deployment.functionsAnchor).toBe('0x0000000000000000000000000000000000000000');

    const chain = {
      id: chainId,
      name: 'anvil',
      nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
      rpcUrls: { default: { http: [anvil.rpcUrl] } },
    };
    const pub = createPublicClient({ chain, transport: http(anvil.rpcUrl) });
    expect(await pub.readContract({ address: deployment.dataLogger, abi: dataLoggerAbi, functionName: 'windowSeconds' })).toBe(vectors.windowSeconds);
    expect(await pub.readContract({ address: deployment.dataLogger, abi: dataLoggerAbi, functionName: 'workflowIdentity' })).toEqual([
      workflow.workflowId,
      workflow.workflowName,
      workflow.workflowOwner,
    ]);
    // The challenger holds the logger's freeze right and reads keys from this registry.
    expect(await pub.readContract({ address: deployment.dataLogger, abi: dataLoggerAbi, functionName: 'challenger' })).toBe(deployment.windowChallenger);
    expect(await pub.readContract({ address: deployment.windowChallenger, abi: windowChallengerAbi, functionName: 'deviceRegistry' })).toBe(
      deployment.deviceRegistry,
    );
    // The registry certifies through this deployment's installer organisations, for owners holding its identities.
    expect(await pub.readContract({ address: deployment.deviceRegistry, abi: deviceRegistryAbi, functionName: 'installerRegistry' })).toBe(
      deployment.installerRegistry,
    );
    expect(await pub.readContract({ address: deployment.deviceRegistry, abi: deviceRegistryAbi, functionName: 'companyIdentity' })).toBe(
      deployment.companyIdentity,
    );
    const installers = await testInstallers({ rpcUrl: anvil.rpcUrl, contracts: deployment });
    const publicKey = new Uint8Array(32).fill(7);
    await installers.certify([{ deviceId: 'WIND_0002', keyType: 2, publicKey, role: DeviceRole.PRODUCTION, ratedCapacityW: 2_000_000 }]);
    const certified = await pub.readContract({
      address: deployment.deviceRegistry,
      abi: deviceRegistryAbi,
      functionName: 'getDevice',
      args: [toHex('WIND_0002')],
    });
    expect(certified).toMatchObject({
      certifier: privateKeyToAddress(ANVIL_KEYS.deployer),
      organisationId: installers.organisationId,
      revokedAt: 0n,
      ratedCapacityW: 2_000_000,
    });
    const { revokedAt } = await installers.revoke('WIND_0002', RevocationReason.SEAL_BROKEN);
    expect(
      await pub.readContract({ address: deployment.deviceRegistry, abi: deviceRegistryAbi, functionName: 'getDevice', args: [toHex('WIND_0002')] }),
    ).toMatchObject({
      revokedAt: BigInt(revokedAt),
      revocationReason: RevocationReason.SEAL_BROKEN,
    });

    // The window of the test vectors must have closed on chain (on a machine whose clock is earlier, move it on).
    const closedAt = BigInt(vectors.windowStart + vectors.windowSeconds);
    if ((await pub.getBlock()).timestamp < closedAt) {
      await createTestClient({ chain, mode: 'anvil', transport: http(anvil.rpcUrl) }).setNextBlockTimestamp({ timestamp: closedAt });
    }
    const result = await deliverVectorReport(deployment, 1n);
    expect(result.ok, result.ok ? undefined : result.reason).toBe(true);
    expect((await pub.waitForTransactionReceipt({ hash: result.txHash! })).status).toBe('success');
    const record = await pub.readContract({
      address: deployment.dataLogger,
      abi: dataLoggerAbi,
      functionName: 'getWindow',
      args: [BigInt(vectors.windowStart)],
    });
    expect(record.root).toBe(vectors.root);
    expect(record.cidDigest).toBe(vectors.cidDigest);
    expect(record.readingCount).toBe(vectors.readingCount);
    // Phase one came first: the record's digest is the committed one, committed in an earlier block.
    const [committedDigest, commitBlock] = await pub.readContract({
      address: deployment.dataLogger,
      abi: dataLoggerAbi,
      functionName: 'getCommitment',
      args: [BigInt(vectors.windowStart)],
    });
    expect(committedDigest).toBe(vectors.cidDigest);
    const recordBlock = (await pub.getTransactionReceipt({ hash: result.txHash! })).blockNumber;
    expect(recordBlock - commitBlock).toBeGreaterThanOrEqual(2n);

    // The timelock owns the logger: the deployer's own key can no longer re-point the recorder.
    expect(await pub.readContract({ address: deployment.dataLogger, abi: dataLoggerAbi, functionName: 'owner' })).toBe(deployment.timelock);
    const deployer = privateKeyToAccount(ANVIL_KEYS.deployer);
    const wallet = createWalletClient({ account: deployer, chain, transport: http(anvil.rpcUrl) });
    const direct = await wallet
      .writeContract({ address: deployment.dataLogger, abi: dataLoggerAbi, functionName: 'setRecorder', args: [deployer.address] })
      .then(
        () => 'accepted',
        (err) => revertReason(err),
      );
    expect(direct).toBe(`OwnableUnauthorizedAccount(${deployer.address})`);
    expect(await pub.readContract({ address: deployment.dataLogger, abi: dataLoggerAbi, functionName: 'recorder' })).toBe(deployment.functionsAnchor);
  }, 180_000);

  it('fixes the window length it is given: a report of another length is refused, naming both', async () => {
    const deployment = await deployContracts({ rpcUrl: anvil.rpcUrl, chainId, deployerKey: ANVIL_KEYS.deployer, don, windowSeconds: 60 });
    expect(deployment.windowSeconds).toBe(60);
    const pub = createPublicClient({ transport: http(anvil.rpcUrl) });
    expect(await pub.readContract({ address: deployment.dataLogger, abi: dataLoggerAbi, functionName: 'windowSeconds' })).toBe(60);
    expect(await pub.readContract({ address: deployment.windowChallenger, abi: windowChallengerAbi, functionName: 'windowSeconds' })).toBe(60);
    const result = await deliverVectorReport(deployment, 2n);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toContain(`DataLoggerWindowLengthMismatch(${vectors.windowSeconds}, 60)`);
    expect(
      await pub.readContract({ address: deployment.dataLogger, abi: dataLoggerAbi, functionName: 'isRecorded', args: [BigInt(vectors.windowStart)] }),
    ).toBe(false);
  }, 180_000);
});
