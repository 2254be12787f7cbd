/** Test helper (not a test file): a signed EIP-4361 message and a full sign-in through `app.request`. */
import { ANVIL_KEYS } from '@gridproof/test-support';
import type { Hex } from 'viem';
import { type PrivateKeyAccount, privateKeyToAccount } from 'viem/accounts';
import { createSiweMessage, type SiweMessage } from 'viem/siwe';

/** anvil's first two dev accounts. */
export const alice = privateKeyToAccount(ANVIL_KEYS.deployer);
export const bob = privateKeyToAccount(ANVIL_KEYS.transmitter);

export const TEST_DOMAIN = 'gridproof.test';
export const TEST_URI = 'https://gridproof.test/';
export const TEST_CHAIN_ID = 31337;

type Requester = { request(path: string, init?: RequestInit): Response | Promise<Response> };

export async function fetchNonce(app: Requester): Promise<string> {
  const res = await app.request('/v1/auth/nonce', { method: 'POST' });
  if (res.status !== 200) throw new Error(`nonce: HTTP ${res.status}`);
  return ((await res.json()) as { nonce: string }).nonce;
}

/** A message as the dApp writes it, for `now` (unix s); `fields` override any part. */
export function siweMessage(account: PrivateKeyAccount, nonce: string, now: number, fields: Partial<SiweMessage> = {}): string {
  return createSiweMessage({
    domain: TEST_DOMAIN,
    address: account.address,
    statement: 'Sign in to GridProof.',
    uri: TEST_URI,
    version: '1',
    chainId: TEST_CHAIN_ID,
    nonce,
    issuedAt: new Date(now * 1000),
    ...fields,
  });
}

export async function postSignIn(app: Requester, message: string, signature: Hex, init: RequestInit = {}): Promise<Response> {
  return app.request('/v1/auth/verify', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ message, signature }),
    ...init,
  });
}

/** Signs in `account` and returns the `gp_session=…` cookie pair for a Cookie header. */
export async function signIn(app: Requester, account: PrivateKeyAccount, now: number): Promise<string> {
  const message = siweMessage(account, await fetchNonce(app), now);
  const res = await postSignIn(app, message, await account.signMessage({ message }));
  if (res.status !== 200) throw new Error(`sign-in: HTTP ${res.status} ${await res.text()}`);
  return cookiePair(res);
}

export function cookiePair(res: Response): string {
  const header = res.headers.get('set-cookie') ?? '';
  return header.split(';')[0];
}
