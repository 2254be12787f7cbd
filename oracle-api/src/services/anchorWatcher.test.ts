import { countRequests } from '@gridproof/chain';
import { ANVIL_KEYS, anchorKeystoneReport, submitKeystoneReport, timelockCall } from '@gridproof/test-support';
import { dataLoggerAbi, deviceIdToBytes, encodeCommitReport, encodeCorrectionReport, encodeWindowReport, KeyType, toHex, type Hex } from '@gridproof/protocol';
import { createPublicClient, createWalletClient, encodeFunctionData, http, type PublicClient } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOracleApi, type CreateOracleApiReturnType } from '../createOracleApi.js';
import { silentLogger } from '../lib/logger.js';
import { windows, type WindowRow as Sealed } from '../db/schema/index.js';
import { createAnchorWatcher } from './anchorWatcher.js';
import { startTestChain, type TestChain } from '../test/chain.js';
import { createTestDatabase, type TestDatabase } from '../test/database.js';
import { hexOf, keyEntry, meters, signed, T0 } from '../test/fixtures.js';

describe('pending windows: sealed, committed, then anchored once the DataLogger on chain records them', () => {
  let chain: TestChain;
  let api: CreateOracleApiReturnType;
  let database: TestDatabase;
  const clock = {
    t: T0 + 302,
    now() {
      return this.t;
    },
  };

  let seed = 1n;
  const delivery = () => ({ rpcUrl: chain.rpcUrl, forwarder: chain.deployment.forwarder, receiver: chain.deployment.dataLogger, ...chain.don });
  /** Phase one only: the DON commits the window's digest. */
  const commit = (w: Sealed) =>
    submitKeystoneReport({
      ...delivery(),
      payload: encodeCommitReport({ windowStart: w.windowStart, cidDigest: w.cidDigest as Hex }),
      executionSeed: seed++,
    });
  const recordPayload = (w: Sealed) =>
    encodeWindowReport({
      windowStart: w.windowStart,
      windowSeconds: w.windowSeconds,
      root: w.root as Hex,
      cidDigest: w.cidDigest as Hex,
      deviceCount: w.deviceCount,
      readingCount: w.readingCount,
      energyWh: w.energyWh,
    });
  /** Phase two of a window committed before (at least two blocks ago). */
  const record = (w: Sealed) => submitKeystoneReport({ ...delivery(), payload: recordPayload(w), executionSeed: seed++ });
  /** Both phases: commit, one block, record. */
  const anchor = (w: Sealed) => anchorKeystoneReport({ ...delivery(), payload: recordPayload(w), executionSeed: seed++ });
  const rpc = (method: string, params: unknown[] = []) =>
    createPublicClient({ transport: http(chain.rpcUrl) }).request({ method: method as never, params: params as never }) as Promise<unknown>;
  let sealed: Sealed[] = [];

  beforeAll(async () => {
    chain = await startTestChain();
    await chain.register(meters.solar.deviceId, KeyType.P256, keyEntry(meters.solar).publicKey);
    database = await createTestDatabase();
    api = await createOracleApi({
      ...database.config,
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
    await database?.drop();
    await chain?.stop();
  });

  it('lists a sealed window as pending, committed once the DON committed its digest, then anchored once the record landed', async () => {
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

    // Phase one: committed, not recorded yet: still pending, status committed.
    expect(await commit(sealed[0])).toMatchObject({ ok: true });
    expect(await api.anchors!.check()).toEqual([]);
    expect(await pending()).toMatchObject({
      windows: [
        { windowStart: T0 + 300, status: 'sealed', committedAt: null },
        { windowStart: T0, status: 'committed', committedAt: T0 + 700, anchoredAt: null },
      ],
    });
    // Too early for the record: its seed block (commit + 1) does not exist yet.
    expect(await record(sealed[0])).toMatchObject({ ok: false, reason: expect.stringContaining('DataLoggerDrawPending') });

    // Phase two, from commit + 2.
    clock.t = T0 + 710;
    await rpc('anvil_mine', ['0x1']);
    expect(await record(sealed[0])).toMatchObject({ ok: true });
    expect(await api.anchors!.check()).toEqual([T0]);
    expect((await pending()).windows.map((x) => x.windowStart)).toEqual([T0 + 300]);
    expect(await (await api.app.request(`/v1/windows/${T0}`)).json()).toMatchObject({
      status: 'anchored',
      committedAt: T0 + 700,
      anchoredAt: T0 + 710,
      frozenDevices: [],
    });
    const health = await (await api.app.request('/health')).json();
    expect(health.checks.chain).toMatchObject({ status: 'ok', anchoring: 'watched', blockNumber: expect.any(Number) });
  });

  it('puts a window back to sealed when a reorg drops its commit and recording, and anchors it again when they land', async () => {
    const pendingStarts = async () =>
      ((await (await api.app.request('/v1/windows?status=pending')).json()) as { windows: { windowStart: number }[] }).windows.map((w) => w.windowStart);
    const snapshot = await rpc('evm_snapshot');
    expect(await anchor(sealed[1])).toMatchObject({ ok: true });
    expect(await api.anchors!.check()).toEqual([T0 + 300]);
    expect(await pendingStarts()).toEqual([]);
    expect(await rpc('evm_revert', [snapshot])).toBe(true);
    await rpc('anvil_mine', ['0x4']); // the other branch is longer (the anchor took 3 blocks)
    expect(await api.anchors!.check()).toEqual([]);
    expect(await pendingStarts()).toEqual([T0 + 300]);
    expect(await (await api.app.request(`/v1/windows/${T0 + 300}`)).json()).toMatchObject({ status: 'sealed', committedAt: null, anchoredAt: null });
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

  it('shows a device frozen by a fraud proof per device (the window stays anchored), its correction, and a totals freeze as frozen', async () => {
    // The timelock hands the freeze right to the deployer (in production it is the WindowChallenger's).
    const owner = privateKeyToAccount(ANVIL_KEYS.deployer);
    const wallet = createWalletClient({ account: owner, transport: http(chain.rpcUrl) });
    const pub = createPublicClient({ transport: http(chain.rpcUrl) });
    const evidence = `0x${'ee'.repeat(32)}` as const;
    const send = async (hash: Promise<Hex>) => {
      const receipt = await pub.waitForTransactionReceipt({ hash: await hash });
      expect(receipt.status).toBe('success');
      return receipt.transactionHash;
    };
    const logger = { chain: null, address: chain.deployment.dataLogger, abi: dataLoggerAbi } as const;
    const data = encodeFunctionData({ abi: dataLoggerAbi, functionName: 'setChallenger', args: [owner.address] });
    await timelockCall({
      rpcUrl: chain.rpcUrl,
      timelock: chain.deployment.timelock,
      proposerKey: ANVIL_KEYS.deployer,
      target: chain.deployment.dataLogger,
      data,
    });
    const solar = toHex(deviceIdToBytes(meters.solar.deviceId));
    const freezeTx = await send(wallet.writeContract({ ...logger, functionName: 'freezeDevice', args: [BigInt(T0), solar, 1, owner.address, evidence] }));
    await api.anchors!.check();
    const frozenAt = Number((await pub.getBlock({ blockNumber: (await pub.getTransactionReceipt({ hash: freezeTx })).blockNumber })).timestamp);
    const window = async (start: number) => (await api.app.request(`/v1/windows/${start}`)).json();
    expect(await window(T0)).toMatchObject({
      status: 'anchored',
      frozenReason: null,
      frozenDevices: [{ deviceId: meters.solar.deviceId, reason: 1, challenger: owner.address, evidence, frozenAt, txHash: freezeTx, correction: null }],
    });
    // The list shows the same.
    const listed = (await (await api.app.request('/v1/windows?status=sealed')).json()).windows.find((w: { windowStart: number }) => w.windowStart === T0);
    expect(listed.frozenDevices).toHaveLength(1);

    // The DON's correction of that device lifts the freeze.
    const summaryLeaf = `0x${'5a'.repeat(32)}` as const;
    const cidDigest = `0x${'c0'.repeat(32)}` as const;
    const corrected = await submitKeystoneReport({
      ...delivery(),
      payload: encodeCorrectionReport({ windowStart: T0, deviceId: solar, summaryLeaf, cidDigest }),
      executionSeed: seed++,
    });
    expect(corrected).toMatchObject({ ok: true });
    await api.anchors!.check();
    expect((await window(T0)).frozenDevices).toMatchObject([
      { deviceId: meters.solar.deviceId, reason: 1, correction: { summaryLeaf, cidDigest, txHash: corrected.ok ? corrected.txHash : '' } },
    ]);

    // Totals proven wrong: the window answers frozen, with the reason; a reorg that drops the proof thaws it.
    const snapshot = await rpc('evm_snapshot');
    await send(wallet.writeContract({ ...logger, functionName: 'freezeTotals', args: [BigInt(T0 + 300), 14, owner.address] }));
    await api.anchors!.check();
    expect(await window(T0 + 300)).toMatchObject({ status: 'frozen', frozenReason: 14, frozenDevices: [] });
    expect(await window(T0)).toMatchObject({ status: 'anchored', frozenReason: null });
    expect(await rpc('evm_revert', [snapshot])).toBe(true);
    await rpc('anvil_mine', ['0x2']);
    await api.anchors!.check();
    expect(await window(T0 + 300)).toMatchObject({ status: 'anchored', frozenReason: null });
    expect((await window(T0)).frozenDevices).toHaveLength(1);
  });
});
