import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createPublicClient, http, keccak256, numberToHex, stringToHex } from 'viem';
import { fromHex } from '@gridproof/protocol';
import { startOracleApi, type Logger } from '@gridproof/oracle-api';
import { createFleet, meterLinkKeys, runFleet, type FleetHandle } from '@gridproof/simulator';
import { startGateway } from '@gridproof/gateway';
import {
  ANVIL_KEYS,
  buildContracts,
  deployContracts,
  freePort,
  localDon,
  serveDapp,
  startAnvil,
  type AnvilHandle,
  type Deployment,
  type DonConfig,
} from '@gridproof/test-support';
import { ensureWorkflowBundle } from '@gridproof/functions-source/quickjs';
import { DEFAULT_BUNDLE_FILE, LocalCreDon } from './creDon.js';
import { ensureDappBuild } from './dappBuild.js';
import { DEFAULT_DATA_DIR, REPO_ROOT } from './env.js';
import type { FunctionsPath } from './functionsPath.js';
import { installFleet, pinInstallationDocuments, type DevnetInstallation } from './installation.js';

/**
 * anvil's `--slots-in-an-epoch` on devnet. Its `finalized` tag trails the head by 2 × this many blocks: 2 blocks here
 * (anvil's default, 32, gives 64), and devnet mines a block every DON or Automation tick (2 s). So the DON reads the
 * registry at the same `finalized` depth as on a live network, and a window is still recorded a few seconds after its seal.
 */
export const DEVNET_SLOTS_IN_AN_EPOCH = 1;

export interface DevnetOptions {
  /** Window length, s (must divide 3600). Devnet default 60. */
  windowSeconds?: number;
  sealGraceSeconds?: number;
  fleetSize?: number;
  readingIntervalSeconds?: number;
  donTickSeconds?: number;
  /** 0 = any free port. */
  ports?: { anvil?: number; api?: number; dapp?: number };
  chainId?: number;
  /**
   * The data folder (default `.devnet/` at the repo root). The API's PGlite database and blockstore go
   * to `<dataDir>/api`, emptied at every start (each start is a fresh chain).
   */
  dataDir?: string;
  /** Start the oracle (tests may run their own). */
  don?: boolean;
  /**
   * Which oracle path anchors windows: `cre` (default; the local DON through the KeystoneForwarder)
   * or `functions` (local Automation runner → FunctionsWindowAnchor → local Functions DON → DataLogger.recordWindow).
   * With `don: false` the functions path is still deployed (anchor, recorder, subscription) but not started.
   */
  oracle?: 'cre' | 'functions';
  /**
   * How meters reach the API: `gateway-mqtt` (default: encrypted sessions to a fog gateway,
   * which publishes every signed reading unchanged to the API's MQTT broker) or `http` (meters
   * POST straight to the API).
   */
  meterPath?: 'gateway-mqtt' | 'http';
  /** Serve the dApp (rebuilt first when dapp/build is missing or older than a dApp source or config). */
  dapp?: boolean;
  log?: (component: string, line: string) => void;
}

export interface Devnet {
  urls: { rpc: string; api: string; gateway: string; dapp?: string; mqtt?: string; fogGateway?: string };
  meterPath: 'gateway-mqtt' | 'http';
  deployment: Deployment;
  chainId: number;
  windowSeconds: number;
  sealDelaySeconds: number;
  oracle: 'cre' | 'functions';
  /** The local CRE DON running the real workflow (`oracle: 'cre'` with `don` on). */
  don?: LocalCreDon;
  /** The Functions path, when `oracle: 'functions'`. */
  functions?: FunctionsPath;
  fleet: FleetHandle;
  /** The fleet's owners (company identities), the installer organisation that certified it, their dev accounts. */
  installation: DevnetInstallation;
  /** Everything a second DON (or a test) needs to talk to the same forwarder. */
  donConfig: DonConfig;
  stop(): Promise<void>;
}

/** The API's structured log as devnet lines: `message key=value …`. */
function apiLogger(write: (line: string) => void): Logger {
  const line = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    write(
      `${level}${message}${
        fields
          ? ` ${Object.entries(fields)
              .map(([k, v]) => `${k}=${v}`)
              .join(' ')}`
          : ''
      }`,
    );
  return { info: line(''), warn: line('WARN '), error: line('ERROR ') };
}

/**
 * Brings the whole system up locally: anvil, Chainlink's KeystoneForwarder configured with a
 * local DON, the GridProof contracts, the oracle API (PGlite, local blockstore + gateway), the
 * simulated fleet registered on chain, the local DON and the dApp.
 */
export async function startDevnet(o: DevnetOptions = {}): Promise<Devnet> {
  const log = o.log ?? ((c, l) => console.log(`[${c}] ${l}`));
  const windowSeconds = o.windowSeconds ?? 60;
  const sealGraceSeconds = o.sealGraceSeconds ?? 3;
  const sealDelaySeconds = sealGraceSeconds + 2;
  const chainId = o.chainId ?? 31337;
  const stops: (() => Promise<void> | void)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await Promise.resolve(s()).catch(() => {});
  };

  try {
    const oracle = o.oracle ?? 'cre';
    if (oracle !== 'cre' && oracle !== 'functions') throw new Error(`oracle must be "cre" or "functions", got ${String(oracle)}`);
    // Builds that take seconds run while the chain comes up; a failure surfaces where the result is used.
    const buildDapp = o.dapp !== false ? ensureDappBuild((l) => log('dapp', l)) : Promise.resolve();
    const bundle = oracle === 'cre' && o.don !== false ? ensureWorkflowBundle(DEFAULT_BUNDLE_FILE, (l) => log('don', l)) : undefined;
    buildDapp.catch(() => {});
    bundle?.catch(() => {});
    const [anvilPort, apiPort, dappPort] = await Promise.all([o.ports?.anvil ?? freePort(), o.ports?.api ?? freePort(), o.ports?.dapp ?? freePort()]);
    // Where the dApp is served (also without the dApp: the API's sign-in is configured for it either way).
    const dappOrigin = `http://127.0.0.1:${dappPort}`;
    const [anvil] = await Promise.all([
      startAnvil({ port: anvilPort, chainId, slotsInAnEpoch: DEVNET_SLOTS_IN_AN_EPOCH, log: (l) => log('anvil', l) }) as Promise<AnvilHandle>,
      buildContracts((l) => log('forge', l)),
    ]);
    stops.push(() => anvil.stop());
    log('anvil', `chain ${chainId} at ${anvil.rpcUrl}`);

    const donConfig = localDon();
    const deployment = await deployContracts({
      rpcUrl: anvil.rpcUrl,
      chainId,
      deployerKey: ANVIL_KEYS.deployer,
      don: donConfig,
      windowSeconds,
      log: (l) => log('forge', l),
    });
    log('contracts', `KeystoneForwarder ${deployment.forwarder}, DeviceRegistry ${deployment.deviceRegistry}, DataLogger ${deployment.dataLogger}`);

    // The fleet's owners, its installer organisation and the certification of every meter by its electrician.
    const fleetSpec = { size: o.fleetSize ?? 20, seed: 'gridproof-devnet' };
    const installation = await installFleet({
      rpcUrl: anvil.rpcUrl,
      contracts: deployment,
      fleet: createFleet(fleetSpec),
      log: (l) => log('contracts', l),
    });
    // The DON reads the registry at the finalized block: mine past the finality depth so the fleet is final from the
    // start (a live chain gets there by itself; anvil only mines on transactions and the DON's ticks).
    const publicClient = createPublicClient({ transport: http(anvil.rpcUrl) });
    await publicClient.request({ method: 'anvil_mine' as never, params: [numberToHex(2 * DEVNET_SLOTS_IN_AN_EPOCH)] as never });
    log('contracts', `fleet of ${fleetSpec.size} meters final at block ${(await publicClient.getBlock({ blockTag: 'finalized' })).number}`);

    const dataDir = o.dataDir ?? DEFAULT_DATA_DIR;
    const apiDataDir = join(dataDir, 'api');
    rmSync(apiDataDir, { recursive: true, force: true });
    mkdirSync(apiDataDir, { recursive: true });
    const api = await startOracleApi({
      host: '127.0.0.1',
      port: apiPort,
      dataDir: apiDataDir,
      rpcUrl: anvil.rpcUrl,
      deviceRegistryAddress: deployment.deviceRegistry,
      dataLoggerAddress: deployment.dataLogger,
      windowSeconds,
      sealGraceSeconds,
      // Sign-In with Ethereum as the dApp does it: from the dApp's origin, which may send the session cookie.
      auth: { siweDomain: new URL(dappOrigin).host, siweUri: `${dappOrigin}/`, allowedOrigins: [dappOrigin], chainId },
      logger: apiLogger((line) => log('api', line)),
    });
    stops.push(() => api.close());
    log('api', `oracle API at ${api.url} (data in ${apiDataDir})`);
    // The profiles and member lists the chain names, pinned by their authors through the API.
    const siwe = { domain: new URL(dappOrigin).host, uri: `${dappOrigin}/`, chainId };
    for (const pin of await pinInstallationDocuments({ apiUrl: api.url, siwe, documents: installation.documents })) {
      log('api', `pinned the ${pin.what}: ${pin.cid}`);
    }

    const meterPath = o.meterPath ?? 'gateway-mqtt';
    let gateway: Awaited<ReturnType<typeof startGateway>> | undefined;
    if (meterPath === 'gateway-mqtt') {
      if (!api.mqtt) throw new Error('the gateway path needs the API MQTT broker');
      gateway = await startGateway({
        apiUrl: api.url,
        identityKey: fromHex(keccak256(stringToHex('gridproof devnet gateway'))),
        meters: meterLinkKeys(createFleet(fleetSpec)),
        port: 0,
        mqtt: { url: api.mqtt.url },
      });
      stops.push(() => gateway!.close());
      log('gateway', `fog gateway at ${gateway.url} → MQTT ${api.mqtt.url} (aggregates: ${gateway.url}/v1/aggregates)`);
    } else if (meterPath !== 'http') throw new Error(`meterPath must be "gateway-mqtt" or "http", got ${String(meterPath)}`);

    // The fleet reports refusals as they happen, and its throughput once a minute.
    let posted = 0;
    let lastReport = Date.now();
    const fleet = runFleet({
      apiUrl: api.url,
      gateways: gateway ? [{ url: gateway.url, publicKey: gateway.publicKey }] : undefined,
      intervalSeconds: o.readingIntervalSeconds ?? 10,
      ...fleetSpec,
      log: (l) => {
        const m = /^posted (\d+) reading/.exec(l);
        if (!m) return log('meters', l);
        posted += Number(m[1]);
        if (Date.now() - lastReport < 60_000) return;
        log('meters', `${posted} signed readings accepted in the last ${Math.round((Date.now() - lastReport) / 1000)} s`);
        posted = 0;
        lastReport = Date.now();
      },
    });
    stops.push(() => fleet.stop());

    let don: LocalCreDon | undefined;
    let functions: FunctionsPath | undefined;
    if (oracle === 'functions') {
      // Loaded only on this path: it brings the Functions toolkit (ethers v5, Deno) that the CRE path never needs.
      const { startFunctionsPath } = await import('./functionsPath.js');
      functions = await startFunctionsPath({
        rpcUrl: anvil.rpcUrl,
        apiUrl: api.url,
        deployment,
        deployerKey: ANVIL_KEYS.deployer,
        windowSeconds,
        sealDelaySeconds,
        run: o.don !== false,
        log,
      });
      stops.push(() => functions!.stop());
    } else if (o.don !== false) {
      don = await LocalCreDon.create({
        bundleSource: (await bundle!).source,
        rpcUrl: anvil.rpcUrl,
        apiUrl: api.url,
        ...deployment,
        ...donConfig,
        windowSeconds,
        sealDelaySeconds,
        tickSeconds: o.donTickSeconds ?? 2,
        log: (l) => log('don', l),
      });
      stops.push(() => don!.close());
      don.start();
    }

    let dappUrl: string | undefined;
    if (o.dapp !== false) {
      await buildDapp;
      const { url, server } = await serveDapp({
        dir: join(REPO_ROOT, 'dapp/build'),
        port: dappPort,
        config: {
          chainId,
          rpcUrl: anvil.rpcUrl,
          apiUrl: api.url,
          gatewayUrl: api.url,
          deviceRegistry: deployment.deviceRegistry,
          dataLogger: deployment.dataLogger,
          companyIdentity: deployment.companyIdentity,
          installerRegistry: deployment.installerRegistry,
          startBlock: deployment.startBlock,
        },
      });
      stops.push(() => new Promise<void>((r) => server.close(() => r())));
      dappUrl = url;
    }

    return {
      urls: { rpc: anvil.rpcUrl, api: api.url, gateway: `${api.url}/ipfs`, dapp: dappUrl, mqtt: api.mqtt?.url, fogGateway: gateway?.url },
      meterPath,
      deployment,
      chainId,
      windowSeconds,
      sealDelaySeconds,
      oracle,
      don,
      functions,
      fleet,
      installation,
      donConfig,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
