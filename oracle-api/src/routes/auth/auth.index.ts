import { ApiError } from '../../lib/errors.js';
import { createRouter } from '../../lib/router.js';
import * as handlers from './auth.handlers.js';
import { logoutRoute, nonceRoute, sessionRoute, verifyRoute } from './auth.routes.js';

/** Sign-In with Ethereum: nonce, verify (sets the session cookie), session, logout. */
export function createAuthRouter() {
  return createRouter()
    .openapi(nonceRoute, handlers.nonce)
    .openapi(verifyRoute, handlers.verify, (result) => {
      // The router's default hook speaks of readings batches; this body is {message, signature}.
      if (!result.success) {
        const issues = result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
        throw new ApiError(400, 'MALFORMED_BODY', 'Expected {"message": "<EIP-4361 text>", "signature": "0x…"}.', { issues });
      }
      return undefined;
    })
    .openapi(sessionRoute, handlers.session)
    .openapi(logoutRoute, handlers.logout);
}
