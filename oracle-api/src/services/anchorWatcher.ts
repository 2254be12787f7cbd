import { createRpcIndexer, type Indexer } from '@gridproof/chain';
import { and, asc, eq, inArray, isNull, isNotNull, sql } from 'drizzle-orm';
import { createPublicClient, http, type Address, type PublicClient } from 'viem';
import type { ServiceContext } from '../context.js';
import { frozenDevices, windows } from '../db/schema/index.js';
import { periodicTask } from './periodic.js';

export interface AnchorWatcher {
  /**
   * Syncs the DataLogger's events; marks the sealed windows now committed (phase one) and those now recorded (pending
   * ones oldest first, at most `limit` looked up, plus every window newly committed or recorded); mirrors device and
   * totals freezes. Returns the starts newly marked anchored.
   */
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
 * Learns which sealed windows the DON has committed (`WindowCommitted`) and recorded (`WindowRecorded`) on chain,
 * and which device summaries (`DeviceFrozen`, `DeviceCorrected`) and totals (`WindowTotalsFrozen`) fraud proofs
 * froze, read through the `@gridproof/chain` indexer (one eth_getLogs per tick, only the new blocks; no view call per
 * window). A commit or recording dropped by a reorg puts its window back; freezes take the chain's current answer.
 * Reads only; a failing RPC leaves windows as they are and is retried next tick.
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

  type Sync = Awaited<ReturnType<Indexer['sync']>>;
  const startsOf = (logs: Sync['added'], lists: readonly string[]) =>
    logs.flatMap((l) => (lists.includes(l.list) ? [Number((l.args as { windowStart: bigint }).windowStart)] : []));

  async function check(limit = 100): Promise<number[]> {
    const sync = await indexer.sync();
    await followReorgs(sync);
    await followFreezes(sync);
    const pending = await ctx.db
      .select({ windowStart: windows.windowStart })
      .from(windows)
      .where(isNull(windows.anchoredAt))
      .orderBy(asc(windows.windowStart))
      .limit(limit);
    const lookup = pending.map((w) => w.windowStart);
    const committed = await indexer.unrecordedCommits({ windowStarts: lookup });
    const commitCandidates = [...new Set([...startsOf(sync.added, ['windowCommitted']), ...committed.items.map((w) => w.windowStart)])];
    if (commitCandidates.length > 0) {
      await ctx.db
        .update(windows)
        .set({ committedAt: ctx.clock.now() })
        .where(and(inArray(windows.windowStart, commitCandidates), isNull(windows.committedAt)));
    }
    const recorded = await indexer.recordedWindows({ windowStarts: lookup });
    const candidates = [...new Set([...startsOf(sync.added, ['windowRecorded']), ...recorded.items.map((w) => w.windowStart)])];
    if (candidates.length === 0) return [];
    const now = ctx.clock.now();
    const marked = await ctx.db
      .update(windows)
      // A record always follows its commit: a commit this service never saw (it was down) is dated with the record.
      .set({ anchoredAt: now, committedAt: sql`coalesce(${windows.committedAt}, ${now})` })
      .where(and(inArray(windows.windowStart, candidates), isNull(windows.anchoredAt)))
      .returning({ windowStart: windows.windowStart });
    return marked.map((w) => w.windowStart).sort((a, b) => a - b);
  }

  /** Commits and recordings a reorg removed (and the new branch did not bring back) are undone. */
  async function followReorgs(sync: Sync): Promise<void> {
    if (sync.removed.length === 0) return;
    const dropped = (list: string) => {
      const again = new Set(startsOf(sync.added, [list]));
      return [...new Set(startsOf(sync.removed, [list]))].filter((s) => !again.has(s));
    };
    const unrecorded = dropped('windowRecorded');
    if (unrecorded.length > 0) {
      const recordedAgain = new Set((await indexer.recordedWindows({ windowStarts: unrecorded })).items.map((w) => w.windowStart));
      const unanchor = unrecorded.filter((s) => !recordedAgain.has(s));
      if (unanchor.length > 0) {
        await ctx.db
          .update(windows)
          .set({ anchoredAt: null })
          .where(and(inArray(windows.windowStart, unanchor), isNotNull(windows.anchoredAt)));
        ctx.logger.warn('reorg: window recordings left the chain', { windowStarts: unanchor });
      }
    }
    const uncommitted = dropped('windowCommitted');
    if (uncommitted.length > 0) {
      const stillCommitted = new Set([
        ...(await indexer.unrecordedCommits({ windowStarts: uncommitted })).items.map((w) => w.windowStart),
        ...(await indexer.recordedWindows({ windowStarts: uncommitted })).items.map((w) => w.windowStart),
      ]);
      const gone = uncommitted.filter((s) => !stillCommitted.has(s));
      if (gone.length > 0) {
        await ctx.db
          .update(windows)
          .set({ committedAt: null })
          .where(and(inArray(windows.windowStart, gone), isNull(windows.anchoredAt)));
      }
    }
  }

  /**
   * Windows a freeze or correction event touched in this sync (added or reorged away) take the chain's current
   * answer: their device freezes are rewritten, and their totals freeze set or cleared.
   */
  async function followFreezes(sync: Sync): Promise<void> {
    const touched = [...new Set(startsOf([...sync.added, ...sync.removed], ['deviceFrozen', 'deviceCorrected', 'windowTotalsFrozen']))];
    if (touched.length === 0) return;
    const devices = (await indexer.frozenDevices({ windowStarts: touched })).items;
    const totals = (await indexer.recordedWindows({ windowStarts: touched })).items;
    const seq = new Map<string, number>();
    const rows = devices.map((f) => {
      const key = `${f.windowStart}/${f.deviceId}`;
      const n = seq.get(key) ?? 0;
      seq.set(key, n + 1);
      return {
        windowStart: f.windowStart,
        deviceId: f.deviceId,
        seq: n,
        reason: f.reason,
        challenger: f.challenger,
        evidence: f.evidence,
        frozenAt: f.frozenAt,
        txHash: f.transactionHash,
        correctedLeaf: f.correction?.summaryLeaf ?? null,
        correctedCidDigest: f.correction?.cidDigest ?? null,
        correctedAt: f.correction?.correctedAt ?? null,
        correctionTxHash: f.correction?.transactionHash ?? null,
      };
    });
    await ctx.db.transaction(async (tx) => {
      await tx.delete(frozenDevices).where(inArray(frozenDevices.windowStart, touched));
      if (rows.length > 0) await tx.insert(frozenDevices).values(rows);
      for (const t of touched) {
        const freeze = totals.find((w) => w.windowStart === t)?.totalsFrozen ?? null;
        await tx
          .update(windows)
          .set({ frozenAt: freeze?.frozenAt ?? null, frozenReason: freeze?.reason ?? null })
          .where(eq(windows.windowStart, t));
      }
    });
    const open = devices.filter((f) => f.correction === null);
    if (open.length > 0)
      ctx.logger.warn('device summaries frozen on chain by a fraud proof', {
        devices: open.map((f) => ({ windowStart: f.windowStart, deviceId: f.deviceId, reason: f.reason })),
      });
    const frozenTotals = totals.filter((w) => w.totalsFrozen !== null);
    if (frozenTotals.length > 0)
      ctx.logger.warn('window totals frozen on chain by a fraud proof', {
        windows: frozenTotals.map((w) => ({ windowStart: w.windowStart, reason: w.totalsFrozen!.reason })),
      });
  }

  const task = periodicTask(check, (err) => ctx.logger.warn('anchor check failed', { error: String(err) }));
  return {
    check,
    start: (intervalMs = 5000) => task.start(intervalMs),
    stop: () => task.stop(),
  };
}
