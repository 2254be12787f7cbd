import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Address, Hex } from 'viem';
import { privateKeyToAddress } from 'viem/accounts';
import { readDeployment, type Deployment } from '@gridproof/contracts';
import { localDon, type DonConfig } from './devKeys.js';

export type { Deployment };

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface DeployParameters {
  rpcUrl: string;
  chainId: number;
  deployerKey: Hex;
  /** The DON the new forwarder accepts and the workflow the DataLogger accepts (default: `localDon()`). */
  don?: Pick<DonConfig, 'nodeKeys' | 'f' | 'donId' | 'configVersion' | 'identity'>;
  /** An extra account granted REGISTRAR_ROLE on the DeviceRegistry (the deployer always is one). */
  registrar?: Address;
  /** Window length in seconds, fixed for good in the DataLogger (Deploy.s.sol `WINDOW_SECONDS`, default 300): pass the length the API seals and the DON reports, or every report is refused. */
  windowSeconds?: number;
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
      ...(p.registrar ? { REGISTRAR: p.registrar } : {}),
      ...(p.windowSeconds !== undefined ? { WINDOW_SECONDS: String(p.windowSeconds) } : {}),
    },
    p.log ?? (() => {}),
  );
  return readDeployment(p.chainId);
}
