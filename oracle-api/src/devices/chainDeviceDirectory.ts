import { createRpcIndexer, type Indexer } from '@gridproof/chain';
import { decodeRegistryEntry, deviceIdToBytes, deviceRegistryAbi, toHex } from '@gridproof/protocol';
import { createPublicClient, http, type Address, type PublicClient } from 'viem';
import type { DeviceDirectory, DeviceEntry, DeviceListing } from './deviceDirectory.js';

export interface CreateChainDeviceDirectoryParameters {
  /** DeviceRegistry address. */
  address: Address;
  /** A viem public client; or `rpcUrl` to make one. */
  client?: PublicClient;
  rpcUrl?: string;
  /** How long a registered device's key and active flag are trusted before re-reading (revocations show up within this). */
  knownTtlMs?: number;
  /** How long "not registered" is remembered: a flood of unknown ids costs at most one lookup per id per this period. */
  unknownTtlMs?: number;
  /** Most remembered ids; the oldest are forgotten first, so random ids cannot grow memory without bound. */
  maxEntries?: number;
  /** Milliseconds clock, injectable for tests. */
  nowMs?: () => number;
  /** Where `list()` reads the registry's events; default an indexer over `client` made here. */
  indexer?: Indexer;
  /** The deployment's `startBlock` for that indexer; omitted, it finds the registry's deployment block once. */
  startBlock?: bigint | number;
}

export interface ChainDeviceDirectory extends DeviceDirectory {
  /** Number of `getDevices` calls made so far (exposed for tests and /health). */
  readonly rpcCalls: number;
}

interface CacheEntry {
  entry: DeviceEntry | undefined;
  fetchedAt: number;
}

/**
 * A device directory backed by the chain's DeviceRegistry. Lookups that miss the cache in the
 * same tick are coalesced into one `getDevices(bytes9[])` call (unknown ids come back zeroed,
 * keyType 0), concurrent lookups of one id share a promise, and answers are cached: known
 * devices for `knownTtlMs`, unknown ids for `unknownTtlMs`. When the RPC fails a stale known
 * entry is served rather than rejecting a device that exists. Keys are always this direct view
 * read (security-critical: ingestion trusts them). `list()` is not: it comes from the registry's
 * `DeviceRegistered`/`DeviceRevoked` events through the `@gridproof/chain` indexer (one
 * eth_getLogs for the new blocks, no view call per device).
 * @example const devices = createChainDeviceDirectory({ rpcUrl: 'http://127.0.0.1:8545', address: '0x…' })
 */
export function createChainDeviceDirectory(params: CreateChainDeviceDirectoryParameters): ChainDeviceDirectory {
  const client = params.client ?? (createPublicClient({ transport: http(params.rpcUrl) }) as PublicClient);
  const indexer = params.indexer ?? createRpcIndexer({ client, contracts: { deviceRegistry: params.address }, startBlock: params.startBlock, maxAgeMs: 0 });
  const knownTtlMs = params.knownTtlMs ?? 10_000;
  const unknownTtlMs = params.unknownTtlMs ?? 5_000;
  const maxEntries = params.maxEntries ?? 100_000;
  const nowMs = params.nowMs ?? Date.now;
  const cache = new Map<string, CacheEntry>();
  const inflight = new Map<string, Promise<DeviceEntry | undefined>>();
  let queue: { deviceId: string; resolve(e: DeviceEntry | undefined): void; reject(err: unknown): void }[] = [];
  let rpcCalls = 0;

  function remember(deviceId: string, entry: DeviceEntry | undefined): void {
    cache.delete(deviceId);
    cache.set(deviceId, { entry, fetchedAt: nowMs() });
    if (cache.size > maxEntries) cache.delete(cache.keys().next().value as string);
  }

  async function flush(): Promise<void> {
    const batch = queue;
    queue = [];
    rpcCalls++;
    try {
      const devices = await client.readContract({
        address: params.address,
        abi: deviceRegistryAbi,
        functionName: 'getDevices',
        args: [batch.map((q) => toHex(deviceIdToBytes(q.deviceId)))],
      });
      batch.forEach((q, i) => {
        const entry: DeviceEntry | undefined = devices[i] ? decodeRegistryEntry(devices[i]) : undefined;
        remember(q.deviceId, entry);
        q.resolve(entry);
      });
    } catch (err) {
      for (const q of batch) {
        const stale = cache.get(q.deviceId);
        if (stale?.entry) q.resolve(stale.entry);
        else q.reject(err);
      }
    }
  }

  let listing: { at: number; devices: Promise<DeviceListing[]> } | undefined;
  async function readAll(): Promise<DeviceListing[]> {
    const { items } = await indexer.devices();
    return items.map((d) => ({ deviceId: d.deviceId, ...decodeRegistryEntry(d)!, registeredAt: d.registeredAt }));
  }

  return {
    get rpcCalls() {
      return rpcCalls;
    },
    list() {
      // One registry read per knownTtlMs however many callers ask.
      if (!listing || nowMs() - listing.at >= knownTtlMs) {
        const devices = readAll();
        listing = { at: nowMs(), devices };
        devices.catch(() => (listing = undefined));
      }
      return listing.devices;
    },
    get(deviceId) {
      const cached = cache.get(deviceId);
      if (cached && nowMs() - cached.fetchedAt < (cached.entry ? knownTtlMs : unknownTtlMs)) return Promise.resolve(cached.entry);
      const pending = inflight.get(deviceId);
      if (pending) return pending;
      const promise = new Promise<DeviceEntry | undefined>((resolve, reject) => {
        if (queue.length === 0) setImmediate(() => void flush());
        queue.push({ deviceId, resolve, reject });
      }).finally(() => inflight.delete(deviceId));
      inflight.set(deviceId, promise);
      return promise;
    },
  };
}
