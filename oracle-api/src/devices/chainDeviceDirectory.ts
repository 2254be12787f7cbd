import { createRpcIndexer, type DeviceRecord, type Indexer } from '@gridproof/chain';
import { decodeRegistryEntry, type DeviceRole } from '@gridproof/protocol';
import { createPublicClient, http, type Address, type PublicClient } from 'viem';
import type { DeviceDirectory, DeviceEntry, DeviceListing } from './deviceDirectory.js';

export interface CreateChainDeviceDirectoryParameters {
  /** DeviceRegistry address. */
  address: Address;
  /** A viem public client; or `rpcUrl` to make one. */
  client?: PublicClient;
  rpcUrl?: string;
  /** The deployment's `startBlock`; omitted, the registry's deployment block is found once. */
  startBlock?: bigint | number;
  /**
   * A check answers from a view whose sync began at most this long ago (default 1,000 ms), else it waits for a new
   * one: a revocation is seen within this bound plus one sync. Readings accepted in that gap are excluded at sealing.
   */
  maxStalenessMs?: number;
  /** Blocks below the head left unindexed (default 0: a revocation counts from the block that carries it). */
  confirmations?: number;
  /** Milliseconds clock, injectable for tests. */
  nowMs?: () => number;
}

export interface ChainDeviceDirectory extends DeviceDirectory {
  /** Syncs of the registry's events made so far (tests, /health). */
  readonly syncs: number;
  /** The indexer this directory owns and syncs (it must be synced only through the directory). */
  readonly indexer: Indexer;
}

function entryOf(d: DeviceRecord): DeviceEntry {
  const key = decodeRegistryEntry({ keyType: d.keyType, publicKey: d.publicKey, revokedAt: d.revokedAt ?? 0 });
  if (!key) throw new Error(`Device ${d.deviceId} has key type 0 in a DeviceCertified event.`);
  return {
    keyType: key.keyType,
    publicKey: key.publicKey,
    active: d.active,
    revokedAt: d.revokedAt,
    revocationReason: d.revocationReason,
    role: d.role as DeviceRole,
  };
}

/**
 * A device directory over the DeviceRegistry's `DeviceCertified` / `DeviceRevoked` events, read through the
 * `@gridproof/chain` indexer (paged eth_getLogs, reorg-safe, incremental): no TTL cache of view calls.
 * - A check uses a view whose sync began at most `maxStalenessMs` ago; one sync serves every concurrent check.
 * - An id not in the view waits for a sync that began after the check arrived (shared by every check waiting), so a
 *   device streams from the block that certifies it, and "unknown" is never remembered past a new block.
 * - `settled()` is such a sync too: the sealer's view after a window's end.
 * - When a sync fails, a device in the last view is still answered from it (sealing re-checks with a fresh view);
 *   an id not in it rejects (503, never "unknown").
 * @example const devices = createChainDeviceDirectory({ rpcUrl: 'http://127.0.0.1:8545', address: '0x…' })
 */
export function createChainDeviceDirectory(params: CreateChainDeviceDirectoryParameters): ChainDeviceDirectory {
  const client = params.client ?? (createPublicClient({ transport: http(params.rpcUrl) }) as PublicClient);
  // The directory decides when to sync; the indexer's own age check never fires after the first sync.
  const indexer = createRpcIndexer({
    client,
    contracts: { deviceRegistry: params.address },
    startBlock: params.startBlock,
    confirmations: params.confirmations,
    maxAgeMs: Number.POSITIVE_INFINITY,
  });
  const maxStalenessMs = params.maxStalenessMs ?? 1000;
  const nowMs = params.nowMs ?? Date.now;
  let view: { startedAt: number; records: DeviceRecord[]; byId: Map<string, DeviceRecord> } | undefined;
  let running: { startedAt: number; done: Promise<void> } | undefined;
  let queued: Promise<void> | undefined;
  let syncs = 0;

  function start(): Promise<void> {
    const startedAt = nowMs();
    const done = (async () => {
      syncs++;
      await indexer.sync();
      const { items } = await indexer.devices();
      view = { startedAt, records: items, byId: new Map(items.map((d) => [d.deviceId, d])) };
    })().finally(() => {
      if (running?.done === done) running = undefined;
    });
    running = { startedAt, done };
    return done;
  }

  /** A sync that began at or after `since`: the running one if it did, else one shared next sync. */
  function syncBegunAfter(since: number): Promise<void> {
    if (running && running.startedAt >= since) return running.done;
    if (!running) return start();
    queued ??= running.done
      .catch(() => {})
      .then(() => {
        queued = undefined;
        return running && running.startedAt >= since ? running.done : start();
      });
    return queued;
  }

  /** A view at most maxStalenessMs old; on a failed sync, the last view if there is one. */
  async function current(): Promise<NonNullable<typeof view>> {
    const now = nowMs();
    if (view && now - view.startedAt <= maxStalenessMs) return view;
    try {
      await syncBegunAfter(now - maxStalenessMs);
    } catch (err) {
      if (!view) throw err;
    }
    return view!;
  }

  return {
    indexer,
    get syncs() {
      return syncs;
    },
    async get(deviceId) {
      const arrived = nowMs();
      const known = (await current()).byId.get(deviceId);
      if (known) return entryOf(known);
      // Maybe certified since the view was read: only a sync begun after this check may say "unknown".
      await syncBegunAfter(arrived);
      const found = view!.byId.get(deviceId);
      return found && entryOf(found);
    },
    async list() {
      return (await current()).records.map(
        (d): DeviceListing => ({
          deviceId: d.deviceId,
          ...entryOf(d),
          ratedCapacityW: d.ratedCapacityW,
          certifier: d.certifier,
          organisationId: d.organisationId.toString(),
          certifiedAt: d.certifiedAt,
        }),
      );
    },
    async settled() {
      await syncBegunAfter(nowMs());
      return new Map(view!.records.map((d) => [d.deviceId, entryOf(d)]));
    },
  };
}
