import { deviceIdFromBytes, fromHex } from '@gridproof/protocol';
import type { Address, Hex, PublicClient } from 'viem';
import { findDeploymentBlock } from './deploymentBlock.js';
import type { AnyIndexedLog, ContractKey, IndexedLog } from './eventLists.js';
import { createLogCache, type LogCache, type LogCacheStatus, type SyncResult } from './logCache.js';

/** Where a fact was written on chain. */
export interface ChainPosition {
  blockNumber: bigint;
  transactionHash: Hex;
}

/** A DataLogger `WindowCommitted` event: phase one of the two-phase anchor. */
export interface WindowCommitment extends ChainPosition {
  windowStart: number;
  /** SHA-256 of the window document, fixed before the sampling seed existed. */
  cidDigest: Hex;
  /** The block whose hash seeds the window's signature sample (commit block + 1). */
  seedBlock: bigint;
  /** Block timestamp of the commit. */
  committedAt: number;
}

/** A DataLogger `WindowRecorded` event, with its commit and what became of the window. */
export interface RecordedWindow extends ChainPosition {
  windowStart: number;
  /** From the event when it carries it; the DataLogger's event of today does not. */
  windowSeconds: number | undefined;
  root: Hex;
  cidDigest: Hex;
  deviceCount: number;
  readingCount: number;
  /** Exact (uint64 on chain): a window's total may pass 2^53−1. */
  energyWh: bigint;
  /** Block timestamp of the recording (= `WindowRecord.recordedAt`). */
  recordedAt: number;
  /** The commit this record completed; null only when it lies before the indexer's start block. */
  commit: WindowCommitment | null;
  /** Every device freeze in the window, in chain order (a corrected device frozen again appears twice). */
  frozenDevices: FrozenDevice[];
  /** Set once the WindowChallenger proved the window's totals wrong. */
  totalsFrozen: TotalsFreeze | null;
}

/**
 * A DataLogger `DeviceFrozen` event: one device's summary in one window proven fraudulent. The device's readings
 * in the window are unprovable while `correction` is null (= `deviceFrozenReason(windowStart, deviceId) == reason`).
 */
export interface FrozenDevice extends ChainPosition {
  windowStart: number;
  deviceId: string;
  /** WindowChallenger reason code (IWindowChallenger: 1 bad signature … 15 malformed reading). */
  reason: number;
  challenger: Address;
  /** The leaf the proof was about (a reading leaf or a summary leaf). */
  evidence: Hex;
  frozenAt: number;
  /** The DON's corrected summary that lifted this freeze (`DeviceCorrected`), or null while frozen. */
  correction: DeviceCorrection | null;
}

/** A DataLogger `DeviceCorrected` event. */
export interface DeviceCorrection extends ChainPosition {
  summaryLeaf: Hex;
  cidDigest: Hex;
  correctedAt: number;
}

/** A DataLogger `WindowTotalsFrozen` event. */
export interface TotalsFreeze extends ChainPosition {
  reason: number;
  challenger: Address;
  frozenAt: number;
}

/** A device as the DeviceRegistry's `DeviceRegistered` / `DeviceRevoked` events describe it. */
export interface DeviceRecord extends ChainPosition {
  deviceId: string;
  keyType: number;
  publicKey: Hex;
  owner: Address;
  active: boolean;
  /** Block timestamp of the registration (= `Device.registeredAt`). */
  registeredAt: number;
  revokedAt: number | null;
}

export interface ListQuery {
  /** 'asc' (default): chain order; 'desc': newest first. */
  order?: 'asc' | 'desc';
  offset?: number;
  limit?: number;
}

export interface WindowQuery extends ListQuery {
  /** Only these windows. */
  windowStarts?: readonly number[];
}

export interface FrozenDeviceQuery extends WindowQuery {
  /** Only these devices. */
  deviceIds?: readonly string[];
  /** true: only freezes not lifted by a correction (the device is unprovable now); false: only corrected ones. */
  frozen?: boolean;
}

export interface DeviceQuery extends ListQuery {
  deviceIds?: readonly string[];
}

/** One page of a list, and how far the chain was indexed when it was read. */
export interface Page<T> {
  items: T[];
  /** Items matching the query before offset/limit. */
  total: number;
  syncedTo: bigint;
}

export interface IndexerStatus extends LogCacheStatus {
  /** Unix ms of the last completed sync, or null. */
  syncedAt: number | null;
}

/**
 * The one way to read GridProof's lists from the chain. Queries answer from a cache brought up to
 * date (head − confirmations) first when it is older than `maxAgeMs`; `sync()` forces that. The
 * RPC adapter is `createRpcIndexer`; a subgraph adapter can implement the same interface.
 */
export interface Indexer {
  sync(): Promise<SyncResult>;
  recordedWindows(query?: WindowQuery): Promise<Page<RecordedWindow>>;
  /**
   * Windows committed (phase one) but not recorded, in commit order: a draw still pending, or a document the API
   * withheld after the commit (it stays here for good: a missing window, visible as such).
   */
  unrecordedCommits(query?: WindowQuery): Promise<Page<WindowCommitment>>;
  /** Device freezes over all windows, in chain order (each also in its window's `frozenDevices`). */
  frozenDevices(query?: FrozenDeviceQuery): Promise<Page<FrozenDevice>>;
  /** Registered devices, revoked ones included (`active: false`), in registration order. */
  devices(query?: DeviceQuery): Promise<Page<DeviceRecord>>;
  status(): IndexerStatus;
}

/** The addresses of a deployment (contracts/deployments/<chainId>.json has these names). */
export type IndexerContracts = Partial<Record<ContractKey, Address>>;

export interface CreateRpcIndexerParameters {
  client: PublicClient;
  contracts: IndexerContracts;
  /**
   * First block to read: the deployment's `startBlock` (contracts/deployments/<chainId>.json).
   * Omitted: found once with `findDeploymentBlock` (bisection over eth_getCode; needs historical state).
   */
  startBlock?: bigint | number;
  /** Most blocks per eth_getLogs (default 10,000). */
  pageBlocks?: number;
  /** Blocks below the head left unindexed (default 0). */
  confirmations?: number;
  /** A query syncs first when the last sync is older than this (default 1,000 ms; 0: every query). */
  maxAgeMs?: number;
  /** Milliseconds clock (tests). */
  nowMs?: () => number;
}

function page<T>(all: T[], q: ListQuery, syncedTo: bigint): Page<T> {
  const ordered = q.order === 'desc' ? [...all].reverse() : all;
  const offset = q.offset ?? 0;
  return { items: ordered.slice(offset, q.limit === undefined ? undefined : offset + q.limit), total: all.length, syncedTo };
}

/** The items whose key is in `only`; all of them when `only` is undefined. */
function among<T, K>(items: T[], key: (item: T) => K, only: readonly K[] | undefined): T[] {
  if (!only) return items;
  const wanted = new Set(only);
  return items.filter((item) => wanted.has(key(item)));
}

/** Chain order: by block, then by log index. */
const chainOrder = (x: Pick<IndexedLog, 'blockNumber' | 'logIndex'>, y: Pick<IndexedLog, 'blockNumber' | 'logIndex'>) =>
  x.blockNumber === y.blockNumber ? x.logIndex - y.logIndex : x.blockNumber < y.blockNumber ? -1 : 1;

const position = (l: Pick<IndexedLog, 'blockNumber' | 'transactionHash'>): ChainPosition => ({
  blockNumber: l.blockNumber,
  transactionHash: l.transactionHash,
});

/**
 * The RPC adapter: viem `getLogs` over the deployment's contracts from its start block, in pages,
 * at a confirmation depth, reorg-safe and incremental (see `createLogCache`).
 * @example
 * const indexer = createRpcIndexer({ client, contracts: deployment, startBlock: deployment.startBlock });
 * const { items } = await indexer.recordedWindows({ order: 'desc', limit: 50 });
 */
export function createRpcIndexer(params: CreateRpcIndexerParameters): Indexer {
  const maxAgeMs = params.maxAgeMs ?? 1000;
  const nowMs = params.nowMs ?? Date.now;
  const contracts: IndexerContracts = { dataLogger: params.contracts.dataLogger, deviceRegistry: params.contracts.deviceRegistry };
  let cache: LogCache | undefined;
  let cacheReady: Promise<LogCache> | undefined;
  let syncedAt: number | null = null;

  function ready(): Promise<LogCache> {
    cacheReady ??= (async () => {
      let startBlock: bigint;
      if (params.startBlock !== undefined) startBlock = BigInt(params.startBlock);
      else {
        const followed = Object.values(contracts).filter((a): a is Address => a !== undefined);
        const blocks = await Promise.all(followed.map((a) => findDeploymentBlock(params.client, a)));
        // biome-ignore lint/complexity/useMathMinMax: block numbers are bigints, which Math.min does not take
        startBlock = blocks.reduce((a, b) => (b < a ? b : a));
      }
      cache = createLogCache({ client: params.client, contracts, startBlock, pageBlocks: params.pageBlocks, confirmations: params.confirmations });
      return cache;
    })().catch((err) => {
      cacheReady = undefined;
      throw err;
    });
    return cacheReady;
  }

  async function sync(): Promise<SyncResult> {
    const c = await ready();
    const result = await c.sync();
    syncedAt = nowMs();
    return result;
  }

  async function fresh(): Promise<LogCache> {
    const c = await ready();
    if (syncedAt === null || nowMs() - syncedAt >= maxAgeMs) await sync();
    return c;
  }

  // Projections, recomputed only when the cache changed.
  let memo: { version: number; windows: RecordedWindow[]; unrecorded: WindowCommitment[]; frozen: FrozenDevice[]; devices: DeviceRecord[] } | undefined;
  function project(c: LogCache) {
    if (memo?.version === c.version) return memo;
    const has = (l: string) => c.lists().includes(l as never);
    const commits = new Map<number, WindowCommitment>();
    if (has('windowCommitted')) {
      for (const l of c.logs('windowCommitted')) {
        const windowStart = Number(l.args.windowStart);
        commits.set(windowStart, {
          ...position(l),
          windowStart,
          cidDigest: l.args.cidDigest,
          seedBlock: BigInt(l.args.seedBlock),
          committedAt: l.blockTimestamp,
        });
      }
    }
    // Freezes and corrections in chain order: a correction lifts the device's open freeze in that window.
    const frozen: FrozenDevice[] = [];
    if (has('deviceFrozen')) {
      const events: AnyIndexedLog[] = [...c.logs('deviceFrozen'), ...c.logs('deviceCorrected')];
      events.sort(chainOrder);
      const open = new Map<string, FrozenDevice>();
      for (const l of events) {
        if (l.list !== 'deviceFrozen' && l.list !== 'deviceCorrected') continue;
        const windowStart = Number(l.args.windowStart);
        const deviceId = deviceIdFromBytes(fromHex(l.args.deviceId));
        const key = `${windowStart}/${deviceId}`;
        if (l.list === 'deviceFrozen') {
          const f: FrozenDevice = {
            ...position(l),
            windowStart,
            deviceId,
            reason: l.args.reason,
            challenger: l.args.challenger,
            evidence: l.args.evidence,
            frozenAt: l.blockTimestamp,
            correction: null,
          };
          frozen.push(f);
          open.set(key, f);
        } else {
          const f = open.get(key);
          if (f) f.correction = { ...position(l), summaryLeaf: l.args.summaryLeaf, cidDigest: l.args.cidDigest, correctedAt: l.blockTimestamp };
          open.delete(key);
        }
      }
    }
    const totals = new Map<number, TotalsFreeze>();
    if (has('windowTotalsFrozen')) {
      for (const l of c.logs('windowTotalsFrozen')) {
        totals.set(Number(l.args.windowStart), { ...position(l), reason: l.args.reason, challenger: l.args.challenger, frozenAt: l.blockTimestamp });
      }
    }
    const recorded = new Set<number>();
    const windows: RecordedWindow[] = has('windowRecorded')
      ? c.logs('windowRecorded').map((l) => {
          const a = l.args as typeof l.args & { windowSeconds?: number };
          const windowStart = Number(a.windowStart);
          recorded.add(windowStart);
          return {
            ...position(l),
            windowStart,
            windowSeconds: a.windowSeconds === undefined ? undefined : Number(a.windowSeconds),
            root: a.root,
            cidDigest: a.cidDigest,
            deviceCount: a.deviceCount,
            readingCount: a.readingCount,
            energyWh: BigInt(a.energyWh),
            recordedAt: l.blockTimestamp,
            commit: commits.get(windowStart) ?? null,
            frozenDevices: frozen.filter((f) => f.windowStart === windowStart),
            totalsFrozen: totals.get(windowStart) ?? null,
          };
        })
      : [];
    const unrecorded = [...commits.values()].filter((w) => !recorded.has(w.windowStart));
    const devicesById = new Map<string, DeviceRecord>();
    if (has('deviceRegistered')) {
      // Registrations and revocations in chain order: the last event about a device decides its state.
      const events: AnyIndexedLog[] = [...c.logs('deviceRegistered'), ...c.logs('deviceRevoked')];
      events.sort(chainOrder);
      for (const l of events) {
        if (l.list !== 'deviceRegistered' && l.list !== 'deviceRevoked') continue;
        const deviceId = deviceIdFromBytes(fromHex(l.args.deviceId));
        if (l.list === 'deviceRegistered') {
          const a = l.args;
          devicesById.delete(deviceId);
          devicesById.set(deviceId, {
            ...position(l),
            deviceId,
            keyType: a.keyType,
            publicKey: a.publicKey,
            owner: a.owner,
            active: true,
            registeredAt: l.blockTimestamp,
            revokedAt: null,
          });
        } else {
          const d = devicesById.get(deviceId);
          if (d) devicesById.set(deviceId, { ...d, active: false, revokedAt: l.blockTimestamp });
        }
      }
    }
    memo = { version: c.version, windows, unrecorded, frozen, devices: [...devicesById.values()] };
    return memo;
  }

  const syncedTo = () => cache!.status().syncedTo;

  return {
    sync,
    async recordedWindows(q = {}) {
      const c = await fresh();
      c.logs('windowRecorded');
      return page(
        among(project(c).windows, (w) => w.windowStart, q.windowStarts),
        q,
        syncedTo(),
      );
    },
    async unrecordedCommits(q = {}) {
      const c = await fresh();
      c.logs('windowCommitted');
      return page(
        among(project(c).unrecorded, (w) => w.windowStart, q.windowStarts),
        q,
        syncedTo(),
      );
    },
    async frozenDevices(q = {}) {
      const c = await fresh();
      c.logs('deviceFrozen');
      const matching = among(
        among(project(c).frozen, (f) => f.windowStart, q.windowStarts),
        (f) => f.deviceId,
        q.deviceIds,
      ).filter((f) => q.frozen === undefined || q.frozen === (f.correction === null));
      return page(matching, q, syncedTo());
    },
    async devices(q = {}) {
      const c = await fresh();
      c.logs('deviceRegistered');
      return page(
        among(project(c).devices, (d) => d.deviceId, q.deviceIds),
        q,
        syncedTo(),
      );
    },
    status() {
      const s = cache?.status() ?? {
        startBlock: BigInt(params.startBlock ?? 0),
        syncedTo: -1n,
        pageBlocks: params.pageBlocks ?? 10_000,
        confirmations: params.confirmations ?? 0,
        reorgs: 0,
        getLogsRequests: 0,
      };
      return { ...s, syncedAt };
    },
  };
}
