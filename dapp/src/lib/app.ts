import type { Config } from '@wagmi/core';
import { createChainReader, fetchBlock, type ChainReader } from './chain.js';
import { loadAppConfig, type AppConfig } from './config.js';
import type { VerificationSources } from './verify.js';
import { createSessionApi, type SessionApi } from './session.js';
import { createWagmiConfig } from './wagmi.js';

export interface App {
  config: AppConfig;
  chain: ChainReader;
  /** The one wagmi config: reads over config.json's RPC, writes and signatures through the injected wallet. */
  wagmi: Config;
  /** Sign-In with Ethereum and pinning through the oracle API (credentialed). */
  session: SessionApi;
  /** Chain and gateway wired for `verifyReading`. */
  sources: VerificationSources;
}

let app: Promise<App> | undefined;

/** Loads config.json once per page load and wires the chain reader and the gateway. */
export function getApp(): Promise<App> {
  app ??= (async () => {
    const config = await loadAppConfig({ location: new URL(window.location.href) });
    const wagmi = createWagmiConfig(config);
    const chain = createChainReader(wagmi, config);
    const sources: VerificationSources = {
      readWindow: chain.readWindow,
      readDevice: chain.readDevice,
      readDeviceFreeze: chain.readDeviceFreeze,
      verifyOnChain: chain.verifyOnChain,
      fetchDocument: (cid) => fetchBlock(config.gatewayUrl, cid),
    };
    return { config, chain, wagmi, session: createSessionApi(config.apiUrl), sources };
  })();
  return app;
}
