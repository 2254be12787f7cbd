// Deploy.s.sol per network, dry run (no --broadcast) against anvil started with each live network's chain id and a
// KeystoneForwarder deployed there: the script must pick the network config, take the forwarder given, plan every
// contract, send nothing and write no deployment file. Also: a network whose forwarder is a TODO is refused, and a
// network config on the wrong chain is refused.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createPublicClient, createWalletClient, decodeAbiParameters, getAddress, http, zeroAddress, type AbiParameter, type Address, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { ANVIL_KEYS, localWorkflowIdentity, startAnvil, type AnvilHandle } from '../src/index.js';
import type { Deployment } from '@gridproof/contracts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const forwarderArtifact = JSON.parse(readFileSync(resolve(root, 'contracts/out/KeystoneForwarder.sol/KeystoneForwarder.json'), 'utf8'));
const workflow = localWorkflowIdentity();

/** The deployment file's fields as the dry run prints them (uint256 as bigint), plus the network name. */
type Planned = Omit<Deployment, 'chainId' | 'startBlock'> & { chainId: bigint; network: string; startBlock: bigint };

// The script's return type, from Forge's own artifact (never copied by hand: the struct grows with the system).
const deployArtifact = JSON.parse(readFileSync(resolve(root, 'contracts/out/Deploy.s.sol/Deploy.json'), 'utf8'));
const deploymentType = deployArtifact.abi.find((f: { type: string; name?: string }) => f.type === 'function' && f.name === 'run').outputs as AbiParameter[];

/** Runs `forge script Deploy.s.sol` without --broadcast; resolves with the exit code and the output. */
function dryRun(rpcUrl: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((done) => {
    const child = spawn(
      // The wrapper forwards forge's exit status (the npm bin does not).
      `${root}/contracts/bin/forge`,
      ['script', 'contracts/script/Deploy.s.sol', '--rpc-url', rpcUrl, '--private-key', ANVIL_KEYS.deployer, '--json'],
      {
        cwd: root,
        env: { ...process.env, WORKFLOW_NAME: workflow.workflowName, WORKFLOW_ID: workflow.workflowId, WORKFLOW_OWNER: workflow.workflowOwner, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('exit', (code) => done({ code, output }));
  });
}

function planned(output: string): Planned {
  const line = output.split('\n').find((l) => l.includes('"returned"'));
  if (!line) throw new Error(`no script result in:\n${output.slice(-3000)}`);
  const [d] = decodeAbiParameters(deploymentType, JSON.parse(line).returned as Hex);
  return d as unknown as Planned;
}

async function deployForwarder(anvil: AnvilHandle): Promise<Address> {
  const chain = {
    id: anvil.chainId,
    name: 'anvil',
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [anvil.rpcUrl] } },
  };
  const wallet = createWalletClient({ account: privateKeyToAccount(ANVIL_KEYS.deployer), chain, transport: http(anvil.rpcUrl) });
  const pub = createPublicClient({ chain, transport: http(anvil.rpcUrl) });
  const hash = await wallet.deployContract({ abi: forwarderArtifact.abi, bytecode: forwarderArtifact.bytecode.object as Hex });
  const receipt = await pub.waitForTransactionReceipt({ hash });
  return getAddress(receipt.contractAddress!);
}

let anvil: AnvilHandle | undefined;
afterEach(async () => {
  await anvil?.stop();
  anvil = undefined;
});

describe('Deploy.s.sol dry run per network', () => {
  const networks = [
    { name: 'sepolia', chainId: 11155111 },
    { name: 'base-sepolia', chainId: 84532 },
    { name: 'avalanche-fuji', chainId: 43113 },
  ];

  for (const network of networks) {
    it(`plans ${network.name} with the forwarder deployed on its chain and sends nothing`, async () => {
      anvil = await startAnvil({ chainId: network.chainId });
      const forwarder = await deployForwarder(anvil);
      const deploymentFile = resolve(root, `contracts/deployments/${network.chainId}.json`);
      const before = existsSync(deploymentFile) ? readFileSync(deploymentFile, 'utf8') : undefined;

      const { code, output } = await dryRun(anvil.rpcUrl, { NETWORK: network.name, FORWARDER: forwarder });
      expect(code, output.slice(-3000)).toBe(0);
      const d = planned(output);
      expect(d.chainId).toBe(BigInt(network.chainId));
      expect(d.network).toBe(network.name);
      expect(d.forwarder).toBe(forwarder);
      for (const a of [d.companyIdentity, d.installerRegistry, d.deviceRegistry, d.dataLogger, d.windowChallenger, d.timelock]) expect(a).not.toBe(zeroAddress);
      expect(d.functionsAnchor).toBe(zeroAddress);
      expect(d.windowSeconds).toBe(300);

      // Dry run: nothing on chain but the forwarder, and no deployment file written.
      const pub = createPublicClient({ transport: http(anvil.rpcUrl) });
      expect(await pub.getCode({ address: d.dataLogger })).toBeUndefined();
      expect(await pub.getCode({ address: forwarder })).toMatch(/^0x[0-9a-f]{100,}/);
      expect(existsSync(deploymentFile) ? readFileSync(deploymentFile, 'utf8') : undefined).toBe(before);
    }, 180_000);
  }

  it('plans the Functions anchor with the network router when a subscription is given', async () => {
    anvil = await startAnvil({ chainId: 11155111 });
    const forwarder = await deployForwarder(anvil);
    const { code, output } = await dryRun(anvil.rpcUrl, {
      NETWORK: 'sepolia',
      FORWARDER: forwarder,
      FUNCTIONS_SUBSCRIPTION_ID: '42',
      ORACLE_API_URL: 'https://oracle.gridproof.example',
      FUNCTIONS_SOURCE: 'return Functions.encodeString("x");',
      // The anchor's constructor refuses any length but the logger's: both get this one.
      WINDOW_SECONDS: '60',
    });
    expect(code, output.slice(-3000)).toBe(0);
    expect(planned(output)).toMatchObject({ windowSeconds: 60, functionsAnchor: expect.not.stringMatching(zeroAddress) });
  }, 180_000);

  it('refuses a window length that does not divide the hour', async () => {
    anvil = await startAnvil({ chainId: 11155111 });
    const forwarder = await deployForwarder(anvil);
    const { code, output } = await dryRun(anvil.rpcUrl, { NETWORK: 'sepolia', FORWARDER: forwarder, WINDOW_SECONDS: '7' });
    expect(code).not.toBe(0);
    expect(output).toContain('DataLoggerInvalidWindowSeconds(7)');
  }, 180_000);

  it('refuses a network whose forwarder is still a TODO unless FORWARDER is given', async () => {
    const fuji = JSON.parse(readFileSync(resolve(root, 'contracts/script/networks/avalanche-fuji.json'), 'utf8'));
    expect(fuji.keystoneForwarder).toBe(zeroAddress);
    anvil = await startAnvil({ chainId: 43113 });
    const { code, output } = await dryRun(anvil.rpcUrl, { NETWORK: 'avalanche-fuji' });
    expect(code).not.toBe(0);
    expect(output).toContain('DeployMissingForwarder');
  }, 180_000);

  it('refuses a network config on another chain', async () => {
    anvil = await startAnvil({ chainId: 84532 });
    const { code, output } = await dryRun(anvil.rpcUrl, { NETWORK: 'sepolia', FORWARDER: privateKeyToAccount(ANVIL_KEYS.transmitter).address });
    expect(code).not.toBe(0);
    expect(output).toContain('DeployWrongChain');
  }, 180_000);
});
