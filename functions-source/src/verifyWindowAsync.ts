import { webCryptoSignatureVerifier, type WebCryptoBackendOptions } from '@gridproof/protocol/verifiers/webcrypto';
import {
  verifySignatureWithNoble,
  verifyWindowSteps,
  type SignatureCheck,
  type SignatureVerdict,
  type VerifyWindowParameters,
  type VerifyWindowReturnType,
} from './verifyWindow.js';

/** Answers a batch of signature checks, in order. */
export type SignatureVerifier = (checks: SignatureCheck[]) => Promise<SignatureVerdict[]>;

export interface VerifyWindowAsyncParameters extends VerifyWindowParameters {
  /** Default: `webCryptoVerifier()` when `crypto.subtle` exists, else noble. */
  verifier?: SignatureVerifier;
}

/**
 * `verifyWindow` with an asynchronous signature verifier (WebCrypto in Deno / Chainlink Functions,
 * where P-256 runs natively and is far faster than noble). Same checks, same order, same errors,
 * same report: only how each signature is checked differs, and every verifier applies protocol's
 * one policy (protocol/SIGNATURES.md), so the verdicts are the same.
 * @example
 * const { payload } = await verifyWindowAsync({ documentBytes, expectedWindowStart, windowSeconds, deviceKeys })
 */
export async function verifyWindowAsync(parameters: VerifyWindowAsyncParameters): Promise<VerifyWindowReturnType> {
  const verifier = parameters.verifier ?? (globalThis.crypto?.subtle ? webCryptoVerifier(globalThis.crypto.subtle) : nobleVerifier);
  const steps = verifyWindowSteps(parameters);
  let next = steps.next([]);
  while (!next.done) next = steps.next(await verifier(next.value));
  return next.value;
}

/** The reference (noble), batched. */
export const nobleVerifier: SignatureVerifier = async (checks) => checks.map(verifySignatureWithNoble);

/**
 * protocol's WebCrypto adapter, batched. P-256 on WebCrypto; Ed25519 on WebCrypto only if this
 * runtime's implementation gives the protocol's known answers (cofactorless, see the adapter),
 * else on noble. Imported keys are cached per verifier.
 */
export function webCryptoVerifier(subtle: SubtleCrypto, options?: WebCryptoBackendOptions): SignatureVerifier {
  const verifier = webCryptoSignatureVerifier(subtle, options);
  return (checks) =>
    Promise.all(
      checks.map((c) => verifier.verify({ readingBytes: c.readingBytes, signature: c.signature, key: { keyType: c.key.keyType, publicKey: c.key.publicKey } })),
    );
}
