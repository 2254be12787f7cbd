import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Address } from 'viem';
import type { AppEnv } from '../context.js';
import { ApiError } from '../lib/errors.js';
import type { AuthContext } from './config.js';

/** The session cookie: `base64url(JSON {address, chainId, issuedAt, expiresAt}) "." base64url(HMAC-SHA256)`. */
export const SESSION_COOKIE = 'gp_session';

export interface Session {
  /** Lower-case 0x address. */
  address: Address;
  chainId: number;
  /** Unix seconds. */
  issuedAt: number;
  expiresAt: number;
}

const mac = (secret: Uint8Array, payload: string) => createHmac('sha256', secret).update(`gp_session/1.${payload}`).digest();

/** The signed, stateless cookie value of a session. */
export function signSession(secret: Uint8Array, session: Session): string {
  const payload = Buffer.from(JSON.stringify([session.address, session.chainId, session.issuedAt, session.expiresAt])).toString('base64url');
  return `${payload}.${mac(secret, payload).toString('base64url')}`;
}

/** The session a cookie value proves, or undefined (bad MAC, bad shape, expired at `now`). */
export function readSession(secret: Uint8Array, value: string | undefined, now: number): Session | undefined {
  if (!value) return undefined;
  const [payload, tag, extra] = value.split('.');
  if (!payload || !tag || extra !== undefined) return undefined;
  const expected = mac(secret, payload);
  const got = Buffer.from(tag, 'base64url');
  if (got.length !== expected.length || !timingSafeEqual(got, expected)) return undefined;
  let fields: unknown;
  try {
    fields = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(fields) || fields.length !== 4) return undefined;
  const [address, chainId, issuedAt, expiresAt] = fields;
  if (typeof address !== 'string' || !/^0x[0-9a-f]{40}$/.test(address)) return undefined;
  if (![chainId, issuedAt, expiresAt].every(Number.isSafeInteger) || expiresAt <= now) return undefined;
  return { address: address as Address, chainId, issuedAt, expiresAt };
}

const secureRequest = (c: Context) => new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https';

/** Sets the session cookie: HttpOnly, Path=/, Max-Age to the session's end, Secure on https (always with SameSite=None). */
export function setSessionCookie(c: Context<AppEnv>, auth: AuthContext, session: Session, now: number): void {
  setCookie(c, SESSION_COOKIE, signSession(auth.secret, session), {
    httpOnly: true,
    path: '/',
    sameSite: auth.sameSite,
    secure: auth.sameSite === 'None' || secureRequest(c),
    maxAge: session.expiresAt - now,
  });
}

export function clearSessionCookie(c: Context<AppEnv>, auth: AuthContext): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: auth.sameSite, secure: auth.sameSite === 'None' || secureRequest(c) });
}

/** The request's session, or undefined. */
export function sessionOf(c: Context<AppEnv>): Session | undefined {
  const ctx = c.get('ctx');
  return readSession(ctx.auth.secret, getCookie(c, SESSION_COOKIE), ctx.clock.now());
}

/**
 * The request's session, or 401 UNAUTHENTICATED (thrown; `app.onError` answers it).
 * @example const { address } = requireSession(c)
 */
export function requireSession(c: Context<AppEnv>): Session {
  const session = sessionOf(c);
  if (!session) throw new ApiError(401, 'UNAUTHENTICATED', 'Sign in with Ethereum first (POST /v1/auth/verify): no valid gp_session cookie.');
  return session;
}
