import type { ApiErrorCode } from '@gridproof/protocol';
import { and, eq, gt, isNull, lt } from 'drizzle-orm';
import { type Address, type Hex, recoverMessageAddress } from 'viem';
import { createSiweMessage, parseSiweMessage, type SiweMessage, verifySiweMessage } from 'viem/siwe';
import type { ServiceContext } from '../context.js';
import { siweNonces } from '../db/schema/index.js';
import { ApiError } from '../lib/errors.js';
import type { Session } from './session.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** 22 base-62 characters = 131 bits. */
const NONCE_LENGTH = 22;

/** A nonce from crypto.getRandomValues (viem's generateSiweNonce uses Math.random); rejection sampling keeps it uniform. */
export function randomNonce(): string {
  let out = '';
  while (out.length < NONCE_LENGTH) {
    for (const b of crypto.getRandomValues(new Uint8Array(32))) {
      // 248 = 4 × 62: bytes above it would favour the first characters.
      if (b < 248 && out.length < NONCE_LENGTH) out += ALPHABET[b % 62];
    }
  }
  return out;
}

/**
 * Issues a single-use nonce good for {@link AuthContext.nonceTtlSeconds}, and drops expired ones.
 * @example const { nonce, expiresAt } = await issueNonce(ctx)
 */
export async function issueNonce(ctx: ServiceContext): Promise<{ nonce: string; expiresAt: number }> {
  const now = ctx.clock.now();
  const row = { nonce: randomNonce(), issuedAt: now, expiresAt: now + ctx.auth.nonceTtlSeconds };
  await ctx.db.delete(siweNonces).where(lt(siweNonces.expiresAt, now - ctx.auth.nonceTtlSeconds));
  await ctx.db.insert(siweNonces).values(row);
  return { nonce: row.nonce, expiresAt: row.expiresAt };
}

/** Every sign-in refusal: 400 for a malformed message, 401 for one that does not authenticate. */
function refuse(code: ApiErrorCode, message: string, details?: Record<string, unknown>): never {
  throw new ApiError(code === 'SIWE_MALFORMED' ? 400 : 401, code, message, details);
}
const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

export interface VerifySignInParameters {
  message: string;
  signature: Hex;
  /** The request's Host header: the expected domain when SIWE_DOMAIN is not set. */
  host: string | undefined;
}

/**
 * Checks a signed EIP-4361 message completely, then consumes its nonce; returns the session to issue.
 * Order: shape, domain, uri, chain id, times, nonce (read only), signature, and last the one atomic
 * `UPDATE … WHERE used_at IS NULL AND expires_at > now RETURNING` — so a refused message changes nothing, and
 * of two replicas verifying the same message only one gets the row.
 */
export async function verifySignIn(ctx: ServiceContext, params: VerifySignInParameters): Promise<Session> {
  const { auth } = ctx;
  const now = ctx.clock.now();
  const message = parseStrict(params.message);
  const domain = auth.domain ?? params.host;
  if (!domain || message.domain !== domain) {
    refuse('SIWE_DOMAIN_MISMATCH', `The message is for ${message.domain}, this service signs in ${domain ?? '(no Host header)'}.`, {
      expected: domain ?? null,
      got: message.domain,
    });
  }
  const uri = new URL(message.uri);
  const uriOk = auth.uriOrigin ? uri.origin === auth.uriOrigin : uri.host === domain;
  if (!uriOk) {
    refuse('SIWE_URI_MISMATCH', `The message's URI ${message.uri} is not on ${auth.uriOrigin ?? domain}.`, {
      expected: auth.uriOrigin ?? domain,
      got: message.uri,
    });
  }
  let chainId: number | undefined;
  try {
    chainId = await auth.chainId();
  } catch (err) {
    throw new ApiError(503, 'CHAIN_UNAVAILABLE', 'The chain id could not be read from the RPC.', undefined, err);
  }
  if (chainId === undefined) throw new ApiError(503, 'CHAIN_UNAVAILABLE', 'No chain is configured (CHAIN_ID or RPC_URL).');
  if (message.chainId !== chainId)
    refuse('SIWE_CHAIN_MISMATCH', `The message is for chain ${message.chainId}, this service is on ${chainId}.`, { expected: chainId, got: message.chainId });
  const issuedAt = seconds(message.issuedAt as Date);
  if (issuedAt > now + auth.clockSkewSeconds) refuse('SIWE_ISSUED_AT_INVALID', 'The message is issued in the future.', { reason: 'IN_FUTURE', issuedAt, now });
  if (issuedAt < now - auth.nonceTtlSeconds) {
    refuse('SIWE_ISSUED_AT_INVALID', `The message was issued more than ${auth.nonceTtlSeconds} s ago.`, { reason: 'TOO_OLD', issuedAt, now });
  }
  if (message.expirationTime && seconds(message.expirationTime) <= now) {
    refuse('SIWE_EXPIRED', 'The message has expired.', { expirationTime: seconds(message.expirationTime), now });
  }
  if (message.notBefore && seconds(message.notBefore) > now + auth.clockSkewSeconds) {
    refuse('SIWE_NOT_YET_VALID', 'The message is not valid yet.', { notBefore: seconds(message.notBefore), now });
  }
  const [stored] = await ctx.db.select().from(siweNonces).where(eq(siweNonces.nonce, message.nonce)).limit(1);
  if (!stored) refuse('SIWE_NONCE_UNKNOWN', 'This service did not issue the nonce (POST /v1/auth/nonce).', { nonce: message.nonce });
  if (stored.usedAt !== null) refuse('SIWE_NONCE_USED', 'The nonce was already used to sign in.', { nonce: message.nonce });
  if (stored.expiresAt <= now) refuse('SIWE_NONCE_EXPIRED', 'The nonce has expired; ask for a new one.', { nonce: message.nonce, expiresAt: stored.expiresAt });

  const address = (message.address as Address).toLowerCase() as Address;
  let valid: boolean;
  try {
    valid = auth.client
      ? await verifySiweMessage(auth.client, { message: params.message, signature: params.signature, time: new Date(now * 1000) })
      : (await recoverMessageAddress({ message: params.message, signature: params.signature })).toLowerCase() === address;
  } catch (err) {
    if (!auth.client) valid = false;
    else throw new ApiError(503, 'CHAIN_UNAVAILABLE', 'The signature could not be checked against the chain (contract wallets need the RPC).', undefined, err);
  }
  if (!valid) refuse('SIWE_BAD_SIGNATURE', `The signature is not ${message.address}'s over this message.`, { address: message.address });

  const consumed = await ctx.db
    .update(siweNonces)
    .set({ usedAt: now, usedBy: address })
    .where(and(eq(siweNonces.nonce, message.nonce), isNull(siweNonces.usedAt), gt(siweNonces.expiresAt, now)))
    .returning({ nonce: siweNonces.nonce });
  if (consumed.length !== 1) refuse('SIWE_NONCE_USED', 'The nonce was used by a concurrent sign-in.', { nonce: message.nonce });
  const cap = message.expirationTime ? seconds(message.expirationTime) : Number.POSITIVE_INFINITY;
  return { address, chainId, issuedAt: now, expiresAt: Math.min(now + auth.sessionMaxAgeSeconds, cap) };
}

/**
 * Parses a message and insists it is exactly what EIP-4361's grammar writes (viem's createSiweMessage gives the
 * same text back): the lenient parser alone would take fields from a statement that imitates the suffix lines.
 */
function parseStrict(text: string): SiweMessage & { issuedAt: Date } {
  const parsed = parseSiweMessage(text);
  const missing = (['domain', 'address', 'uri', 'version', 'chainId', 'nonce', 'issuedAt'] as const).filter((k) => parsed[k] === undefined);
  if (missing.length) refuse('SIWE_MALFORMED', `Not an EIP-4361 message: no ${missing.join(', ')}.`, { missing });
  for (const key of ['issuedAt', 'expirationTime', 'notBefore'] as const) {
    const date = parsed[key];
    if (date && Number.isNaN(date.getTime())) refuse('SIWE_MALFORMED', `${key} is not an RFC 3339 date-time.`, { field: key });
  }
  if (parsed.version !== '1') refuse('SIWE_MALFORMED', 'Only EIP-4361 version 1 is supported.', { field: 'version' });
  let again: string | undefined;
  try {
    again = createSiweMessage(parsed as SiweMessage);
  } catch (err) {
    refuse('SIWE_MALFORMED', `Not an EIP-4361 message: ${(err as Error).message.split('\n')[0]}`);
  }
  if (again !== text) refuse('SIWE_MALFORMED', 'The message is not in the exact EIP-4361 layout (write it with createSiweMessage).');
  return parsed as SiweMessage & { issuedAt: Date };
}
