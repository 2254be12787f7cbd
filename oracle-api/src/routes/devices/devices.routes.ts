import { DEVICE_ID_PATTERN } from '@gridproof/protocol';
import { z } from 'zod';

export const devicesPaths = { readings: '/v1/devices/:deviceId/readings' } as const;

export const deviceParamSchema = z.object({ deviceId: z.string().regex(DEVICE_ID_PATTERN, 'device id must be XXXX_ZZZZ') });

export const deviceReadingsQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  /** Only readings with a counter strictly below this (paging newest → oldest). */
  before: z.coerce.number().int().min(0).optional(),
});
