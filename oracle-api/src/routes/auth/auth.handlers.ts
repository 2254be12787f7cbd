import type { RouteHandler } from '@hono/zod-openapi';
import type { Hex } from 'viem';
import { clearSessionCookie, requireSession, setSessionCookie } from '../../auth/session.js';
import { issueNonce, verifySignIn } from '../../auth/siwe.js';
import type { AppEnv } from '../../context.js';
import type { logoutRoute, nonceRoute, sessionRoute, verifyRoute } from './auth.routes.js';

const NO_STORE = { 'cache-control': 'no-store' };

/** POST /v1/auth/nonce */
export const nonce: RouteHandler<typeof nonceRoute, AppEnv> = async (c) => c.json(await issueNonce(c.get('ctx')), 200, NO_STORE);

/** POST /v1/auth/verify */
export const verify: RouteHandler<typeof verifyRoute, AppEnv> = async (c) => {
  const ctx = c.get('ctx');
  const { message, signature } = c.req.valid('json');
  const session = await verifySignIn(ctx, { message, signature: signature as Hex, host: c.req.header('host') });
  setSessionCookie(c, ctx.auth, session, ctx.clock.now());
  return c.json({ address: session.address, chainId: session.chainId, expiresAt: session.expiresAt }, 200, NO_STORE);
};

/** GET /v1/auth/session */
export const session: RouteHandler<typeof sessionRoute, AppEnv> = async (c) => {
  const s = requireSession(c);
  return c.json({ address: s.address, chainId: s.chainId, expiresAt: s.expiresAt }, 200, NO_STORE);
};

/** POST /v1/auth/logout */
export const logout: RouteHandler<typeof logoutRoute, AppEnv> = async (c) => {
  clearSessionCookie(c, c.get('ctx').auth);
  return c.json({ signedOut: true as const }, 200, NO_STORE);
};
