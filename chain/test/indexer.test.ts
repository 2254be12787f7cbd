import { companyIdentityAbi, dataLoggerAbi, DeviceRole, deviceIdToBytes, deviceRegistryAbi, installerRegistryAbi, toHex } from '@gridproof/protocol';
import { ANVIL_KEYS, createInstallerOrganisation, freePort, registerCompany, TEST_PLACEHOLDER_CID } from '@gridproof/test-support';
import { privateKeyToAccount } from 'viem/accounts';
import { HttpRequestError, http, keccak256, stringToHex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChainError, countRequests, createRpcIndexer, findDeploymentBlock } from '../src/index.js';
import { startTestChain, T0, type TestChain } from './chain.js';

describe('RPC indexer against anvil: lists from events', () => {
  let chain: TestChain;
  let revokedAt: number;
  beforeAll(async () => {
    chain = await startTestChain();
    await chain.register('SOLR_0001');
    await chain.register('WIND_0002');
    await chain.recordWindow(0);
    await chain.recordWindow(1);
    revokedAt = await chain.revoke('WIND_0002');
    await chain.recordWindow(2);
  });
  afterAll(() => chain?.stop());

  it('lists recorded windows and devices as the contracts store them, with no eth_call', async () => {
    const counter = countRequests(http(chain.rpcUrl));
    const client = chain.client(counter.transport);
    const indexer = createRpcIndexer({ client, contracts: chain.deployment, startBlock: chain.deployment.startBlock });
    const windows = await indexer.recordedWindows();
    expect(windows.items.map((w) => w.windowStart)).toEqual([T0, T0 + 300, T0 + 600]);
    expect(windows.total).toBe(3);
    const devices = await indexer.devices();
    expect(devices.items.map((d) => [d.deviceId, d.active])).toEqual([
      ['SOLR_0001', true],
      ['WIND_0002', false],
    ]);
    expect(counter.counts.eth_call).toBeUndefined();
    expect(counter.counts.eth_getLogs).toBe(1); // both queries from one page of logs

    // The same facts as the contracts' views.
    const direct = chain.client();
    for (const w of windows.items) {
      const r = await direct.readContract({
        address: chain.deployment.dataLogger,
        abi: dataLoggerAbi,
        functionName: 'getWindow',
        args: [BigInt(w.windowStart)],
      });
      expect({
        root: w.root,
        cidDigest: w.cidDigest,
        deviceCount: w.deviceCount,
        readingCount: w.readingCount,
        energyWh: w.energyWh,
        recordedAt: w.recordedAt,
        frozenDevices: w.frozenDevices,
        totalsFrozen: w.totalsFrozen,
      }).toEqual({
        root: r.root,
        cidDigest: r.cidDigest,
        deviceCount: r.deviceCount,
        readingCount: r.readingCount,
        energyWh: BigInt(r.energyWh),
        recordedAt: Number(r.recordedAt),
        frozenDevices: [],
        totalsFrozen: null,
      });
    }
    for (const d of devices.items) {
      const r = await direct.readContract({
        address: chain.deployment.deviceRegistry,
        abi: deviceRegistryAbi,
        functionName: 'getDevice',
        args: [toHex(deviceIdToBytes(d.deviceId))],
      });
      expect({
        keyType: d.keyType,
        publicKey: d.publicKey,
        owner: d.owner,
        role: d.role,
        ratedCapacityW: d.ratedCapacityW,
        certifier: d.certifier,
        organisationId: d.organisationId,
        certifiedAt: d.certifiedAt,
        revokedAt: d.revokedAt ?? 0,
        revocationReason: d.revocationReason ?? 0,
      }).toEqual({
        keyType: r.keyType,
        publicKey: r.publicKey,
        owner: r.owner,
        role: r.role,
        ratedCapacityW: r.ratedCapacityW,
        certifier: r.certifier,
        organisationId: r.organisationId,
        certifiedAt: Number(r.certifiedAt),
        revokedAt: Number(r.revokedAt),
        revocationReason: r.revocationReason,
      });
    }
    expect(devices.items[0].publicKey).toBe(keccak256(stringToHex('SOLR_0001')));
    expect(devices.items[0]).toMatchObject({ role: DeviceRole.PRODUCTION, ratedCapacityW: 5000, organisationId: chain.installers.organisationId });
    expect(devices.items[1]).toMatchObject({ active: false, revokedAt: revokedAt, revocationReason: 3 });
    expect(devices.items[1].revokedAt).toBeGreaterThanOrEqual(devices.items[1].certifiedAt);
  });

  it('answers queries: newest first, offset and limit, by window start, by device id', async () => {
    const indexer = createRpcIndexer({ client: chain.client(), contracts: chain.deployment, startBlock: chain.deployment.startBlock });
    const page = await indexer.recordedWindows({ order: 'desc', offset: 1, limit: 1 });
    expect(page.items.map((w) => w.windowStart)).toEqual([T0 + 300]);
    expect(page.total).toBe(3);
    expect(page.syncedTo).toBe(await chain.blockNumber());
    expect((await indexer.recordedWindows({ windowStarts: [T0 + 600, T0 + 900] })).items.map((w) => w.windowStart)).toEqual([T0 + 600]);
    expect((await indexer.devices({ deviceIds: ['WIND_0002'] })).items).toMatchObject([{ deviceId: 'WIND_0002', active: false }]);
    expect((await indexer.frozenDevices()).items).toEqual([]);
    expect((await indexer.unrecordedCommits()).items).toEqual([]);
  });

  it('reads in pages of pageBlocks blocks and gets the same lists', async () => {
    const counter = countRequests(http(chain.rpcUrl));
    const start = chain.deployment.startBlock;
    const head = await chain.blockNumber();
    const indexer = createRpcIndexer({ client: chain.client(counter.transport), contracts: chain.deployment, startBlock: start, pageBlocks: 2 });
    expect((await indexer.recordedWindows()).items.map((w) => w.windowStart)).toEqual([T0, T0 + 300, T0 + 600]);
    const blocks = Number(head) - start + 1;
    expect(counter.counts.eth_getLogs).toBe(Math.ceil(blocks / 2));
    const ranges = counter.calls('eth_getLogs').map((p) => {
      const f = (p as [{ fromBlock: string; toBlock: string }])[0];
      return [Number(f.fromBlock), Number(f.toBlock)];
    });
    expect(ranges[0]).toEqual([start, start + 1]);
    for (let i = 1; i < ranges.length; i++) expect(ranges[i][0]).toBe(ranges[i - 1][1] + 1);
    expect(ranges.at(-1)![1]).toBe(Number(head));
  });

  it('halves the page while the node refuses a range, and still reads everything', async () => {
    const inner = http(chain.rpcUrl);
    const refusing: typeof inner = (options) => {
      const t = inner(options);
      return {
        ...t,
        request: (async (args: { method: string; params?: [{ fromBlock: string; toBlock: string }] }) => {
          if (args.method === 'eth_getLogs') {
            const f = args.params![0];
            if (Number(f.toBlock) - Number(f.fromBlock) + 1 > 3) throw new Error('query exceeds max block range 3');
          }
          return (t.request as (a: unknown) => Promise<unknown>)(args);
        }) as typeof t.request,
      };
    };
    const indexer = createRpcIndexer({ client: chain.client(refusing), contracts: chain.deployment, startBlock: 0 });
    expect((await indexer.recordedWindows()).items).toHaveLength(3);
    expect(indexer.status().pageBlocks).toBeLessThanOrEqual(3);
  });

  it('finds the start block itself when it is not given', async () => {
    const found = await findDeploymentBlock(chain.client(), chain.deployment.dataLogger);
    expect(found).toBeGreaterThanOrEqual(BigInt(chain.deployment.startBlock));
    expect(await chain.client().getCode({ address: chain.deployment.dataLogger, blockNumber: found - 1n })).toBeUndefined();
    const indexer = createRpcIndexer({ client: chain.client(), contracts: chain.deployment });
    expect((await indexer.devices()).total).toBe(2);
    expect(indexer.status().startBlock).toBeLessThanOrEqual(found);
    await expect(findDeploymentBlock(chain.client(), '0x000000000000000000000000000000000000dEaD')).rejects.toMatchObject({ code: 'NO_CONTRACT_CODE' });
  });

  it('refuses bad parameters and queries of a contract it does not follow', async () => {
    await expect(createRpcIndexer({ client: chain.client(), contracts: chain.deployment, startBlock: 0, pageBlocks: 0 }).sync()).rejects.toMatchObject({
      code: 'INVALID_INDEXER_PARAMETERS',
    });
    const windowsOnly = createRpcIndexer({ client: chain.client(), contracts: { dataLogger: chain.deployment.dataLogger }, startBlock: 0 });
    await expect(windowsOnly.devices()).rejects.toBeInstanceOf(ChainError);
    await expect(windowsOnly.devices()).rejects.toMatchObject({ code: 'CONTRACT_NOT_INDEXED' });
  });

  it('rejects when the RPC is unreachable (never an empty list)', async () => {
    const dead = createRpcIndexer({
      client: chain.client(http(`http://127.0.0.1:${await freePort()}`, { retryCount: 0 })),
      contracts: chain.deployment,
      startBlock: 0,
    });
    const err = await dead.recordedWindows().catch((e) => e);
    expect(err).toBeInstanceOf(HttpRequestError);
  });
});

describe('RPC indexer against anvil: two-phase anchor, device freezes, corrections, totals', () => {
  let chain: TestChain;
  let challenger: string;
  const leaf = `0x${'c0'.repeat(32)}` as const;
  beforeAll(async () => {
    chain = await startTestChain();
    await chain.recordWindow(0);
    await chain.recordWindow(1);
    await chain.commitWindow(2); // the API withholds window 2's document: never recorded
    challenger = await chain.freezeDevice(0, 'SOLR_0001', 1);
    await chain.freezeDevice(0, 'WIND_0002', 3);
    await chain.correctDevice(0, 'SOLR_0001', leaf);
    await chain.freezeDevice(0, 'SOLR_0001', 8); // a corrected summary proven wrong again stays frozen
    await chain.freezeTotals(1, 14);
  });
  afterAll(() => chain?.stop());

  it("gives each record its commit, as the logger's getCommitment stores it", async () => {
    const indexer = createRpcIndexer({ client: chain.client(), contracts: chain.deployment, startBlock: chain.deployment.startBlock });
    const windows = (await indexer.recordedWindows()).items;
    expect(windows.map((w) => w.windowStart)).toEqual([T0, T0 + 300]);
    for (const w of windows) {
      const [cidDigest, commitBlock] = await chain.client().readContract({
        address: chain.deployment.dataLogger,
        abi: dataLoggerAbi,
        functionName: 'getCommitment',
        args: [BigInt(w.windowStart)],
      });
      expect(w.commit).toMatchObject({ windowStart: w.windowStart, cidDigest, blockNumber: commitBlock, seedBlock: commitBlock + 1n });
      expect(w.commit!.cidDigest).toBe(w.cidDigest);
      expect(w.blockNumber).toBeGreaterThanOrEqual(w.commit!.seedBlock + 1n); // recorded after its seed block
    }
  });

  it('lists a committed window that was never recorded (a withheld document) as such, and only it', async () => {
    const indexer = createRpcIndexer({ client: chain.client(), contracts: chain.deployment, startBlock: chain.deployment.startBlock });
    const { items } = await indexer.unrecordedCommits();
    expect(items.map((c) => c.windowStart)).toEqual([T0 + 600]);
    expect(items[0].cidDigest).toBe(keccak256(stringToHex(`cid ${T0 + 600} ${1002}`)));
    expect((await indexer.recordedWindows({ windowStarts: [T0 + 600] })).total).toBe(0);
    const reader = chain.client();
    const args = [BigInt(T0 + 600)] as const;
    expect(await reader.readContract({ address: chain.deployment.dataLogger, abi: dataLoggerAbi, functionName: 'isCommitted', args })).toBe(true);
    expect(await reader.readContract({ address: chain.deployment.dataLogger, abi: dataLoggerAbi, functionName: 'isRecorded', args })).toBe(false);
  });

  it("shows device freezes, their correction and a totals freeze as the logger's views answer them, with no eth_call", async () => {
    const counter = countRequests(http(chain.rpcUrl));
    const indexer = createRpcIndexer({ client: chain.client(counter.transport), contracts: chain.deployment, startBlock: chain.deployment.startBlock });
    const [w0, w1] = (await indexer.recordedWindows()).items;
    expect(w0.frozenDevices.map((f) => [f.deviceId, f.reason, f.correction?.summaryLeaf ?? null])).toEqual([
      ['SOLR_0001', 1, leaf],
      ['WIND_0002', 3, null],
      ['SOLR_0001', 8, null],
    ]);
    expect(w0.frozenDevices[0]).toMatchObject({ windowStart: T0, challenger, evidence: keccak256(stringToHex(`evidence 0 SOLR_0001`)) });
    expect(w0.frozenDevices[0].frozenAt).toBeGreaterThan(0);
    expect(w0.frozenDevices[0].correction!.blockNumber).toBeGreaterThan(w0.frozenDevices[0].blockNumber);
    expect(w0.totalsFrozen).toBeNull();
    expect(w1.frozenDevices).toEqual([]);
    expect(w1.totalsFrozen).toMatchObject({ reason: 14, challenger });
    // Queries over the freezes.
    expect((await indexer.frozenDevices({ frozen: true })).items.map((f) => [f.deviceId, f.reason])).toEqual([
      ['WIND_0002', 3],
      ['SOLR_0001', 8],
    ]);
    expect((await indexer.frozenDevices({ frozen: false })).items.map((f) => f.reason)).toEqual([1]);
    expect((await indexer.frozenDevices({ deviceIds: ['WIND_0002'], windowStarts: [T0] })).total).toBe(1);
    expect((await indexer.frozenDevices({ windowStarts: [T0 + 300] })).total).toBe(0);
    expect(counter.counts.eth_call).toBeUndefined();
    expect(counter.counts.eth_getLogs).toBe(1);

    // The same facts as the logger's views: an open freeze is the device's frozen reason; the correction is stored.
    const reader = chain.client();
    const view = (functionName: 'deviceFrozenReason' | 'correctionOf', deviceId: string) =>
      reader.readContract({ address: chain.deployment.dataLogger, abi: dataLoggerAbi, functionName, args: [BigInt(T0), toHex(deviceIdToBytes(deviceId))] });
    for (const deviceId of ['SOLR_0001', 'WIND_0002']) {
      const open = w0.frozenDevices.filter((f) => f.deviceId === deviceId && f.correction === null).at(-1);
      expect(await view('deviceFrozenReason', deviceId)).toBe(open?.reason ?? 0);
    }
    expect(await view('correctionOf', 'SOLR_0001')).toBe(leaf);
    const totals = (windowStart: number) =>
      reader.readContract({ address: chain.deployment.dataLogger, abi: dataLoggerAbi, functionName: 'totalsFrozenReason', args: [BigInt(windowStart)] });
    expect(await totals(T0 + 300)).toBe(14);
    expect(await totals(T0)).toBe(0);
  });
});

describe('RPC indexer against anvil: incremental, confirmations, reorgs', () => {
  let chain: TestChain;
  beforeAll(async () => {
    chain = await startTestChain();
  });
  afterAll(() => chain?.stop());

  it('later syncs read only the new blocks; nothing new costs no eth_getLogs', async () => {
    const counter = countRequests(http(chain.rpcUrl));
    const indexer = createRpcIndexer({
      client: chain.client(counter.transport),
      contracts: chain.deployment,
      startBlock: chain.deployment.startBlock,
      maxAgeMs: 0,
    });
    await chain.recordWindow(10);
    expect((await indexer.recordedWindows()).total).toBe(1);
    const first = await chain.blockNumber();
    counter.reset();
    expect((await indexer.recordedWindows()).total).toBe(1);
    expect(counter.counts.eth_getLogs).toBeUndefined();
    await chain.recordWindow(11);
    const sync = await indexer.sync();
    expect(sync.added.map((l) => l.list)).toEqual(['windowCommitted', 'windowRecorded']);
    expect(counter.calls('eth_getLogs').map((p) => Number((p as [{ fromBlock: string }])[0].fromBlock))).toEqual([Number(first) + 1]);
    expect((await indexer.recordedWindows()).items.map((w) => w.windowStart)).toEqual([T0 + 3000, T0 + 3300]);
  });

  it('leaves the newest `confirmations` blocks unindexed', async () => {
    const indexer = createRpcIndexer({
      client: chain.client(),
      contracts: chain.deployment,
      startBlock: chain.deployment.startBlock,
      confirmations: 3,
      maxAgeMs: 0,
    });
    await chain.mine(3); // the earlier windows are confirmed
    const before = (await indexer.recordedWindows()).total;
    await chain.recordWindow(20);
    const recordedIn = await chain.blockNumber();
    expect((await indexer.recordedWindows()).total).toBe(before);
    await chain.mine(2);
    const page = await indexer.recordedWindows();
    expect(page.total).toBe(before);
    expect(page.syncedTo).toBe(recordedIn - 1n);
    await chain.mine(1);
    const confirmed = await indexer.recordedWindows();
    expect(confirmed.total).toBe(before + 1);
    expect(confirmed.items.at(-1)!.windowStart).toBe(T0 + 6000);
    expect(confirmed.syncedTo).toBe(recordedIn);
  });

  it('drops the logs of blocks a reorg removed and reads the new branch', async () => {
    const indexer = createRpcIndexer({ client: chain.client(), contracts: chain.deployment, startBlock: chain.deployment.startBlock, maxAgeMs: 0 });
    await indexer.sync();
    const snapshot = await chain.snapshot();
    await chain.recordWindow(30, 111);
    await chain.register('SOLR_0030');
    expect((await indexer.recordedWindows({ windowStarts: [T0 + 9000] })).items).toMatchObject([{ energyWh: 111n }]);
    expect((await indexer.devices()).items.map((d) => d.deviceId)).toContain('SOLR_0030');

    // Another branch from the snapshot, longer than the old one: window 30 with other contents, no device.
    await chain.revert(snapshot);
    await chain.recordWindow(30, 222);
    await chain.recordWindow(31);
    await chain.mine(1);
    const sync = await indexer.sync();
    expect(sync.reorgFrom).not.toBeNull();
    expect(sync.removed.map((l) => l.list).sort()).toEqual(['deviceCertified', 'windowCommitted', 'windowRecorded']);
    expect(sync.added.map((l) => l.list)).toEqual(['windowCommitted', 'windowRecorded', 'windowCommitted', 'windowRecorded']);
    expect((await indexer.recordedWindows({ windowStarts: [T0 + 9000, T0 + 9300] })).items.map((w) => [w.windowStart, w.energyWh])).toEqual([
      [T0 + 9000, 222n],
      [T0 + 9300, 1031n],
    ]);
    expect((await indexer.devices()).items.map((d) => d.deviceId)).not.toContain('SOLR_0030');
    expect(indexer.status().reorgs).toBe(1);

    // A fresh indexer over the canonical chain agrees.
    const fresh = createRpcIndexer({ client: chain.client(), contracts: chain.deployment, startBlock: chain.deployment.startBlock });
    expect((await fresh.recordedWindows()).items).toEqual((await indexer.recordedWindows()).items);
  });

  it('reads a window energy beyond 2^53−1 exactly (18014398509484507 Wh, not …504)', async () => {
    const indexer = createRpcIndexer({ client: chain.client(), contracts: chain.deployment, startBlock: chain.deployment.startBlock, maxAgeMs: 0 });
    const snapshot = await chain.snapshot();
    await chain.recordWindow(50, 18014398509484507n);
    const [w] = (await indexer.recordedWindows({ windowStarts: [T0 + 15000] })).items;
    expect(w.energyWh).toBe(18014398509484507n);
    await chain.revert(snapshot);
  });

  it('handles a chain that got shorter (revert, no new blocks)', async () => {
    const indexer = createRpcIndexer({ client: chain.client(), contracts: chain.deployment, startBlock: chain.deployment.startBlock, maxAgeMs: 0 });
    const snapshot = await chain.snapshot();
    const before = (await indexer.recordedWindows()).total;
    await chain.recordWindow(40);
    expect((await indexer.recordedWindows()).total).toBe(before + 1);
    await chain.revert(snapshot);
    const page = await indexer.recordedWindows();
    expect(page.total).toBe(before);
    expect(page.syncedTo).toBe(await chain.blockNumber());
  });
});

describe('RPC indexer against anvil: organisations, trust lists, company identities', () => {
  let chain: TestChain;
  let orgId: bigint;
  // anvil's dev accounts 3, 4 and 5 (public test mnemonic): no other writer of this chain uses them.
  const alice: `0x${string}` = '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6';
  const bob: `0x${string}` = '0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a';
  const carol: `0x${string}` = '0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba';
  const address = (key: `0x${string}`) => privateKeyToAccount(key).address;
  const cid = (n: number) => `${TEST_PLACEHOLDER_CID.slice(0, -1)}${'abcdefg'[n]}`;
  beforeAll(async () => {
    chain = await startTestChain();
    const { installerRegistry, companyIdentity } = chain.deployment;
    orgId = await createInstallerOrganisation({
      rpcUrl: chain.rpcUrl,
      contracts: chain.deployment,
      adminKey: alice,
      name: 'Volt & Sons',
      electricians: [address(bob), address(carol)],
      memberListCid: (m) => cid(m.electricians.length),
    });
    await chain.write(installerRegistry, installerRegistryAbi, 'addAdmin', [orgId, address(carol), cid(3)], alice);
    await chain.write(installerRegistry, installerRegistryAbi, 'removeElectrician', [orgId, address(bob), cid(4)], alice);
    await chain.write(installerRegistry, installerRegistryAbi, 'trust', [orgId], bob);
    await chain.write(installerRegistry, installerRegistryAbi, 'trust', [chain.installers.organisationId], bob);
    await chain.write(installerRegistry, installerRegistryAbi, 'trust', [orgId], carol);
    await chain.write(installerRegistry, installerRegistryAbi, 'distrust', [chain.installers.organisationId], bob);
    await registerCompany({ rpcUrl: chain.rpcUrl, contracts: chain.deployment, key: bob, profileCid: cid(5) });
    await chain.write(companyIdentity, companyIdentityAbi, 'updateProfile', [cid(6)], bob);
    await registerCompany({ rpcUrl: chain.rpcUrl, contracts: chain.deployment, key: carol, profileCid: cid(1) });
    await chain.write(companyIdentity, companyIdentityAbi, 'burn', [], carol);
  });
  afterAll(() => chain?.stop());

  it("lists organisations with their members and member-list CID as the registry's views answer, with no eth_call", async () => {
    const counter = countRequests(http(chain.rpcUrl));
    const indexer = createRpcIndexer({ client: chain.client(counter.transport), contracts: chain.deployment, startBlock: chain.deployment.startBlock });
    const { items } = await indexer.organisations();
    expect(items.map((o) => o.organisationId)).toEqual([chain.installers.organisationId, orgId]);
    const org = items[1];
    expect(org).toMatchObject({ name: 'Volt & Sons', admins: [address(alice), address(carol)], electricians: [address(carol)], memberListCid: cid(4) });
    expect((await indexer.organisations({ member: address(bob) })).items).toEqual([]);
    expect((await indexer.organisations({ member: address(carol) })).items.map((o) => o.organisationId)).toEqual([orgId]);
    expect(counter.counts.eth_call).toBeUndefined();
    expect(counter.counts.eth_getLogs).toBe(1);

    const reader = chain.client();
    const view = <F extends 'getOrganisation' | 'isAdmin' | 'isElectrician'>(functionName: F, args: readonly unknown[]) =>
      reader.readContract({ address: chain.deployment.installerRegistry, abi: installerRegistryAbi, functionName, args } as never) as Promise<unknown>;
    const stored = (await view('getOrganisation', [orgId])) as {
      name: string;
      memberListCid: string;
      createdAt: bigint;
      adminCount: number;
      electricianCount: number;
    };
    expect({
      name: org.name,
      memberListCid: org.memberListCid,
      createdAt: org.createdAt,
      admins: org.admins.length,
      electricians: org.electricians.length,
    }).toEqual({
      name: stored.name,
      memberListCid: stored.memberListCid,
      createdAt: Number(stored.createdAt),
      admins: stored.adminCount,
      electricians: stored.electricianCount,
    });
    for (const key of [alice, bob, carol]) {
      expect(await view('isAdmin', [orgId, address(key)])).toBe(org.admins.includes(address(key)));
      expect(await view('isElectrician', [orgId, address(key)])).toBe(org.electricians.includes(address(key)));
    }
  });

  it("keeps each account's trust list as trustedOrganisations answers it", async () => {
    const indexer = createRpcIndexer({ client: chain.client(), contracts: chain.deployment, startBlock: chain.deployment.startBlock });
    const { items } = await indexer.trustLists({ accounts: [address(bob), address(carol), address(alice)] });
    expect(items.map((t) => [t.account, t.organisationIds])).toEqual([
      [address(bob), [orgId]],
      [address(carol), [orgId]],
      [address(alice), []],
    ]);
    for (const t of items) {
      const onChain = await chain.client().readContract({
        address: chain.deployment.installerRegistry,
        abi: installerRegistryAbi,
        functionName: 'trustedOrganisations',
        args: [t.account],
      });
      expect([...onChain].sort()).toEqual([...t.organisationIds].sort());
    }
  });

  it('lists company identities with their current profile CID; a burned one has burnedAt', async () => {
    const indexer = createRpcIndexer({ client: chain.client(), contracts: chain.deployment, startBlock: chain.deployment.startBlock });
    const all = (await indexer.companyIdentities()).items;
    expect(all.map((i) => [i.holder, i.burnedAt === null])).toEqual([
      [address(ANVIL_KEYS.deployer), true],
      [address(bob), true],
      [address(carol), false],
    ]);
    const [held] = (await indexer.companyIdentities({ holders: [address(bob)] })).items;
    expect(held.profileCid).toBe(cid(6));
    const reader = chain.client();
    const at = { address: chain.deployment.companyIdentity, abi: companyIdentityAbi } as const;
    expect(await reader.readContract({ ...at, functionName: 'profileCid', args: [held.id] })).toBe(held.profileCid);
    expect(await reader.readContract({ ...at, functionName: 'holderOf', args: [held.id] })).toBe(held.holder);
    expect(await reader.readContract({ ...at, functionName: 'hasIdentity', args: [address(carol)] })).toBe(false);
    expect((await indexer.companyIdentities({ burned: false })).total).toBe(2);
  });
});
