import { z } from 'zod';

export const readingsPaths = { ingest: '/v1/readings' } as const;

/** POST /v1/readings body; each entry is checked on its own so errors can name its index. */
export const ingestBodySchema = z.object({ readings: z.array(z.unknown()) });
