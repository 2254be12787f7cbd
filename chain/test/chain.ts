/** A real chain for the indexer tests: anvil, contracts/script/Deploy.s.sol, and the writes the indexer reads. */
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import {
  ANVIL_KEYS,
  anchorKeystoneReport,
  deployContracts,
  localDon,
  startAnvil,
  freezeAsChallenger,
  submitKeystoneReport,
  testInstallers,
  type Deployment,
  type TestInstallers,
} from '@gridproof/test-support';
import { deviceIdToBytes, encodeCommitReport, encodeCorrectionReport, encodeWindowReport, fromHex, KeyType, toHex, type Hex } from '@gridproof/protocol';
import { createPublicClient, createWalletClient, http, keccak256, stringToHex, type PublicClient, type Transport } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';

/** 2026-01-01T00:00Z: windows of 300 s from here are closed on anvil's clock. */
export const T0 = 1767225600;
const WINDOW_SECONDS = 300;

export interface TestChain {
  rpcUrl: string;
  chainId: number;
  deployment: Deployment;
  client(transport?: Transport): PublicClient;
  /** Anchors window `T0 + 300·k` through the KeystoneForwarder with f+1 DON signatures: commit, one block, record. */
  recordWindow(k: number, energyWh?: number | bigint): Promise<void>;
  /** Phase one only: commits window `T0 + 300·k`'s digest and never records it (a withheld document). */
  commitWindow(k: number, energyWh?: number | bigint): Promise<void>;
  /**
   * Freezes `deviceId` in window `T0 + 300·k` as the challenger would after a fraud proof: the deployer is made the
   * logger's challenger through the timelock (once), then calls freezeDevice. Returns the challenger's address.
   */
  freezeDevice(k: number, deviceId: string, reason: number, evidence?: Hex): Promise<Hex>;
  /** Freezes window `T0 + 300·k`'s totals, as freezeDevice does. */
  freezeTotals(k: number, reason: number): Promise<void>;
  /** Delivers the DON's 128-byte correction of a frozen device through the forwarder. */
  correctDevice(k: number, deviceId: string, summaryLeaf: Hex): Promise<void>;
  /** The deployer as company, installer admin and electrician of one organisation (made at start). */
  installers: TestInstallers;
  /** Certifies an Ed25519 device (key = keccak256 of the seed) as the test organisation's electrician. */
  register(deviceId: string, publicKeySeed?: string): Promise<void>;
  /** Revokes it as the organisation's admin (reason 3, decommissioned, unless given); resolves the chain's revokedAt. */
  revoke(deviceId: string, reason?: number): Promise<number>;
  /** Any write as anvil's account `key` (default the deployer), waiting for its receipt. */
  write(address: Hex, abi: readonly unknown[], functionName: string, args: readonly unknown[], key?: Hex): Promise<void>;
  mine(blocks: number): Promise<void>;
  blockNumber(): Promise<bigint>;
  snapshot(): Promise<Hex>;
  revert(id: Hex): Promise<void>;
  stop(): Promise<void>;
}

let next = 0;
let seed = 1n;

/** anvil with a chain id of this process's own (36xxx: no other suite's), so its deployment file is its own; removed on stop. */
export async function startTestChain(): Promise<TestChain> {
  const chainId = 36_000 + ((process.pid * 4 + next++) % 1000);
  const anvil = await startAnvil({ chainId });
  const deploymentFile = fileURLToPath(new URL(`../../contracts/deployments/${chainId}.json`, import.meta.url));
  const stop = async () => {
    await anvil.stop();
    await rm(deploymentFile, { force: true });
  };
  try {
    const don = localDon();
    const deployment = await deployContracts({ rpcUrl: anvil.rpcUrl, chainId, deployerKey: ANVIL_KEYS.deployer, don });
    const chain = { ...foundry, id: chainId };
    const admin = privateKeyToAccount(ANVIL_KEYS.deployer);
    const wallet = createWalletClient({ account: admin, chain, transport: http(anvil.rpcUrl) });
    const reader = createPublicClient({ chain, transport: http(anvil.rpcUrl) });
    const rpc = (method: string, params: unknown[] = []) => reader.request({ method: method as never, params: params as never }) as Promise<unknown>;
    const write = async (address: Hex, abi: readonly unknown[], functionName: string, args: readonly unknown[], key: Hex = ANVIL_KEYS.deployer) => {
      const account = privateKeyToAccount(key);
      const hash = await wallet.writeContract({ account, address, abi, functionName, args } as never);
      const receipt = await reader.waitForTransactionReceipt({ hash });
      if (receipt.status !== 'success') throw new Error(`${functionName} reverted in ${hash}`);
    };
    const installers = await testInstallers({ rpcUrl: anvil.rpcUrl, contracts: deployment });
    const report = (windowStart: number, energyWh: number | bigint) =>
      encodeWindowReport({
        windowStart,
        windowSeconds: WINDOW_SECONDS,
        root: keccak256(stringToHex(`root ${windowStart} ${energyWh}`)),
        cidDigest: keccak256(stringToHex(`cid ${windowStart} ${energyWh}`)),
        deviceCount: 1,
        readingCount: 2,
        energyWh,
      });
    const delivery = { rpcUrl: anvil.rpcUrl, forwarder: deployment.forwarder, receiver: deployment.dataLogger, ...don };
    const asChallenger = async (functionName: 'freezeDevice' | 'freezeTotals', args: readonly unknown[]) => {
      await freezeAsChallenger({ rpcUrl: anvil.rpcUrl, deployment, key: ANVIL_KEYS.deployer, functionName, args });
    };
    return {
      rpcUrl: anvil.rpcUrl,
      chainId,
      deployment,
      client: (transport) => createPublicClient({ chain, transport: transport ?? http(anvil.rpcUrl) }) as PublicClient,
      async recordWindow(k, energyWh = 1000 + k) {
        const windowStart = T0 + WINDOW_SECONDS * k;
        const result = await anchorKeystoneReport({ ...delivery, payload: report(windowStart, energyWh), executionSeed: seed++ });
        if (!result.ok) throw new Error(`window ${windowStart} not recorded: ${result.reason}`);
      },
      async commitWindow(k, energyWh = 1000 + k) {
        const windowStart = T0 + WINDOW_SECONDS * k;
        const payload = encodeCommitReport({ windowStart, cidDigest: keccak256(stringToHex(`cid ${windowStart} ${energyWh}`)) });
        const result = await submitKeystoneReport({ ...delivery, payload, executionSeed: seed++ });
        if (!result.ok) throw new Error(`window ${windowStart} not committed: ${result.reason}`);
      },
      async freezeDevice(k, deviceId, reason, evidence = keccak256(stringToHex(`evidence ${k} ${deviceId}`))) {
        await asChallenger('freezeDevice', [BigInt(T0 + WINDOW_SECONDS * k), toHex(deviceIdToBytes(deviceId)), reason, admin.address, evidence]);
        return admin.address;
      },
      freezeTotals: (k, reason) => asChallenger('freezeTotals', [BigInt(T0 + WINDOW_SECONDS * k), reason, admin.address]),
      async correctDevice(k, deviceId, summaryLeaf) {
        const windowStart = T0 + WINDOW_SECONDS * k;
        const payload = encodeCorrectionReport({
          windowStart,
          deviceId: toHex(deviceIdToBytes(deviceId)),
          summaryLeaf,
          cidDigest: keccak256(stringToHex(`correction ${windowStart} ${deviceId}`)),
        });
        const result = await submitKeystoneReport({ ...delivery, payload, executionSeed: seed++ });
        if (!result.ok) throw new Error(`device ${deviceId} in window ${windowStart} not corrected: ${result.reason}`);
      },
      installers,
      write,
      async register(deviceId, publicKeySeed = deviceId) {
        // Ed25519 (key type 2): any 32 bytes are accepted by the registry.
        await installers.certify([{ deviceId, keyType: KeyType.ED25519, publicKey: fromHex(keccak256(stringToHex(publicKeySeed))) }]);
      },
      revoke: async (deviceId, reason = 3) => (await installers.revoke(deviceId, reason)).revokedAt,
      async mine(blocks) {
        await rpc('anvil_mine', [`0x${blocks.toString(16)}`]);
      },
      blockNumber: () => reader.getBlockNumber({ cacheTime: 0 }),
      snapshot: () => rpc('evm_snapshot') as Promise<Hex>,
      async revert(id) {
        if ((await rpc('evm_revert', [id])) !== true) throw new Error(`evm_revert ${id} failed`);
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
