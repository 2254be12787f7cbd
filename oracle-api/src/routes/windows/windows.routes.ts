import { z } from 'zod';

export const windowsPaths = {
  list: '/v1/windows',
  get: '/v1/windows/:windowStart',
  document: '/v1/windows/:windowStart/document',
  proof: '/v1/windows/:windowStart/proof',
} as const;

export const listWindowsQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  /** Only windows starting strictly before this (paging newest → oldest). */
  before: z.coerce.number().int().min(0).optional(),
  /** sealed (default): sealed windows only; open: windows still collecting; pending: sealed, not yet seen on chain; all: sealed and open. */
  status: z.enum(['sealed', 'open', 'pending', 'all']).default('sealed'),
});

export const windowStartParamSchema = z.object({ windowStart: z.string().regex(/^(0|[1-9][0-9]{0,15})$/).transform(Number) });

export const proofQuerySchema = z.object({
  deviceId: z.string().regex(/^[A-Z0-9]{4}_[0-9]{4}$/),
  counter: z.coerce.number().int().min(0),
});

/** A window as the API shows it; sealed-only fields are null while it is open. */
export interface WindowSummary {
  windowStart: number;
  windowSeconds: number;
  status: 'sealed' | 'open';
  cid: string | null;
  root: string | null;
  cidDigest: string | null;
  deviceCount: number;
  readingCount: number;
  energyWh: number | null;
  sealedAt: number | null;
  /** Unix seconds the service saw the window recorded in the DataLogger; null while pending or unknown. */
  anchoredAt: number | null;
  /** true/false once a DataLogger is watched; null when anchoring is unknown (no DATA_LOGGER_ADDRESS) or the window is open. */
  anchored: boolean | null;
}
