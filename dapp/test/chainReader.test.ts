/**
 * The dApp's lists cost one eth_getLogs per page, not 2N+1 view calls: the chain reader over a
 * real anvil, every JSON-RPC request counted by method.
 */
import { countRequests } from '@gridproof/chain';
import { http } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChainReader } from '../src/lib/chain.js';
import type { AppConfig } from '../src/lib/config.js';
import { createWagmiConfig } from '../src/lib/wagmi.js';
import { anchorVectorWindow, commitListWindow, freezeDevice, recordListWindow, startChain, windowVector, type Deployment, type Stoppable } from './fixture.js';

const WINDOWS = 12;
let chain: Stoppable & { rpcUrl: string; chainId: number; deployment: Deployment };
let app: AppConfig;
const start = (i: number) => windowVector.windowStart + 300 * (10 + i);

beforeAll(async () => {
  chain = await startChain();
  await anchorVectorWindow(chain.rpcUrl, chain.deployment);
  for (let i = 0; i < WINDOWS; i++) await recordListWindow(chain.rpcUrl, chain.deployment, start(i), 1000 + i);
  app = {
    chainId: chain.chainId,
    rpcUrl: chain.rpcUrl,
    apiUrl: 'http://127.0.0.1:9',
    gatewayUrl: 'http://127.0.0.1:9',
    deviceRegistry: chain.deployment.deviceRegistry,
    dataLogger: chain.deployment.dataLogger,
    startBlock: chain.deployment.startBlock,
  };
});
afterAll(() => chain?.stop());

/** A reader whose JSON-RPC requests are counted by method. */
function countedReader() {
  const counter = countRequests(http(chain.rpcUrl, { batch: true }));
  return { counter, reader: createChainReader(createWagmiConfig(app, counter.transport), app) };
}

describe('dApp lists read through the indexer', () => {
  it('a page of windows costs one eth_getLogs, and no eth_call per window', async () => {
    const { counter, reader } = countedReader();
    const page = await reader.listWindows({ limit: 5 });
    expect(page.total).toBe(WINDOWS + 1);
    expect(page.items.map((w) => w.windowStart)).toEqual([start(11), start(10), start(9), start(8), start(7)]);
    expect(page.items[0]).toMatchObject({ windowSeconds: 300, energyWh: 1011n, deviceCount: 1, readingCount: 2, frozenDevices: [], totalsFrozen: null });
    expect(page.items[0].commit).toMatchObject({ windowStart: start(11), cidDigest: page.items[0].cidDigest });
    expect(counter.counts.eth_getLogs).toBe(1);
    // The window length, once per page load (today's event lacks it), never once per row.
    expect(counter.counts.eth_call).toBe(1);

    // The oldest page (the vector window last), and a refresh after a new window: still no view call.
    const last = await reader.listWindows({ offset: 10, limit: 5 });
    expect(last.items.map((w) => w.windowStart)).toEqual([start(1), start(0), windowVector.windowStart]);
    expect(last.items.at(-1)).toMatchObject({ root: windowVector.root, cidDigest: windowVector.cidDigest, energyWh: BigInt(windowVector.energyWh) });
    await recordListWindow(chain.rpcUrl, chain.deployment, start(WINDOWS), 2000);
    await new Promise((r) => setTimeout(r, 1100)); // the indexer's freshness (1 s)
    counter.reset();
    const refreshed = await reader.listWindows({ limit: 5 });
    expect(refreshed.items[0]).toMatchObject({ windowStart: start(WINDOWS), energyWh: 2000n });
    expect(refreshed.total).toBe(WINDOWS + 2);
    expect(counter.counts.eth_getLogs).toBe(1);
    expect(counter.counts.eth_call).toBeUndefined();
  });

  it('a page of devices costs one eth_getLogs and no eth_call', async () => {
    const { counter, reader } = countedReader();
    const page = await reader.listDevices({ limit: 50 });
    expect(page.items.map((d) => d.deviceId)).toEqual(windowVector.devices.map((d) => d.deviceId).reverse());
    expect(page.items.every((d) => d.active)).toBe(true);
    expect(counter.counts.eth_getLogs).toBe(1);
    expect(counter.counts.eth_call).toBeUndefined();
  });

  it('without startBlock in config.json the start is found once, with eth_getCode and no eth_call', async () => {
    const { startBlock: _, ...noStart } = app;
    const counter = countRequests(http(chain.rpcUrl));
    const reader = createChainReader(createWagmiConfig(noStart, counter.transport), noStart);
    expect((await reader.listDevices({ limit: 50 })).total).toBe(windowVector.devices.length);
    expect(counter.counts.eth_getLogs).toBe(1);
    expect(counter.counts.eth_getCode).toBeGreaterThan(0);
    expect(counter.counts.eth_call).toBeUndefined();
  });

  it('shows a withheld window (committed, never recorded) and a frozen device, which verification reads by direct view', async () => {
    const withheld = start(40);
    const digest = await commitListWindow(chain.rpcUrl, chain.deployment, withheld);
    const device = windowVector.devices[0].deviceId;
    const challenger = await freezeDevice(chain.rpcUrl, chain.deployment, windowVector.windowStart, device, 1);
    await new Promise((r) => setTimeout(r, 1100)); // the indexer's freshness (1 s)
    const { counter, reader } = countedReader();
    const commits = await reader.listUnrecordedCommits({ limit: 10 });
    expect(commits.items.map((c) => [c.windowStart, c.cidDigest])).toEqual([[withheld, digest]]);
    const frozen = await reader.listFrozenDevices(windowVector.windowStart);
    expect(frozen).toMatchObject([{ deviceId: device, reason: 1, challenger, correction: null }]);
    expect(counter.counts.eth_call).toBeUndefined();
    expect(await reader.readDeviceFreeze(windowVector.windowStart, device)).toEqual({ reason: 1, correctedLeaf: null });
    expect(await reader.readDeviceFreeze(windowVector.windowStart, windowVector.devices[1].deviceId)).toEqual({ reason: 0, correctedLeaf: null });
  });
});
