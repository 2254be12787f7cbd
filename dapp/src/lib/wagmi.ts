import { createConfig, http, type Config } from '@wagmi/core';
import { defineChain, type Transport } from 'viem';
import type { AppConfig } from './config.js';

/**
 * The app's one wagmi config. The chain is only known at run time (config.json), so it is
 * built once from the loaded configuration. No connectors: reading and verifying need no wallet.
 * `transport` replaces the default batched HTTP one (tests count requests through it).
 * @example const wagmi = createWagmiConfig(appConfig); await readContract(wagmi, {...});
 */
export function createWagmiConfig(app: AppConfig, transport: Transport = http(app.rpcUrl, { batch: true })): Config {
  const chain = defineChain({
    id: app.chainId,
    name: app.chainId === 31337 ? 'Local devnet' : `Chain ${app.chainId}`,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [app.rpcUrl] } },
  });
  return createConfig({
    chains: [chain],
    connectors: [],
    multiInjectedProviderDiscovery: false,
    transports: { [chain.id]: transport },
  });
}
