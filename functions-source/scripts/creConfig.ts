// Writes functions-source/config.<network>.json for the CRE workflow from the Foundry deployment
// (contracts/deployments/<chainId>.json) and the network config (contracts/script/networks/<network>.json),
// so no address is ever copied by hand. Usage: npm run cre:config -w functions-source -- <network> <apiUrl>
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseWorkflowConfig } from '../src/workflow/config.js';

/** CRE chain-selector names of the networks the deploy scripts know. */
export const CRE_CHAIN_NAMES: Record<string, string> = {
  anvil: 'anvil-devnet',
  sepolia: 'ethereum-testnet-sepolia',
  'base-sepolia': 'ethereum-testnet-sepolia-base-1',
  'avalanche-fuji': 'avalanche-testnet-fuji',
};

export function creConfigFor(args: { network: string; apiUrl: string; root: string; windowSeconds?: number }) {
  const chainSelectorName = CRE_CHAIN_NAMES[args.network];
  if (!chainSelectorName) throw new Error(`Unknown network "${args.network}" (known: ${Object.keys(CRE_CHAIN_NAMES).join(', ')}).`);
  const network = JSON.parse(readFileSync(`${args.root}/contracts/script/networks/${args.network}.json`, 'utf8')) as { chainId: number };
  const deploymentFile = `${args.root}/contracts/deployments/${network.chainId}.json`;
  let deployment: { deviceRegistry: string; dataLogger: string };
  try {
    deployment = JSON.parse(readFileSync(deploymentFile, 'utf8'));
  } catch {
    throw new Error(`No deployment at ${deploymentFile}: run contracts/script/Deploy.s.sol with NETWORK=${args.network} first.`);
  }
  const windowSeconds = args.windowSeconds ?? 300;
  const config = {
    schedule: '*/30 * * * * *',
    apiUrl: args.apiUrl,
    windowSeconds,
    sealDelaySeconds: 30,
    chainSelectorName,
    deviceRegistryAddress: deployment.deviceRegistry,
    dataLoggerAddress: deployment.dataLogger,
    gasLimit: '600000',
    registryBlock: 'finalized',
  };
  parseWorkflowConfig(config); // refuse to write anything the workflow would refuse at start
  return config;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [network, apiUrl, windowSeconds] = process.argv.slice(2);
  if (!network || !apiUrl) {
    console.error('usage: npm run cre:config -w functions-source -- <network> <apiUrl> [windowSeconds]');
    process.exit(2);
  }
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const config = creConfigFor({ network, apiUrl, root, windowSeconds: windowSeconds ? Number(windowSeconds) : undefined });
  const out = `${root}functions-source/config.${network}.json`;
  writeFileSync(out, `${JSON.stringify(config, null, 2)}\n`);
  console.log(`wrote ${out}`);
}
