import { createConfig, http, injected, type Config } from '@wagmi/core';
import { defineChain, type Transport } from 'viem';
import type { AppConfig } from './config.js';

/**
 * The app's one wagmi config. The chain is only known at run time (config.json), so it is
 * built once from the loaded configuration. Reads go through `transport` (the RPC of config.json, never the
 * wallet's); the one connector is the injected EIP-1193 wallet (`window.ethereum`), used only for signing
 * (Company and Installers pages): reading and verifying need no wallet.
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
    connectors: [injected({ shimDisconnect: true })],
    multiInjectedProviderDiscovery: false,
    transports: { [chain.id]: transport },
  });
}
