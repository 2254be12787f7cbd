import { dataLoggerAbi } from '@gridproof/protocol';
import { and, asc, eq, isNull } from 'drizzle-orm';
import { createPublicClient, http, type Address, type PublicClient } from 'viem';
import type { ServiceContext } from '../context.js';
import { windows } from '../db/schema/index.js';

export interface AnchorWatcher {
  /** Asks the DataLogger about up to `limit` pending windows, oldest first; returns the window starts now anchored. */
  check(limit?: number): Promise<number[]>;
  start(intervalMs?: number): void;
  stop(): Promise<void>;
}

/**
 * Learns which sealed windows the DON has written on chain: for each sealed window not yet
 * marked, `DataLogger.isRecorded(windowStart)`; true sets `anchored_at`. Reads only; a failing
 * RPC leaves windows pending and is retried next tick.
 */
export function createAnchorWatcher(ctx: ServiceContext, params: { address: Address; client?: PublicClient; rpcUrl?: string }): AnchorWatcher {
  const client = params.client ?? createPublicClient({ transport: http(params.rpcUrl, { batch: true }) });
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let busy = false;

  async function check(limit = 100): Promise<number[]> {
    const pending = await ctx.db
      .select({ windowStart: windows.windowStart })
      .from(windows)
      .where(isNull(windows.anchoredAt))
      .orderBy(asc(windows.windowStart))
      .limit(limit);
    const recorded = await Promise.all(
      pending.map((w) => client.readContract({ address: params.address, abi: dataLoggerAbi, functionName: 'isRecorded', args: [BigInt(w.windowStart)] })),
    );
    const anchored = pending.filter((_, i) => recorded[i]).map((w) => w.windowStart);
    const now = ctx.clock.now();
    for (const windowStart of anchored) {
      await ctx.db.update(windows).set({ anchoredAt: now }).where(and(eq(windows.windowStart, windowStart), isNull(windows.anchoredAt)));
    }
    return anchored;
  }

  return {
    check,
    start(intervalMs = 5000) {
      if (timer) return;
      timer = setInterval(() => {
        if (busy) return;
        busy = true;
        running = check()
          .catch((err) => ctx.logger.warn('anchor check failed', { error: String(err) }))
          .finally(() => (busy = false));
      }, intervalMs);
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}
