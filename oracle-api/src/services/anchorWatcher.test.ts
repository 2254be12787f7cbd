import { countRequests } from '@gridproof/chain';
import { ANVIL_KEYS, submitKeystoneReport } from '@gridproof/test-support';
import { dataLoggerAbi, encodeWindowReport, KeyType } from '@gridproof/protocol';
import { createPublicClient, createWalletClient, http, type PublicClient } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOracleApi, type CreateOracleApiReturnType } from '../createOracleApi.js';
import { silentLogger } from '../lib/logger.js';
import { windows, type WindowRow as Sealed } from '../db/schema/index.js';
import { createAnchorWatcher } from './anchorWatcher.js';
import { startTestChain, type TestChain } from '../test/chain.js';
import { hexOf, keyEntry, meters, signed, T0 } from '../test/fixtures.js';

describe('pending windows: sealed until the DataLogger on chain records them', () => {
  let chain: TestChain;
  let api: CreateOracleApiReturnType;
  const clock = {
    t: T0 + 302,
    now() {
      return this.t;
    },
  };

  let seed = 1n;
  const anchor = (w: Sealed) =>
    submitKeystoneReport({
      rpcUrl: chain.rpcUrl,
      forwarder: chain.deployment.forwarder,
      receiver: chain.deployment.dataLogger,
      payload: encodeWindowReport({
        windowStart: w.windowStart,
        windowSeconds: w.windowSeconds,
        root: w.root as `0x${string}`,
        cidDigest: w.cidDigest as `0x${string}`,
        deviceCount: w.deviceCount,
        readingCount: w.readingCount,
        energyWh: w.energyWh,
      }),
      ...chain.don,
      executionSeed: seed++,
    });
  const rpc = (method: string, params: unknown[] = []) =>
    createPublicClient({ transport: http(chain.rpcUrl) }).request({ method: method as never, params: params as never }) as Promise<unknown>;
  let sealed: Sealed[] = [];

  beforeAll(async () => {
    chain = await startTestChain();
    await chain.register(meters.solar.deviceId, KeyType.P256, keyEntry(meters.solar).publicKey);
    api = await createOracleApi({
      dataDir: 'memory',
      clock,
      logger: silentLogger,
      rpcUrl: chain.rpcUrl,
      deviceRegistryAddress: chain.deployment.deviceRegistry,
      dataLoggerAddress: chain.deployment.dataLogger,
    });
  }, 180_000);
  afterAll(async () => {
    await api?.close();
    await chain?.stop();
  });

  it('lists a sealed window as pending, then anchored once the DON report landed', async () => {
    const post = await api.app.request('/v1/readings', {
      method: 'POST',
      body: JSON.stringify({ readings: [hexOf(signed(meters.solar, 1, T0 + 1)), hexOf(signed(meters.solar, 2, T0 + 301))] }),
    });
    expect(post.status).toBe(200);
    clock.t = T0 + 700;
    sealed = await api.sealer.sealDueWindows();
    expect(sealed.map((w) => w.windowStart)).toEqual([T0, T0 + 300]);
    expect(await api.anchors!.check()).toEqual([]);
    const pending = async () =>
      (await (await api.app.request('/v1/windows?status=pending')).json()) as { windows: { windowStart: number; status: string }[]; anchoring: string };
    expect(await pending()).toMatchObject({
      anchoring: 'watched',
      windows: [
        { windowStart: T0 + 300, status: 'sealed' },
        { windowStart: T0, status: 'sealed' },
      ],
    });

    expect(await anchor(sealed[0])).toMatchObject({ ok: true });
    expect(await api.anchors!.check()).toEqual([T0]);
    expect((await pending()).windows.map((x) => x.windowStart)).toEqual([T0 + 300]);
    expect(await (await api.app.request(`/v1/windows/${T0}`)).json()).toMatchObject({ status: 'anchored', anchoredAt: T0 + 700 });
    const health = await (await api.app.request('/health')).json();
    expect(health.checks.chain).toMatchObject({ status: 'ok', anchoring: 'watched', blockNumber: expect.any(Number) });
  });

  it('puts a window back to pending when a reorg drops its recording, and anchors it again when it lands', async () => {
    const pendingStarts = async () =>
      ((await (await api.app.request('/v1/windows?status=pending')).json()) as { windows: { windowStart: number }[] }).windows.map((w) => w.windowStart);
    const snapshot = await rpc('evm_snapshot');
    expect(await anchor(sealed[1])).toMatchObject({ ok: true });
    expect(await api.anchors!.check()).toEqual([T0 + 300]);
    expect(await pendingStarts()).toEqual([]);
    expect(await rpc('evm_revert', [snapshot])).toBe(true);
    await rpc('anvil_mine', ['0x3']); // the other branch is longer
    expect(await api.anchors!.check()).toEqual([]);
    expect(await pendingStarts()).toEqual([T0 + 300]);
    expect(await anchor(sealed[1])).toMatchObject({ ok: true });
    expect(await api.anchors!.check()).toEqual([T0 + 300]);
  });

  it('costs one eth_getLogs per check and no eth_call, however many windows are pending', async () => {
    const counter = countRequests(http(chain.rpcUrl));
    const watcher = createAnchorWatcher(api.ctx, {
      address: chain.deployment.dataLogger,
      client: createPublicClient({ transport: counter.transport }) as PublicClient,
      startBlock: chain.deployment.startBlock,
    });
    await api.ctx.db.update(windows).set({ anchoredAt: null });
    expect(await watcher.check()).toEqual([T0, T0 + 300]);
    expect(counter.counts.eth_call).toBeUndefined();
    expect(counter.counts.eth_getLogs).toBe(1);
    await rpc('anvil_mine', ['0x1']);
    expect(await watcher.check()).toEqual([]);
    expect(counter.counts.eth_call).toBeUndefined();
    expect(counter.counts.eth_getLogs).toBe(2);
  });

  it('answers a window frozen on chain by a fraud proof as frozen, with the reason', async () => {
    // The owner hands the freeze right to itself (in production it is the WindowChallenger's) and freezes T0 for reason 3.
    const owner = privateKeyToAccount(ANVIL_KEYS.deployer);
    const wallet = createWalletClient({ account: owner, transport: http(chain.rpcUrl) });
    const pub = createPublicClient({ transport: http(chain.rpcUrl) });
    const leaf = `0x${'ee'.repeat(32)}` as const;
    const send = async (hash: Promise<`0x${string}`>) => expect((await pub.waitForTransactionReceipt({ hash: await hash })).status).toBe('success');
    const logger = { chain: null, address: chain.deployment.dataLogger, abi: dataLoggerAbi } as const;
    await send(wallet.writeContract({ ...logger, functionName: 'setChallenger', args: [owner.address] }));
    await send(wallet.writeContract({ ...logger, functionName: 'freezeWindow', args: [BigInt(T0), 3, owner.address, leaf] }));
    await api.anchors!.check();
    expect(await (await api.app.request(`/v1/windows/${T0}`)).json()).toMatchObject({ status: 'frozen', frozenReason: 3 });
    expect(await (await api.app.request(`/v1/windows/${T0 + 300}`)).json()).toMatchObject({ status: 'anchored', frozenReason: null });
  });
});
