import { bigint, index, pgTable, text } from 'drizzle-orm/pg-core';

/**
 * Sign-In with Ethereum nonces (EIP-4361): one row per `POST /v1/auth/nonce`. A nonce is good once:
 * `POST /v1/auth/verify` consumes it with one `UPDATE … WHERE used_at IS NULL AND expires_at > now RETURNING`,
 * so two replicas racing on the same signed message cannot both accept it.
 */
export const siweNonces = pgTable(
  'siwe_nonces',
  {
    /** 22 characters of base-62 (≥ 128 bits from crypto.getRandomValues); EIP-4361 wants ≥ 8 alphanumerics. */
    nonce: text('nonce').primaryKey(),
    /** Unix seconds, service clock. */
    issuedAt: bigint('issued_at', { mode: 'number' }).notNull(),
    /** Unix seconds; the nonce is refused from then on. */
    expiresAt: bigint('expires_at', { mode: 'number' }).notNull(),
    /** Unix seconds of the sign-in that consumed it; null while unused. */
    usedAt: bigint('used_at', { mode: 'number' }),
    /** Lower-case 0x address that signed in with it; null while unused. */
    usedBy: text('used_by'),
  },
  (table) => [
    // Issuing a nonce deletes the expired ones (`expires_at < now`): keeps that delete a range scan, not a table scan.
    index('siwe_nonces_expires_at_idx').on(table.expiresAt),
  ],
);
