import { createSelectSchema } from 'drizzle-zod';
import type { z } from 'zod';
import { siweNonces } from './siweNonces.js';

export const selectSiweNonceSchema = createSelectSchema(siweNonces);

/** A SIWE nonce row. */
export type SiweNonceRow = z.infer<typeof selectSiweNonceSchema>;
