import { ApiRefusal } from '@gridproof/oracle-api/client';
import { profileDocumentCid } from '@gridproof/protocol';
import { getAddress, type Address, type Hex } from 'viem';
import { createSiweMessage } from 'viem/siwe';
import { CidMismatchError } from './errors.js';

/**
 * Sign-In with Ethereum against the oracle API and pinning through it. The session is the API's HttpOnly cookie
 * (the dApp never sees it): every call here is credentialed (`credentials: 'include'`), so the API must list this
 * page's origin in ALLOWED_ORIGINS and name its host as SIWE_DOMAIN.
 */

// The oracle API's session and pin routes (oracle-api/src/routes/auth, routes/pins). The typed client's path table
// (`oracleApiPaths`) does not list them yet; these are the paths its OpenAPI document declares.
export const SESSION_PATHS = {
  nonce: '/v1/auth/nonce',
  verify: '/v1/auth/verify',
  session: '/v1/auth/session',
  logout: '/v1/auth/logout',
  pins: '/v1/pins',
} as const;

/** The content type a canonical DAG-JSON document is pinned with. */
export const PIN_CONTENT_TYPE = 'application/vnd.ipld.dag-json';

export interface ApiSession {
  /** Lower-case. */
  address: Address;
  chainId: number;
  /** Unix seconds. */
  expiresAt: number;
}

export interface SessionApi {
  nonce(): Promise<{ nonce: string; expiresAt: number }>;
  verify(message: string, signature: Hex): Promise<ApiSession>;
  /** The current session, or null when the API answers 401 UNAUTHENTICATED. */
  session(): Promise<ApiSession | null>;
  logout(): Promise<void>;
  /**
   * Pins canonical DAG-JSON bytes; resolves with the CID after checking it is the bytes' own (CIDv1 dag-json
   * sha2-256), so an API answering another CID is caught before anything points at it.
   */
  pin(bytes: Uint8Array): Promise<string>;
}

/**
 * The session calls of the oracle API at `apiUrl`; non-2xx answers throw the client's {@link ApiRefusal}.
 * @example const api = createSessionApi(app.config.apiUrl); const cid = await api.pin(bytes)
 */
export function createSessionApi(apiUrl: string, fetchFn: typeof fetch = (input, init) => fetch(input, init)): SessionApi {
  const base = apiUrl.replace(/\/+$/, '');
  async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
    let response: Response;
    try {
      response = await fetchFn(`${base}${path}`, { ...init, credentials: 'include', cache: 'no-store' });
    } catch (cause) {
      throw new ApiRefusal(0, 'API_UNREACHABLE', `The oracle API at ${base} could not be reached (${(cause as Error).message}).`, { cause });
    }
    const body = await response.json().catch(() => undefined);
    if (!response.ok) throw ApiRefusal.fromResponse(response.status, body);
    return body as T;
  }
  const json = (value: unknown): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) });
  return {
    nonce: () => call(SESSION_PATHS.nonce, { method: 'POST' }),
    verify: (message, signature) => call(SESSION_PATHS.verify, json({ message, signature })),
    async session() {
      try {
        return await call<ApiSession>(SESSION_PATHS.session);
      } catch (error) {
        if (error instanceof ApiRefusal && error.code === 'UNAUTHENTICATED') return null;
        throw error;
      }
    },
    async logout() {
      await call(SESSION_PATHS.logout, { method: 'POST' });
    },
    async pin(bytes) {
      const { cid } = await call<{ cid: string }>(SESSION_PATHS.pins, {
        method: 'POST',
        headers: { 'content-type': PIN_CONTENT_TYPE },
        body: bytes as Uint8Array<ArrayBuffer>,
      });
      const own = profileDocumentCid(bytes).toString();
      if (cid !== own) throw new CidMismatchError(`The API pinned the document as ${cid}, but its bytes hash to ${own}.`, { details: { cid, expected: own } });
      return cid;
    },
  };
}

export interface SignInMessageParameters {
  address: Address;
  chainId: number;
  nonce: string;
  /** The page's URL: its host is the EIP-4361 domain, its origin and path the URI (the hash and query dropped). */
  location: URL;
  issuedAt: Date;
}

/** The EIP-4361 text the wallet signs, in viem's exact layout (the API re-creates it and compares). */
export function signInMessage(p: SignInMessageParameters): string {
  return createSiweMessage({
    domain: p.location.host,
    address: getAddress(p.address),
    statement: 'Sign in to GridProof to pin your encrypted company profile and your organisation member lists.',
    uri: `${p.location.origin}${p.location.pathname}`,
    version: '1',
    chainId: p.chainId,
    nonce: p.nonce,
    issuedAt: p.issuedAt,
  });
}

/**
 * A session for `address`: the current one when the API already holds it for this account and chain, else a new
 * sign-in (nonce → message → wallet signature → verify).
 * @example await ensureSession({ api, address, chainId, location, sign: (m) => signText(wagmi, m).then((s) => s.signature) })
 */
export async function ensureSession(p: {
  api: SessionApi;
  address: Address;
  chainId: number;
  location: URL;
  sign: (message: string) => Promise<Hex>;
  now?: () => Date;
}): Promise<{ session: ApiSession; reused: boolean }> {
  const current = await p.api.session();
  if (current && current.address === p.address.toLowerCase() && current.chainId === p.chainId) return { session: current, reused: true };
  const { nonce } = await p.api.nonce();
  const message = signInMessage({ address: p.address, chainId: p.chainId, nonce, location: p.location, issuedAt: (p.now ?? (() => new Date()))() });
  const signature = await p.sign(message);
  return { session: await p.api.verify(message, signature), reused: false };
}
