import { randomBytes } from 'node:crypto';
import type { PublicClient } from 'viem';

/** How a session cookie travels cross-site: `Strict` (default; dApp and API on one site), `None` (another site; forces Secure). */
export type SessionSameSite = 'Strict' | 'Lax' | 'None';

/** Sign-In with Ethereum and session settings, resolved once per service (`ctx.auth`). */
export interface AuthContext {
  /** The EIP-4361 `domain` a message must name; undefined = the request's Host header. */
  domain?: string;
  /** The origin a message's `uri` must have; undefined = an origin whose host is the expected domain. */
  uriOrigin?: string;
  /** The chain a message must name: configured, or read once from the RPC (undefined when neither is possible). */
  chainId(): Promise<number | undefined>;
  /** For the signature check (ERC-1271 / ERC-6492 contract wallets); without one only EOA signatures verify. */
  client?: PublicClient;
  /** HMAC-SHA256 key of the session cookie (≥ 32 bytes). */
  secret: Uint8Array;
  /** Whether `secret` was generated for this process (sessions die with it; replicas need SESSION_SECRET). */
  ephemeralSecret: boolean;
  sessionMaxAgeSeconds: number;
  sameSite: SessionSameSite;
  /** Origins allowed to call the credentialed routes (/v1/auth/*, /v1/pins) with cookies. */
  allowedOrigins: string[];
  /** How long a nonce, and a message's issued-at, stay good. */
  nonceTtlSeconds: number;
  /** Allowed clock difference for issued-at and not-before. */
  clockSkewSeconds: number;
}

export interface AuthConfig {
  siweDomain?: string;
  siweUri?: string;
  chainId?: number;
  /** ≥ 32 bytes (a string is taken as UTF-8). Default: random per process. */
  sessionSecret?: string | Uint8Array;
  /** Default and maximum 86,400 (24 h). */
  sessionMaxAgeSeconds?: number;
  sessionSameSite?: SessionSameSite;
  allowedOrigins?: string[];
}

/** 10 minutes: EIP-4361 nonces are short-lived. */
export const NONCE_TTL_SECONDS = 600;
export const MAX_SESSION_SECONDS = 86_400;

/** Resolves the auth settings; `client` (from RPC_URL) also answers the chain id when none is configured. */
export function resolveAuth(config: AuthConfig = {}, client?: PublicClient, clockSkewSeconds = 30): AuthContext {
  const secret = typeof config.sessionSecret === 'string' ? new TextEncoder().encode(config.sessionSecret) : config.sessionSecret;
  if (secret && secret.length < 32) throw new Error(`SESSION_SECRET must be at least 32 bytes, got ${secret.length}.`);
  const maxAge = config.sessionMaxAgeSeconds ?? MAX_SESSION_SECONDS;
  if (!Number.isInteger(maxAge) || maxAge < 60 || maxAge > MAX_SESSION_SECONDS) throw new Error(`Session max age must be 60…${MAX_SESSION_SECONDS} s.`);
  const uriOrigin = config.siweUri === undefined ? undefined : new URL(config.siweUri).origin;
  let chainId: Promise<number | undefined> | undefined = config.chainId === undefined ? undefined : Promise.resolve(config.chainId);
  return {
    domain: config.siweDomain,
    uriOrigin,
    chainId() {
      if (chainId) return chainId;
      if (!client) return Promise.resolve(undefined);
      // Read once; a failure is not cached, so the next sign-in retries.
      const read = client.getChainId().catch((err) => {
        chainId = undefined;
        throw err;
      });
      chainId = read;
      return read;
    },
    client,
    secret: secret ?? new Uint8Array(randomBytes(32)),
    ephemeralSecret: !secret,
    sessionMaxAgeSeconds: maxAge,
    sameSite: config.sessionSameSite ?? 'Strict',
    allowedOrigins: (config.allowedOrigins ?? []).map((o) => new URL(o).origin),
    nonceTtlSeconds: NONCE_TTL_SECONDS,
    clockSkewSeconds,
  };
}
