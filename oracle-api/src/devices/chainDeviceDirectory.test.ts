import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { deviceIdToBytes, deviceRegistryAbi, toHex } from '@gridproof/protocol';
import { createPublicClient, createWalletClient, http, type Address, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../lib/logger.js';
import { startOracleApi, type StartOracleApiReturnType } from '../startOracleApi.js';
import { hexOf, keyEntry, meters, signed } from '../test/fixtures.js';
import { createChainDeviceDirectory } from './chainDeviceDirectory.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = join(ROOT, 'node_modules/.bin');
/** anvil's first well-known development key (public test mnemonic). */
const ADMIN_KEY: Hex = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** DeviceRegistry bytecode: contracts/out when the contracts were built, else compiled into a temp dir. */
async function deviceRegistryBytecode(scratch: string): Promise<Hex> {
  let artifact = join(ROOT, 'contracts/out/DeviceRegistry.sol/DeviceRegistry.json');
  if (!existsSync(artifact)) {
    await promisify(execFile)(
      join(BIN, 'forge'),
      ['build', 'contracts/src/DeviceRegistry.sol', '--out', join(scratch, 'out'), '--cache-path', join(scratch, 'cache')],
      { cwd: ROOT },
    );
    artifact = join(scratch, 'out/DeviceRegistry.sol/DeviceRegistry.json');
  }
  return JSON.parse(await readFile(artifact, 'utf8')).bytecode.object as Hex;
}

describe('chain-backed device directory against anvil', () => {
  let anvil: ChildProcess;
  let scratch: string;
  let rpcUrl: string;
  let registry: Address;
  let wallet: ReturnType<typeof createWalletClient>;
  const admin = privateKeyToAccount(ADMIN_KEY);
  const publicClient = () => createPublicClient({ chain: foundry, transport: http(rpcUrl) });

  async function send(functionName: 'registerDevice' | 'revokeDevice', args: readonly unknown[]) {
    const hash = await wallet.writeContract({ address: registry, abi: deviceRegistryAbi, functionName, args, chain: foundry, account: admin } as never);
    await publicClient().waitForTransactionReceipt({ hash });
  }

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'oracle-api-anvil-'));
    const port = await freePort();
    rpcUrl = `http://127.0.0.1:${port}`;
    anvil = spawn(join(BIN, 'anvil'), ['--host', '127.0.0.1', '--port', String(port), '--silent'], { stdio: 'ignore' });
    const bytecode = await deviceRegistryBytecode(scratch);
    for (let i = 0; ; i++) {
      try {
        await publicClient().getChainId();
        break;
      } catch (err) {
        if (i > 100) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    wallet = createWalletClient({ account: admin, chain: foundry, transport: http(rpcUrl) });
    const hash = await wallet.deployContract({ abi: deviceRegistryAbi, bytecode, args: [admin.address], account: admin, chain: foundry });
    registry = (await publicClient().waitForTransactionReceipt({ hash })).contractAddress as Address;
    for (const m of [meters.solar, meters.wind]) {
      await send('registerDevice', [toHex(deviceIdToBytes(m.deviceId)), m.keyType, toHex(keyEntry(m).publicKey), admin.address]);
    }
  }, 120_000);

  afterAll(async () => {
    anvil?.kill();
    await rm(scratch, { recursive: true, force: true });
  });

  it('reads keys from DeviceRegistry, coalesces lookups into one call and caches answers', async () => {
    const devices = createChainDeviceDirectory({ rpcUrl, address: registry });
    const [solar, wind, rogue] = await Promise.all(['SOLR_0001', 'WIND_0002', 'ROGU_0666'].map((id) => devices.get(id)));
    expect(solar).toEqual(keyEntry(meters.solar));
    expect(wind).toEqual(keyEntry(meters.wind));
    expect(rogue).toBeUndefined();
    expect(devices.rpcCalls).toBe(1);
    // A flood of an unknown id, and repeated known ids, reach the chain no more.
    await Promise.all(Array.from({ length: 50 }, () => devices.get('ROGU_0666')));
    await devices.get('SOLR_0001');
    expect(devices.rpcCalls).toBe(1);
  });

  it('sees a revocation once the cached entry expires', async () => {
    let ms = 0;
    const devices = createChainDeviceDirectory({ rpcUrl, address: registry, knownTtlMs: 1000, nowMs: () => ms });
    expect((await devices.get('WIND_0002'))?.active).toBe(true);
    await send('revokeDevice', [toHex(deviceIdToBytes('WIND_0002'))]);
    expect((await devices.get('WIND_0002'))?.active).toBe(true);
    ms = 1000;
    expect((await devices.get('WIND_0002'))?.active).toBe(false);
  });

  it('rejects (never answers "unknown") when the RPC is unreachable', async () => {
    const devices = createChainDeviceDirectory({ rpcUrl: `http://127.0.0.1:${await freePort()}`, address: registry });
    await expect(devices.get('SOLR_0001')).rejects.toThrow();
  });

  describe('the service over HTTP with the chain as its key source', () => {
    let api: StartOracleApiReturnType;
    beforeAll(async () => {
      api = await startOracleApi({ port: 0, dataDir: 'memory', rpcUrl, deviceRegistryAddress: registry, sealIntervalMs: 0, logger: silentLogger });
    });
    afterAll(() => api?.close());

    it('accepts a registered device, refuses unknown and revoked ones', async () => {
      const now = Math.floor(Date.now() / 1000);
      const post = (r: Uint8Array) =>
        fetch(`${api.url}/v1/readings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ readings: [hexOf(r)] }) });
      const ok = await post(signed(meters.solar, 1, now));
      expect(ok.status).toBe(200);
      expect(await ok.json()).toMatchObject({ accepted: 1 });
      const unknown = await post(signed(meters.rogue, 1, now));
      expect(unknown.status).toBe(422);
      expect((await unknown.json()).error.code).toBe('UNKNOWN_DEVICE');
      const revoked = await post(signed(meters.wind, 1, now));
      expect(revoked.status).toBe(422);
      expect((await revoked.json()).error.code).toBe('DEVICE_REVOKED');
      expect((await (await fetch(`${api.url}/health`)).json()).status).toBe('ok');
    });
  });
});
