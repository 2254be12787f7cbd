/**
 * `@gridproof/protocol/verifiers/verdicts`: the verdict loop every adapter comparison runs (in
 * Node, Deno and Chromium alike; no Node built-ins), so the Deno and browser tests share it
 * instead of each writing it out. The cases come from `verifiers/test-vectors` (Node only).
 */
import { fromHex, type Hex } from '../bytes.js';
import { InvalidSignatureFormatError } from '../errors.js';
import type { KeyType, SignatureCheck, SignatureVerdict } from '../signature.js';

/** `valid`: verifies. `invalid`: refused as a bad signature (API 422). `format`: refused as malformed (API 400). */
export type SignatureOutcome = 'valid' | 'invalid' | 'format';

/** One vector as plain JSON (so it can be handed to a page or another runtime). */
export interface VerdictCase {
  keyType: number;
  publicKey: Hex;
  /** The 43 reading bytes when `reading`, else the raw message. */
  message: Hex;
  signature: Hex;
  /** true: checked as a reading (`verify`); false: as a raw message (`verifyMessage`, Wycheproof). */
  reading: boolean;
}

/** Any adapter, synchronous or not (noble, node:crypto, WebCrypto). */
export interface VerdictVerifier {
  verify(check: SignatureCheck): SignatureVerdict | Promise<SignatureVerdict>;
  verifyMessage(keyType: number, publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): SignatureVerdict | Promise<SignatureVerdict>;
}

/** The outcome of one verdict. */
export function outcomeOf(verdict: SignatureVerdict): SignatureOutcome {
  return verdict instanceof InvalidSignatureFormatError ? 'format' : verdict ? 'valid' : 'invalid';
}

/**
 * Runs `verifier` over `cases` in order and returns each outcome: what a comparison between
 * adapters (or runtimes) compares.
 * @example expect(await runVectorVerdicts(webCryptoSignatureVerifier(crypto.subtle), cases)).toEqual(await runVectorVerdicts(nobleSignatureVerifier(), cases))
 */
export async function runVectorVerdicts(verifier: VerdictVerifier, cases: readonly VerdictCase[]): Promise<SignatureOutcome[]> {
  const outcomes: SignatureOutcome[] = [];
  for (const c of cases) {
    const publicKey = fromHex(c.publicKey);
    const signature = fromHex(c.signature);
    const verdict = c.reading
      ? await verifier.verify({ readingBytes: fromHex(c.message), signature, key: { keyType: c.keyType as KeyType, publicKey } })
      : await verifier.verifyMessage(c.keyType, publicKey, fromHex(c.message), signature);
    outcomes.push(outcomeOf(verdict));
  }
  return outcomes;
}
