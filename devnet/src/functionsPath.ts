import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { createPublicClient, createWalletClient, encodeFunctionData, http, keccak256, stringToBytes, type Abi, type Address, type Hex } from 'viem';
import { privateKeyToAccount, privateKeyToAddress } from 'viem/accounts';
import { dataLoggerAbi } from '@gridproof/protocol';
import { buildFunctionsSource, DEFAULT_FUNCTIONS_SETTINGS } from '@gridproof/functions-source/functions';
import { freePort, timelockCall, type Deployment } from '@gridproof/test-support';
import { LocalFunctionsDon } from './functionsDon.js';
import { AutomationRunner } from './automation.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** anvil dev account #3 (public test mnemonic): plays the Automation forwarder on devnet. */
export const AUTOMATION_FORWARDER_KEY: Hex = '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6';

export interface StartFunctionsPathParameters {
  rpcUrl: string;
  apiUrl: string;
  deployment: Deployment;
  /** Proposer of the timelock that owns the DataLogger (sets the recorder and source hash), deploys the Functions contracts and the anchor. */
  deployerKey: Hex;
  windowSeconds: number;
  sealDelaySeconds: number;
  /** Seconds before an unanswered or failed request is retried (default 30). */
  retryAfterSeconds?: number;
  /** Start the Automation runner and the Functions DON ticking (default true). */
  run?: boolean;
  automationTickSeconds?: number;
  log?: (component: string, line: string) => void;
}

export interface FunctionsPath {
  anchor: Address;
  router: Address;
  coordinator: Address;
  subscriptionId: bigint;
  codeUrl: string;
  functionsDon: LocalFunctionsDon;
  automation: AutomationRunner;
  stop(): Promise<void>;
}

/** The forge artifact of FunctionsWindowAnchor (compiled by buildContracts with the rest of contracts/src). */
async function anchorArtifact(): Promise<{ abi: Abi; bytecode: Hex }> {
  const a = JSON.parse(await readFile(`${ROOT}contracts/out/FunctionsWindowAnchor.sol/FunctionsWindowAnchor.json`, 'utf8'));
  return { abi: a.abi, bytecode: a.bytecode.object };
}

/**
 * The second oracle path on devnet: Automation → Functions → DataLogger. Serves the Functions
 * verifier bundle over HTTP (the inline source pins its SHA-256), deploys the toolkit's Functions
 * contracts with a funded subscription, deploys FunctionsWindowAnchor with the built source, makes
 * it the DataLogger's recorder, and starts the local Automation runner and Functions DON.
 */
export async function startFunctionsPath(p: StartFunctionsPathParameters): Promise<FunctionsPath> {
  const log = p.log ?? ((c, l) => console.log(`[${c}] ${l}`));
  const stops: (() => Promise<void> | void)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await Promise.resolve(s()).catch(() => {});
  };
  try {
    // 1. The code host. Any host works (IPFS, the API, a CDN): the loader refuses bytes of another hash.
    let bundle: Uint8Array = new Uint8Array();
    const codeServer: Server = createServer((req, res) => {
      if (req.url === '/functions/bundle.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
      res.writeHead(404).end();
    });
    const port = await freePort();
    await new Promise<void>((r) => codeServer.listen(port, '127.0.0.1', r));
    stops.push(() => new Promise<void>((r) => codeServer.close(() => r())));
    const codeUrl = `http://127.0.0.1:${port}/functions/bundle.js`;
    const built = await buildFunctionsSource({ codeUrl });
    bundle = built.bundle;

    // 2. The Functions contracts and the DON. Its secrets: the chain's RPC, so the source reads the registry at its
    // default `finalized` block (devnet's anvil finalizes 2 blocks behind the head), as on a live network, and the
    // DataLogger, so a record request checks the committed digest (getCommitment) before verifying.
    const functionsDon = await LocalFunctionsDon.deploy({
      rpcUrl: p.rpcUrl,
      deployerKey: p.deployerKey,
      secrets: { rpcUrl: p.rpcUrl, dataLogger: p.deployment.dataLogger },
      log: (l) => log('functions', l),
    });
    const subscriptionId = await functionsDon.createSubscription([]);

    // 3. The anchor (upkeep + Functions consumer), recorder of the DataLogger.
    const publicClient = createPublicClient({ transport: http(p.rpcUrl) });
    const admin = createWalletClient({ account: privateKeyToAccount(p.deployerKey), transport: http(p.rpcUrl) });
    const { abi, bytecode } = await anchorArtifact();
    const forwarder = privateKeyToAddress(AUTOMATION_FORWARDER_KEY);
    const deployTx = await admin.deployContract({
      chain: null,
      abi,
      bytecode,
      args: [
        admin.account.address,
        functionsDon.contracts.router,
        p.deployment.dataLogger,
        {
          subscriptionId,
          callbackGasLimit: 300_000,
          donId: functionsDon.contracts.donId,
          windowSeconds: p.windowSeconds,
          sealDelaySeconds: p.sealDelaySeconds,
          retryAfterSeconds: p.retryAfterSeconds ?? 30,
          deviceRegistry: p.deployment.deviceRegistry,
          apiUrl: p.apiUrl,
        },
        built.source,
        forwarder,
      ],
    });
    const anchor = (await publicClient.waitForTransactionReceipt({ hash: deployTx })).contractAddress as Address;
    await functionsDon.addConsumer(subscriptionId, anchor);
    // The logger is owned by the deployment's TimelockController: the recorder and the pinned Functions source hash
    // (recordWindow accepts answers of that source only) change through it (delay 0 on devnet).
    for (const data of [
      encodeFunctionData({ abi: dataLoggerAbi, functionName: 'setRecorder', args: [anchor] }),
      encodeFunctionData({ abi: dataLoggerAbi, functionName: 'setFunctionsSourceHash', args: [keccak256(stringToBytes(built.source))] }),
    ]) {
      await timelockCall({ rpcUrl: p.rpcUrl, timelock: p.deployment.timelock, proposerKey: p.deployerKey, target: p.deployment.dataLogger, data });
    }
    log(
      'functions',
      `FunctionsWindowAnchor ${anchor} (router ${functionsDon.contracts.router}, subscription ${subscriptionId}); source ${built.source.length} B loads ${bundle.length} B bundle sha256 ${built.bundleSha256.slice(0, 16)}… (sampling above ${DEFAULT_FUNCTIONS_SETTINGS.samplingThreshold} readings)`,
    );

    // 4. Automation → performUpkeep → Functions request → local DON → fulfillRequest → DataLogger.recordWindow.
    const automation = new AutomationRunner({
      rpcUrl: p.rpcUrl,
      upkeep: anchor,
      forwarderKey: AUTOMATION_FORWARDER_KEY,
      mineBlocks: true,
      log: (l) => log('automation', l),
    });
    if (p.run !== false) {
      automation.start(p.automationTickSeconds ?? 2);
      functionsDon.start(1);
      stops.push(() => automation.stop());
      stops.push(() => functionsDon.stop());
    }
    return {
      anchor,
      router: functionsDon.contracts.router,
      coordinator: functionsDon.contracts.coordinator,
      subscriptionId,
      codeUrl,
      functionsDon,
      automation,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
