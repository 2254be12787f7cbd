// What other packages need of the contracts: their ABIs (generated from Foundry output by
// scripts/generate-abis.ts) and the addresses of a deployment (written by script/Deploy.s.sol).
// Tooling to start anvil and deploy lives in the private @gridproof/test-support workspace.
import { readFile } from 'node:fs/promises';
import type { Address } from 'viem';

export {
  companyIdentityAbi,
  dataLoggerAbi,
  deviceRegistryAbi,
  functionsWindowAnchorAbi,
  installerRegistryAbi,
  keystoneForwarderAbi,
  timelockControllerAbi,
  windowChallengerAbi,
} from '@gridproof/protocol';

/** contracts/deployments/<chainId>.json, as script/Deploy.s.sol writes it. */
export interface Deployment {
  chainId: number;
  forwarder: Address;
  /** The soulbound CompanyIdentity (ERC-1155): a meter's owner must hold one. */
  companyIdentity: Address;
  /** The InstallerRegistry: organisations whose electricians certify meters and whose admins revoke them. */
  installerRegistry: Address;
  deviceRegistry: Address;
  dataLogger: Address;
  windowChallenger: Address;
  functionsAnchor: Address;
  /** The TimelockController that owns the DataLogger (and the anchor): every configuration change goes through it. */
  timelock: Address;
  /** The window length the DataLogger fixed at deployment. */
  windowSeconds: number;
  /** The block of the first deployment transaction: where event indexing starts. */
  startBlock: number;
}

/** Path of the deployment file for `chainId`. */
export function deploymentPath(chainId: number): string {
  return new URL(`./deployments/${chainId}.json`, import.meta.url).pathname;
}

/** Reads the addresses of the deployment on `chainId` (throws ENOENT when the chain has none). */
export async function readDeployment(chainId: number): Promise<Deployment> {
  return JSON.parse(await readFile(deploymentPath(chainId), 'utf8')) as Deployment;
}
