import { isAddress, type Address } from 'viem';
import { InvalidAppConfigError } from './errors.js';

/** Runtime configuration: `config.json` next to index.html, so one IPFS build serves any network. */
export interface AppConfig {
  chainId: number;
  rpcUrl: string;
  apiUrl: string;
  gatewayUrl: string;
  deviceRegistry: Address;
  dataLogger: Address;
  /** CompanyIdentity (deployment key `companyIdentity`): the Company page needs it; the verification pages do not. */
  companyIdentity?: Address;
  /** InstallerRegistry (deployment key `installerRegistry`): the Company (trust list) and Installers pages need it. */
  installerRegistry?: Address;
  /** The deployment's first block (contracts/deployments/<chainId>.json `startBlock`), where the lists' events start; omitted, it is found on chain once. */
  startBlock?: number;
}

export interface LoadAppConfigParameters {
  /** Page URL; `?rpc=&api=&gateway=` (before or inside the `#/…` hash) override the file. */
  location: URL;
  fetch?: typeof fetch;
}

const trimSlash = (url: string) => url.replace(/\/+$/, '');

/**
 * Reads `./config.json` relative to the page and applies query overrides.
 * @example const config = await loadAppConfig({ location: new URL(window.location.href) });
 */
export async function loadAppConfig({ location, fetch: fetchFn = fetch }: LoadAppConfigParameters): Promise<AppConfig> {
  const url = new URL('config.json', location.href.split('#')[0].split('?')[0]);
  let raw: Record<string, unknown>;
  try {
    const response = await fetchFn(url, { cache: 'no-store' });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    raw = await response.json();
  } catch (cause) {
    throw new InvalidAppConfigError(`Cannot read ${url.href}: ${(cause as Error).message}`, { cause });
  }
  const query = new URLSearchParams(location.search);
  const hashQuery = location.hash.includes('?') ? new URLSearchParams(location.hash.slice(location.hash.indexOf('?') + 1)) : null;
  const override = (key: string) => hashQuery?.get(key) || query.get(key) || undefined;
  const config = {
    chainId: Number(raw.chainId),
    rpcUrl: override('rpc') ?? raw.rpcUrl,
    apiUrl: override('api') ?? raw.apiUrl,
    gatewayUrl: override('gateway') ?? raw.gatewayUrl,
    deviceRegistry: raw.deviceRegistry,
    dataLogger: raw.dataLogger,
    companyIdentity: raw.companyIdentity,
    installerRegistry: raw.installerRegistry,
    startBlock: raw.startBlock,
  };
  if (!Number.isSafeInteger(config.chainId) || config.chainId <= 0) throw new InvalidAppConfigError(`config.json: chainId must be a positive integer.`);
  for (const key of ['rpcUrl', 'apiUrl', 'gatewayUrl'] as const) {
    if (typeof config[key] !== 'string' || !/^https?:\/\//.test(config[key] as string)) {
      throw new InvalidAppConfigError(`config.json: ${key} must be an http(s) URL.`, { details: { [key]: config[key] } });
    }
  }
  for (const key of ['deviceRegistry', 'dataLogger'] as const) {
    if (typeof config[key] !== 'string' || !isAddress(config[key] as string)) {
      throw new InvalidAppConfigError(`config.json: ${key} must be an address.`, { details: { [key]: config[key] } });
    }
    if (/^0x0{40}$/.test(config[key] as string)) {
      throw new InvalidAppConfigError(`config.json: ${key} is not set (zero address); write the deployment's addresses into config.json.`);
    }
  }
  for (const key of ['companyIdentity', 'installerRegistry'] as const) {
    if (config[key] !== undefined && (typeof config[key] !== 'string' || !isAddress(config[key] as string) || /^0x0{40}$/.test(config[key] as string))) {
      throw new InvalidAppConfigError(`config.json: ${key} must be a non-zero address when given.`, { details: { [key]: config[key] } });
    }
  }
  if (config.startBlock !== undefined && !(Number.isSafeInteger(config.startBlock) && (config.startBlock as number) >= 0)) {
    throw new InvalidAppConfigError(`config.json: startBlock must be a non-negative integer when given.`, { details: { startBlock: config.startBlock } });
  }
  return {
    chainId: config.chainId,
    rpcUrl: config.rpcUrl as string,
    apiUrl: trimSlash(config.apiUrl as string),
    gatewayUrl: trimSlash(config.gatewayUrl as string),
    deviceRegistry: config.deviceRegistry as Address,
    dataLogger: config.dataLogger as Address,
    ...(config.companyIdentity === undefined ? {} : { companyIdentity: config.companyIdentity as Address }),
    ...(config.installerRegistry === undefined ? {} : { installerRegistry: config.installerRegistry as Address }),
    ...(config.startBlock === undefined ? {} : { startBlock: config.startBlock as number }),
  };
}
