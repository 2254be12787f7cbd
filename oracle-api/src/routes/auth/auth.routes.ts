import { createRoute, z } from '@hono/zod-openapi';
import { errorResponse, jsonResponse } from '../../openapi/schemas.js';

/** Sign-In with Ethereum paths (OpenAPI templates). */
export const authPaths = {
  nonce: '/v1/auth/nonce',
  verify: '/v1/auth/verify',
  session: '/v1/auth/session',
  logout: '/v1/auth/logout',
} as const;

const ADDRESS_EXAMPLE = '0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266';
const T0 = 1767225600;

export const nonceSchema = z
  .object({
    nonce: z
      .string()
      .regex(/^[A-Za-z0-9]{8,}$/)
      .openapi({ description: 'Put it in the message as `Nonce:`; good once' }),
    expiresAt: z.number().int().openapi({ description: 'Unix seconds; the nonce (and a message issued with it) is refused from then on' }),
  })
  .openapi('SiweNonce', { example: { nonce: 'q3Xk9TQpZr2LmW0cYbN7aV', expiresAt: T0 + 600 } });

export const sessionSchema = z
  .object({
    address: z
      .string()
      .regex(/^0x[0-9a-f]{40}$/)
      .openapi({ description: 'Signed-in account, lower-case' }),
    chainId: z.number().int(),
    expiresAt: z.number().int().openapi({ description: 'Unix seconds; the cookie stops working then' }),
  })
  .openapi('Session', { example: { address: ADDRESS_EXAMPLE, chainId: 31337, expiresAt: T0 + 86_400 } });

export const signInSchema = z
  .object({
    message: z.string().min(1).max(4096).openapi({ description: 'The EIP-4361 message exactly as signed (viem createSiweMessage layout)' }),
    signature: z
      .string()
      .regex(/^0x[0-9a-fA-F]*$/)
      .max(20_000)
      .openapi({ description: 'personal_sign signature (65 bytes from an EOA; ERC-1271 / ERC-6492 bytes from a contract wallet)' }),
  })
  .openapi('SignIn');

const cookie = {
  'set-cookie': { description: '`gp_session=…; HttpOnly; Path=/; SameSite=…; Max-Age=…` (Secure on https)', schema: { type: 'string' as const } },
};

/** POST /v1/auth/nonce */
export const nonceRoute = createRoute({
  method: 'post',
  path: authPaths.nonce,
  tags: ['auth'],
  summary: 'A single-use Sign-In with Ethereum nonce, good for 10 minutes',
  responses: { 200: jsonResponse('Use it in the message within 10 minutes', nonceSchema) },
});

/** POST /v1/auth/verify */
export const verifyRoute = createRoute({
  method: 'post',
  path: authPaths.verify,
  tags: ['auth'],
  summary: 'Checks a signed EIP-4361 message; on success consumes its nonce and sets the gp_session cookie',
  description:
    'Checked: layout, domain (SIWE_DOMAIN, else the Host header), URI origin (SIWE_URI, else on the domain), chain id, issued-at ' +
    '(not in the future beyond 30 s, not older than 10 min), expiration-time, not-before, the nonce (issued here, unused, unexpired) ' +
    'and the signature (EOA, or ERC-1271 / ERC-6492 through the RPC). A refusal consumes nothing.',
  request: { body: { required: true, content: { 'application/json': { schema: signInSchema } } } },
  responses: {
    200: { ...jsonResponse('Signed in; the cookie is set', sessionSchema), headers: cookie },
    400: errorResponse(['MALFORMED_BODY', 'SIWE_MALFORMED'], 'Not {message, signature}, or not an EIP-4361 message'),
    401: errorResponse(
      [
        'SIWE_DOMAIN_MISMATCH',
        'SIWE_URI_MISMATCH',
        'SIWE_CHAIN_MISMATCH',
        'SIWE_ISSUED_AT_INVALID',
        'SIWE_EXPIRED',
        'SIWE_NOT_YET_VALID',
        'SIWE_NONCE_UNKNOWN',
        'SIWE_NONCE_USED',
        'SIWE_NONCE_EXPIRED',
        'SIWE_BAD_SIGNATURE',
      ],
      'The message does not sign in here',
    ),
    503: errorResponse(['CHAIN_UNAVAILABLE'], 'The chain id or a contract wallet signature could not be read'),
  },
});

/** GET /v1/auth/session */
export const sessionRoute = createRoute({
  method: 'get',
  path: authPaths.session,
  tags: ['auth'],
  summary: 'The signed-in account of the gp_session cookie',
  responses: {
    200: jsonResponse('Signed in', sessionSchema),
    401: errorResponse(['UNAUTHENTICATED'], 'No valid session cookie'),
  },
});

/** POST /v1/auth/logout */
export const logoutRoute = createRoute({
  method: 'post',
  path: authPaths.logout,
  tags: ['auth'],
  summary: 'Clears the gp_session cookie (stateless sessions: a copied cookie stays valid until it expires)',
  responses: {
    200: { ...jsonResponse('Cookie cleared', z.object({ signedOut: z.literal(true) }).openapi('SignedOut')), headers: cookie },
  },
});
