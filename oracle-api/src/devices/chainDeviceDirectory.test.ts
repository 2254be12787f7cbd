import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { countRequests } from '@gridproof/chain';
import { ANVIL_KEYS, deployContracts, freePort, startAnvil, type AnvilHandle } from '@gridproof/test-support';
import { deviceIdToBytes, deviceRegistryAbi, KeyType, toHex } from '@gridproof/protocol';
import { createPublicClient, createWalletClient, http, type Address, type PublicClient } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../lib/logger.js';
import { startOracleApi, type StartOracleApiReturnType } from '../startOracleApi.js';
import { hexOf, keyEntry, meters, signed } from '../test/fixtures.js';
import { createChainDeviceDirectory } from './chainDeviceDirectory.js';

/** A chain id of this run's own (33xxx: not devnet's 31337, the dapp test's 30xxx or the devnet e2e's 314xx–323xx), so its deployment file is its own. */
const CHAIN_ID = 33_000 + (process.pid % 1000);
const chain = { ...foundry, id: CHAIN_ID };
const DEPLOYMENT_FILE = fileURLToPath(new URL(`../../../contracts/deployments/${CHAIN_ID}.json`, import.meta.url));

describe('chain-backed device directory against anvil', () => {
  let anvil: AnvilHandle;
  let rpcUrl: string;
  let registry: Address;
  let wallet: ReturnType<typeof createWalletClient>;
  // Deploy.s.sol makes the deployer the DeviceRegistry's admin and registrar.
  const admin = privateKeyToAccount(ANVIL_KEYS.deployer);
  const publicClient = () => createPublicClient({ chain, transport: http(rpcUrl) });

  async function send(functionName: 'registerDevice' | 'revokeDevice', args: readonly unknown[]) {
    const hash = await wallet.writeContract({ address: registry, abi: deviceRegistryAbi, functionName, args, chain, account: admin } as never);
    await publicClient().waitForTransactionReceipt({ hash });
  }

  beforeAll(async () => {
    anvil = await startAnvil({ chainId: CHAIN_ID });
    rpcUrl = anvil.rpcUrl;
    const deployment = await deployContracts({
      rpcUrl,
      chainId: CHAIN_ID,
      deployerKey: ANVIL_KEYS.deployer,
    });
    registry = deployment.deviceRegistry;
    wallet = createWalletClient({ account: admin, chain, transport: http(rpcUrl) });
    for (const m of [meters.solar, meters.wind]) {
      await send('registerDevice', [toHex(deviceIdToBytes(m.deviceId)), m.keyType, toHex(keyEntry(m).publicKey), admin.address]);
    }
  }, 120_000);

  afterAll(async () => {
    await anvil?.stop();
    await rm(DEPLOYMENT_FILE, { force: true });
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

  it('lists devices from the registry events: one eth_getLogs, no view call per device, revoked ones inactive', async () => {
    const counter = countRequests(http(rpcUrl));
    const client = createPublicClient({ chain, transport: counter.transport }) as PublicClient;
    let ms = 0;
    const devices = createChainDeviceDirectory({ client, address: registry, knownTtlMs: 1000, nowMs: () => ms });
    const listed = await devices.list!();
    expect(listed.map((d) => [d.deviceId, d.active])).toEqual([
      ['SOLR_0001', true],
      ['WIND_0002', false], // revoked by the test above
    ]);
    expect(listed[0]).toMatchObject({ keyType: meters.solar.keyType, publicKey: keyEntry(meters.solar).publicKey });
    const onChain = await publicClient().readContract({
      address: registry,
      abi: deviceRegistryAbi,
      functionName: 'getDevice',
      args: [toHex(deviceIdToBytes('SOLR_0001'))],
    });
    expect(listed[0].registeredAt).toBe(Number(onChain.registeredAt));
    expect(counter.counts.eth_call).toBeUndefined();
    expect(counter.counts.eth_getLogs).toBe(1);
    // Within the TTL the listing is served from memory; after it, only new blocks are read.
    await devices.list!();
    expect(counter.counts.eth_getLogs).toBe(1);
    await send('registerDevice', [toHex(deviceIdToBytes('LIST_0003')), KeyType.ED25519, toHex(new Uint8Array(32).fill(0x11)), admin.address]);
    ms = 1000;
    expect((await devices.list!()).map((d) => d.deviceId)).toEqual(['SOLR_0001', 'WIND_0002', 'LIST_0003']);
    expect(counter.counts.eth_getLogs).toBe(2);
    expect(counter.counts.eth_call).toBeUndefined();
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
