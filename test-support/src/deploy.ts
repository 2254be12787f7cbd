import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createPublicClient, createWalletClient, encodeFunctionData, http, keccak256, toHex, zeroHash, type Address, type Hex } from 'viem';
import { privateKeyToAccount, privateKeyToAddress } from 'viem/accounts';
import { dataLoggerAbi, readDeployment, timelockControllerAbi, type Deployment } from '@gridproof/contracts';
import { localDon, type DonConfig } from './devKeys.js';

export type { Deployment };

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface DeployParameters {
  rpcUrl: string;
  chainId: number;
  deployerKey: Hex;
  /** The DON the new forwarder accepts and the workflow the DataLogger accepts (default: `localDon()`). */
  don?: Pick<DonConfig, 'nodeKeys' | 'f' | 'donId' | 'configVersion' | 'identity'>;
  /** Window length in seconds, fixed for good in the DataLogger (Deploy.s.sol `WINDOW_SECONDS`, default 300): pass the length the API seals and the DON reports, or every report is refused. */
  windowSeconds?: number;
  /**
   * TIMELOCK_DELAY of Deploy.s.sol: how long a configuration change waits in the TimelockController that ends up
   * owning the logger. Default 0 here (local chains: the devnet re-points the recorder right after deploying); the
   * script's own default, for live networks, is 2 days.
   */
  timelockDelaySeconds?: number;
  log?: (line: string) => void;
}

function run(cmd: string, args: string[], env: Record<string, string>, log: (l: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('exit', (code) => {
      if (code === 0) return resolve();
      log(output);
      reject(new Error(`${cmd} ${args.slice(0, 2).join(' ')} exited with ${code}:\n${output.slice(-4000)}`));
    });
  });
}

/** Compiles the contracts and deploy scripts once (forge caches); tests are left to `forge test`. Runs forge through contracts/bin/forge: the npm bin exits 0 even when forge fails. */
export function buildContracts(log: (l: string) => void = () => {}): Promise<void> {
  return run(`${ROOT}contracts/bin/forge`, ['build', '--skip', 'test'], {}, log);
}

/**
 * Deploys Chainlink's KeystoneForwarder (configured with `p.don`), the DeviceRegistry and
 * the DataLogger with contracts/script/Deploy.s.sol, and returns contracts/deployments/<chainId>.json.
 */
export async function deployContracts(p: DeployParameters): Promise<Deployment> {
  const don = p.don ?? localDon();
  await run(
    `${ROOT}contracts/bin/forge`,
    ['script', 'contracts/script/Deploy.s.sol', '--skip', 'test', '--rpc-url', p.rpcUrl, '--broadcast', '--private-key', p.deployerKey, '--slow'],
    {
      DON_SIGNERS: don.nodeKeys.map((k) => privateKeyToAddress(k)).join(','),
      DON_F: String(don.f),
      DON_ID: String(don.donId),
      DON_CONFIG_VERSION: String(don.configVersion),
      WORKFLOW_OWNER: don.identity.workflowOwner,
      WORKFLOW_NAME: don.identity.workflowName,
      WORKFLOW_ID: don.identity.workflowId,
      ...(p.windowSeconds !== undefined ? { WINDOW_SECONDS: String(p.windowSeconds) } : {}),
      TIMELOCK_DELAY: String(p.timelockDelaySeconds ?? 0),
    },
    p.log ?? (() => {}),
  );
  return readDeployment(p.chainId);
}

export interface TimelockCallParameters {
  rpcUrl: string;
  /** The deployment's TimelockController. */
  timelock: Address;
  /** A key holding the proposer and executor roles (the deployer on local chains). */
  proposerKey: Hex;
  target: Address;
  data: Hex;
}

/**
 * Schedules `data` on `target` through the timelock and executes it once ready (at once when the delay is 0,
 * as on local chains; otherwise the caller must wait the delay and call again). Returns the execute tx.
 */
export async function timelockCall(p: TimelockCallParameters): Promise<Hex> {
  const publicClient = createPublicClient({ transport: http(p.rpcUrl) });
  const wallet = createWalletClient({ account: privateKeyToAccount(p.proposerKey), transport: http(p.rpcUrl) });
  const delay = (await publicClient.readContract({ address: p.timelock, abi: timelockControllerAbi, functionName: 'getMinDelay' })) as bigint;
  const salt = keccak256(toHex(`${p.target}${p.data}${Date.now()}`));
  const args = [p.target, 0n, p.data, zeroHash, salt] as const;
  const scheduled = await wallet.writeContract({
    chain: null,
    address: p.timelock,
    abi: timelockControllerAbi,
    functionName: 'schedule',
    args: [...args, delay],
  });
  await publicClient.waitForTransactionReceipt({ hash: scheduled });
  if (delay > 0n) throw new Error(`timelock delay is ${delay} s: execute after it has passed`);
  const executed = await wallet.writeContract({ chain: null, address: p.timelock, abi: timelockControllerAbi, functionName: 'execute', args });
  const receipt = await publicClient.waitForTransactionReceipt({ hash: executed });
  if (receipt.status !== 'success') throw new Error(`timelock execute ${executed} reverted`);
  return executed;
}

/**
 * Freezes as the logger's challenger, the way a test stands in for the WindowChallenger: `key` is made the
 * challenger first (through the timelock, delay 0 on local chains) unless it is already, then calls `freezeDevice`
 * or `freezeTotals` with `args`. `key` MUST hold the timelock's proposer role (the deployer on local chains).
 */
export async function freezeAsChallenger(p: {
  rpcUrl: string;
  deployment: Pick<Deployment, 'dataLogger' | 'timelock'>;
  key: Hex;
  functionName: 'freezeDevice' | 'freezeTotals';
  args: readonly unknown[];
}): Promise<Hex> {
  const account = privateKeyToAccount(p.key);
  const publicClient = createPublicClient({ transport: http(p.rpcUrl) });
  const current = await publicClient.readContract({ address: p.deployment.dataLogger, abi: dataLoggerAbi, functionName: 'challenger' });
  if (current !== account.address) {
    const data = encodeFunctionData({ abi: dataLoggerAbi, functionName: 'setChallenger', args: [account.address] });
    await timelockCall({ rpcUrl: p.rpcUrl, timelock: p.deployment.timelock, proposerKey: p.key, target: p.deployment.dataLogger, data });
  }
  const wallet = createWalletClient({ account, transport: http(p.rpcUrl) });
  const hash = await wallet.writeContract({
    chain: null,
    address: p.deployment.dataLogger,
    abi: dataLoggerAbi,
    functionName: p.functionName,
    args: p.args,
  } as never);
  if ((await publicClient.waitForTransactionReceipt({ hash })).status !== 'success') throw new Error(`${p.functionName} reverted`);
  return hash;
}
