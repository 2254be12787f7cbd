import { createChainReader, fetchBlock, type ChainReader } from './chain.js';
import { loadAppConfig, type AppConfig } from './config.js';
import type { VerificationSources } from './verify.js';
import { createWagmiConfig } from './wagmi.js';

export interface App {
  config: AppConfig;
  chain: ChainReader;
  /** Chain and gateway wired for `verifyReading`. */
  sources: VerificationSources;
}

let app: Promise<App> | undefined;

/** Loads config.json once per page load and wires the chain reader and the gateway. */
export function getApp(): Promise<App> {
  app ??= (async () => {
    const config = await loadAppConfig({ location: new URL(window.location.href) });
    const chain = createChainReader(createWagmiConfig(config), config);
    const sources: VerificationSources = {
      readWindow: chain.readWindow,
      readDevice: chain.readDevice,
      readDeviceFreeze: chain.readDeviceFreeze,
      verifyOnChain: chain.verifyOnChain,
      fetchDocument: (cid) => fetchBlock(config.gatewayUrl, cid),
    };
    return { config, chain, sources };
  })();
  return app;
}
