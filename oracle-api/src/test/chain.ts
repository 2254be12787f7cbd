/** A real chain for tests: anvil + contracts/script/Deploy.s.sol and the deployer as company, installer admin and electrician. */
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import {
  ANVIL_KEYS,
  deployContracts,
  localDon,
  startAnvil,
  testInstallers,
  type AnvilHandle,
  type Deployment,
  type DonConfig,
  type TestInstallers,
} from '@gridproof/test-support';
import type { DeviceRole, KeyType } from '@gridproof/protocol';

export interface TestChain {
  rpcUrl: string;
  chainId: number;
  deployment: Deployment;
  /** The DON the deployment was made with (spread it into submitKeystoneReport). */
  don: DonConfig;
  installers: TestInstallers;
  /** Certifies the device (default role production) as the test organisation's electrician. */
  register(deviceId: string, keyType: KeyType, publicKey: Uint8Array, role?: DeviceRole): Promise<void>;
  /** Revokes it as the organisation's admin (default reason 2, key compromised); resolves the chain's revokedAt. */
  revoke(deviceId: string, reason?: number): Promise<number>;
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
    const installers = await testInstallers({ rpcUrl: anvil.rpcUrl, contracts: deployment });
    return {
      rpcUrl: anvil.rpcUrl,
      chainId,
      deployment,
      don,
      installers,
      async register(deviceId, keyType, publicKey, role) {
        await installers.certify([{ deviceId, keyType, publicKey, role }]);
      },
      revoke: async (deviceId, reason = 2) => (await installers.revoke(deviceId, reason)).revokedAt,
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
