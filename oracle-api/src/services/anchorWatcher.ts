import { createRpcIndexer, type Indexer } from '@gridproof/chain';
import { and, asc, eq, inArray, isNull, isNotNull } from 'drizzle-orm';
import { createPublicClient, http, type Address, type PublicClient } from 'viem';
import type { ServiceContext } from '../context.js';
import { windows } from '../db/schema/index.js';
import { periodicTask } from './periodic.js';

export interface AnchorWatcher {
  /** Syncs the DataLogger's events and marks the sealed windows now recorded (pending ones oldest first, at most `limit` looked up, plus every window newly recorded); returns their starts. */
  check(limit?: number): Promise<number[]>;
  start(intervalMs?: number): void;
  stop(): Promise<void>;
}

export interface CreateAnchorWatcherParameters {
  /** DataLogger address. */
  address: Address;
  /** A viem public client; or `rpcUrl` to make one. */
  client?: PublicClient;
  rpcUrl?: string;
  /** An indexer following the DataLogger; default one made here from `client`. */
  indexer?: Indexer;
  /** The deployment's `startBlock`; omitted, the indexer finds the DataLogger's deployment block once. */
  startBlock?: bigint | number;
  /** Blocks below the head a recording needs before the window counts as anchored (default 0). */
  confirmations?: number;
}

/**
 * Learns which sealed windows the DON has written on chain from the DataLogger's `WindowRecorded`
 * events, read through the `@gridproof/chain` indexer (one eth_getLogs per tick, only the new
 * blocks; no view call per window). A recording dropped by a reorg puts its window back to
 * pending. Reads only; a failing RPC leaves windows as they are and is retried next tick.
 */
export function createAnchorWatcher(ctx: ServiceContext, params: CreateAnchorWatcherParameters): AnchorWatcher {
  const indexer =
    params.indexer ??
    createRpcIndexer({
      client: params.client ?? (createPublicClient({ transport: http(params.rpcUrl, { batch: true }) }) as PublicClient),
      contracts: { dataLogger: params.address },
      startBlock: params.startBlock,
      confirmations: params.confirmations,
      maxAgeMs: Number.POSITIVE_INFINITY, // check() syncs explicitly
    });

  async function check(limit = 100): Promise<number[]> {
    const sync = await indexer.sync();
    const starts = (logs: typeof sync.added) => logs.flatMap((l) => (l.list === 'windowRecorded' ? [Number(l.args.windowStart)] : []));
    const added = new Set(starts(sync.added));
    const dropped = starts(sync.removed).filter((s) => !added.has(s));
    if (dropped.length > 0) {
      const recordedAgain = new Set((await indexer.recordedWindows({ windowStarts: dropped })).items.map((w) => w.windowStart));
      const unanchor = dropped.filter((s) => !recordedAgain.has(s));
      if (unanchor.length > 0) {
        await ctx.db
          .update(windows)
          .set({ anchoredAt: null })
          .where(and(inArray(windows.windowStart, unanchor), isNotNull(windows.anchoredAt)));
        ctx.logger.warn('reorg: window recordings left the chain', { windowStarts: unanchor });
      }
    }
    await followFreezes(sync);
    const pending = await ctx.db
      .select({ windowStart: windows.windowStart })
      .from(windows)
      .where(isNull(windows.anchoredAt))
      .orderBy(asc(windows.windowStart))
      .limit(limit);
    const recorded = await indexer.recordedWindows({ windowStarts: pending.map((w) => w.windowStart) });
    const candidates = [...new Set([...added, ...recorded.items.map((w) => w.windowStart)])];
    if (candidates.length === 0) return [];
    const marked = await ctx.db
      .update(windows)
      .set({ anchoredAt: ctx.clock.now() })
      .where(and(inArray(windows.windowStart, candidates), isNull(windows.anchoredAt)))
      .returning({ windowStart: windows.windowStart });
    return marked.map((w) => w.windowStart).sort((a, b) => a - b);
  }

  /** Windows a WindowFrozen event touched in this sync (added or reorged away) take the chain's current answer. */
  async function followFreezes(sync: Awaited<ReturnType<Indexer['sync']>>): Promise<void> {
    const touched = [...new Set([...sync.added, ...sync.removed].flatMap((l) => (l.list === 'windowFrozen' ? [Number(l.args.windowStart)] : [])))];
    if (touched.length === 0) return;
    const frozen = (await indexer.frozenWindows({ windowStarts: touched, limit: touched.length })).items;
    for (const f of frozen) {
      await ctx.db.update(windows).set({ frozenAt: f.frozenAt, frozenReason: f.reason }).where(eq(windows.windowStart, f.windowStart));
    }
    const thawed = touched.filter((t) => !frozen.some((f) => f.windowStart === t));
    if (thawed.length > 0) await ctx.db.update(windows).set({ frozenAt: null, frozenReason: null }).where(inArray(windows.windowStart, thawed));
    if (frozen.length > 0)
      ctx.logger.warn('windows frozen on chain by a fraud proof', { windows: frozen.map((f) => ({ windowStart: f.windowStart, reason: f.reason })) });
  }

  const task = periodicTask(check, (err) => ctx.logger.warn('anchor check failed', { error: String(err) }));
  return {
    check,
    start: (intervalMs = 5000) => task.start(intervalMs),
    stop: () => task.stop(),
  };
}
