import { BlockNotFoundError, HttpRequestError, TimeoutError, type AbiEvent, type Address, type Hex, type PublicClient } from 'viem';
import { ChainError } from './errors.js';
import { EVENT_LISTS, type AnyIndexedLog, type ContractKey, type EventListName, type IndexedLog } from './eventLists.js';

export interface LogCacheParameters {
  client: PublicClient;
  /** Contract addresses; every event list of a contract given here is indexed. */
  contracts: Partial<Record<ContractKey, Address>>;
  /** First block to read (the deployment's `startBlock`). */
  startBlock: bigint;
  /** Most blocks per `eth_getLogs` (default 10,000). Halved automatically while a node refuses a range. */
  pageBlocks?: number;
  /** Blocks below the head that are not indexed yet (default 0: the head itself). */
  confirmations?: number;
  /** Indexed tips remembered to find where a reorg forked (default 64); deeper reorgs re-read from `startBlock`. */
  maxCheckpoints?: number;
}

/** What one `sync()` changed. */
export interface SyncResult {
  /** Last indexed block after the sync (startBlock − 1 before anything was indexed). */
  syncedTo: bigint;
  /** Logs indexed by this sync, in chain order. */
  added: AnyIndexedLog[];
  /** Logs dropped because their blocks left the canonical chain. */
  removed: AnyIndexedLog[];
  /** First block dropped by a reorg, or null. */
  reorgFrom: bigint | null;
}

export interface LogCacheStatus {
  startBlock: bigint;
  syncedTo: bigint;
  pageBlocks: number;
  confirmations: number;
  reorgs: number;
  /** `eth_getLogs` requests made so far. */
  getLogsRequests: number;
}

export interface LogCache {
  sync(): Promise<SyncResult>;
  logs<N extends EventListName>(list: N): readonly IndexedLog<N>[];
  lists(): readonly EventListName[];
  /** Changes whenever the cached logs change (for memoised projections). */
  readonly version: number;
  status(): LogCacheStatus;
}

interface Checkpoint {
  number: bigint;
  hash: Hex;
}

const isTransportFailure = (err: unknown) => err instanceof HttpRequestError || err instanceof TimeoutError;

/**
 * The core of the RPC indexer: every followed event list, read with one `eth_getLogs` per page of
 * blocks from `startBlock` to head − confirmations, kept in memory and extended incrementally.
 * Reorg-safe: each sync first re-reads the hash of the last indexed block (taken before its logs
 * were read); on a mismatch it walks back through earlier indexed tips to the newest one still
 * canonical, drops every log above it and reads again from there. A sync is atomic: it changes the
 * cache only once every page has been read.
 */
export function createLogCache(params: LogCacheParameters): LogCache {
  const { client, startBlock } = params;
  const confirmations = params.confirmations ?? 0;
  let pageBlocks = params.pageBlocks ?? 10_000;
  const maxCheckpoints = params.maxCheckpoints ?? 64;
  if (!Number.isSafeInteger(pageBlocks) || pageBlocks < 1)
    throw new ChainError('INVALID_INDEXER_PARAMETERS', `pageBlocks must be a positive integer (got ${pageBlocks}).`, { details: { pageBlocks } });
  if (!Number.isSafeInteger(confirmations) || confirmations < 0)
    throw new ChainError('INVALID_INDEXER_PARAMETERS', `confirmations must be a non-negative integer (got ${confirmations}).`, { details: { confirmations } });
  if (startBlock < 0n) throw new ChainError('INVALID_INDEXER_PARAMETERS', `startBlock must be ≥ 0 (got ${startBlock}).`, { details: { startBlock } });

  const lists = (Object.keys(EVENT_LISTS) as EventListName[]).filter((n) => params.contracts[EVENT_LISTS[n].contract]);
  const route = new Map<string, EventListName>(); // `${address}:${eventName}` → list
  for (const n of lists) route.set(`${params.contracts[EVENT_LISTS[n].contract]!.toLowerCase()}:${EVENT_LISTS[n].event.name}`, n);
  const addresses = [...new Set(lists.map((n) => params.contracts[EVENT_LISTS[n].contract]!))];
  const events = [...new Set(lists.map((n) => EVENT_LISTS[n].event))] as AbiEvent[];

  let logs: AnyIndexedLog[] = [];
  const byList = new Map<EventListName, AnyIndexedLog[]>();
  let checkpoints: Checkpoint[] = [];
  let next = startBlock;
  let version = 0;
  let reorgs = 0;
  let getLogsRequests = 0;
  let inflight: Promise<SyncResult> | undefined;

  function reindex() {
    byList.clear();
    for (const n of lists) byList.set(n, []);
    for (const l of logs) byList.get(l.list)!.push(l);
    version++;
  }
  reindex();

  async function isCanonical(c: Checkpoint): Promise<boolean> {
    try {
      return (await client.getBlock({ blockNumber: c.number })).hash === c.hash;
    } catch (err) {
      if (err instanceof BlockNotFoundError) return false; // the chain got shorter
      throw err;
    }
  }

  async function readPage(fromBlock: bigint, toBlock: bigint): Promise<AnyIndexedLog[]> {
    getLogsRequests++;
    const raw = await client.getLogs({ address: addresses, events, fromBlock, toBlock, strict: true });
    const out: AnyIndexedLog[] = [];
    for (const l of raw) {
      const list = route.get(`${l.address.toLowerCase()}:${l.eventName}`);
      if (!list) continue; // another followed contract's event with the same signature
      out.push({
        list: list as never,
        args: l.args as never,
        address: l.address,
        blockNumber: l.blockNumber,
        blockHash: l.blockHash,
        blockTimestamp: l.blockTimestamp === undefined || l.blockTimestamp === null ? -1 : Number(l.blockTimestamp),
        logIndex: l.logIndex,
        transactionHash: l.transactionHash,
      });
    }
    return out;
  }

  /** Reads [from, to] in pages; a node refusing a range (too many blocks or logs) gets half of it. */
  async function readRange(from: bigint, to: bigint): Promise<AnyIndexedLog[]> {
    const out: AnyIndexedLog[] = [];
    while (from <= to) {
      const end = from + BigInt(pageBlocks) - 1n < to ? from + BigInt(pageBlocks) - 1n : to;
      try {
        out.push(...(await readPage(from, end)));
        from = end + 1n;
      } catch (err) {
        if (isTransportFailure(err)) throw err;
        if (end === from) throw new ChainError('GET_LOGS_FAILED', `eth_getLogs failed for block ${from}.`, { details: { block: from }, cause: err });
        pageBlocks = Math.max(1, Math.floor(Number(end - from + 1n) / 2));
      }
    }
    return out;
  }

  /** Nodes without `blockTimestamp` in logs: one header per block that has logs. */
  async function fillTimestamps(found: AnyIndexedLog[]): Promise<void> {
    const missing = [...new Set(found.filter((l) => l.blockTimestamp < 0).map((l) => l.blockHash))];
    const stamps = new Map<Hex, number>();
    await Promise.all(missing.map(async (hash) => stamps.set(hash, Number((await client.getBlock({ blockHash: hash })).timestamp))));
    for (const l of found) if (l.blockTimestamp < 0) l.blockTimestamp = stamps.get(l.blockHash)!;
  }

  async function syncOnce(): Promise<SyncResult> {
    let removed: AnyIndexedLog[] = [];
    let reorgFrom: bigint | null = null;
    if (checkpoints.length > 0) {
      let i = checkpoints.length - 1;
      while (i >= 0 && !(await isCanonical(checkpoints[i]))) i--;
      if (i < checkpoints.length - 1) {
        const keep = i >= 0 ? checkpoints[i].number : startBlock - 1n;
        reorgFrom = keep + 1n;
        removed = logs.filter((l) => l.blockNumber > keep);
        logs = logs.filter((l) => l.blockNumber <= keep);
        checkpoints = checkpoints.slice(0, i + 1);
        next = keep + 1n;
        reorgs++;
        reindex();
      }
    }
    const head = await client.getBlockNumber({ cacheTime: 0 });
    const target = head - BigInt(confirmations);
    if (target < next) return { syncedTo: next - 1n, added: [], removed, reorgFrom };
    // The tip's hash is taken before its logs: a reorg in between shows as a mismatch next time.
    const tip = await client.getBlock({ blockNumber: target });
    const added = await readRange(next, target);
    await fillTimestamps(added);
    logs = logs.concat(added);
    checkpoints.push({ number: target, hash: tip.hash });
    if (checkpoints.length > maxCheckpoints) checkpoints = checkpoints.slice(-maxCheckpoints);
    next = target + 1n;
    if (added.length > 0) reindex();
    return { syncedTo: target, added, removed, reorgFrom };
  }

  return {
    sync() {
      inflight ??= syncOnce().finally(() => (inflight = undefined));
      return inflight;
    },
    logs<N extends EventListName>(list: N) {
      const found = byList.get(list);
      if (!found)
        throw new ChainError('CONTRACT_NOT_INDEXED', `The indexer follows no ${EVENT_LISTS[list].contract} address, so it has no ${list} events.`, {
          details: { list },
        });
      return found as IndexedLog<N>[];
    },
    lists: () => lists,
    get version() {
      return version;
    },
    status: () => ({ startBlock, syncedTo: next - 1n, pageBlocks, confirmations, reorgs, getLogsRequests }),
  };
}
