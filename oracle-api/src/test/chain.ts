/** A real chain for tests: anvil + contracts/script/Deploy.s.sol (forwarder, DeviceRegistry, DataLogger) and a registrar wallet. */
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { ANVIL_KEYS, deployContracts, localDon, startAnvil, type AnvilHandle, type Deployment, type DonConfig } from '@gridproof/test-support';
import { deviceIdToBytes, deviceRegistryAbi, toHex, type KeyType } from '@gridproof/protocol';
import { createPublicClient, createWalletClient, http } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';

export interface TestChain {
  rpcUrl: string;
  chainId: number;
  deployment: Deployment;
  /** The DON the deployment was made with (spread it into submitKeystoneReport). */
  don: DonConfig;
  register(deviceId: string, keyType: KeyType, publicKey: Uint8Array): Promise<void>;
  stop(): Promise<void>;
}

let next = 0;

/**
 * Starts anvil with a chain id of this process's own (34xxx–35xxx: not devnet's 31337 nor the
 * ids other suites use), so its contracts/deployments/<chainId>.json is its own; removed on stop.
 */
export async function startTestChain(): Promise<TestChain> {
  const chainId = 34_000 + ((process.pid * 4 + next++) % 2000);
  const anvil: AnvilHandle = await startAnvil({ chainId });
  const don = localDon();
  const deploymentFile = fileURLToPath(new URL(`../../../contracts/deployments/${chainId}.json`, import.meta.url));
  try {
    const deployment = await deployContracts({ rpcUrl: anvil.rpcUrl, chainId, deployerKey: ANVIL_KEYS.deployer, don });
    const chain = { ...foundry, id: chainId };
    const admin = privateKeyToAccount(ANVIL_KEYS.deployer);
    const wallet = createWalletClient({ account: admin, chain, transport: http(anvil.rpcUrl) });
    const reader = createPublicClient({ chain, transport: http(anvil.rpcUrl) });
    return {
      rpcUrl: anvil.rpcUrl,
      chainId,
      deployment,
      don,
      async register(deviceId, keyType, publicKey) {
        const hash = await wallet.writeContract({
          address: deployment.deviceRegistry,
          abi: deviceRegistryAbi,
          functionName: 'registerDevice',
          args: [toHex(deviceIdToBytes(deviceId)), keyType, toHex(publicKey), admin.address],
        });
        await reader.waitForTransactionReceipt({ hash });
      },
      async stop() {
        await anvil.stop();
        await rm(deploymentFile, { force: true });
      },
    };
  } catch (err) {
    await anvil.stop();
    await rm(deploymentFile, { force: true });
    throw err;
  }
}
