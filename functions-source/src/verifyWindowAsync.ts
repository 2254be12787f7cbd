import { KeyType, isLowS, toHex, InvalidSignatureFormatError } from '@gridproof/protocol';
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
 * same report: only how each signature is checked differs, and the WebCrypto path enforces the
 * same rules (64-byte r‖s, low-S, 64-byte key) before asking WebCrypto.
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

export const nobleVerifier: SignatureVerifier = async (checks) => checks.map(verifySignatureWithNoble);

/**
 * P-256 through WebCrypto (ECDSA/SHA-256 over the reading bytes is exactly "ECDSA over
 * SHA-256(reading)"); Ed25519 through noble, because WebCrypto implementations differ on
 * non-canonical encodings and the two oracle paths must agree bit for bit. Imported keys are cached.
 */
export function webCryptoVerifier(subtle: SubtleCrypto): SignatureVerifier {
  const keys = new Map<string, Promise<CryptoKey | null>>();
  const importP256 = (publicKey: Uint8Array) => {
    const id = toHex(publicKey);
    let key = keys.get(id);
    if (!key) {
      const raw = new Uint8Array(65);
      raw[0] = 4;
      raw.set(publicKey, 1);
      // A point not on the curve fails the import; noble answers `false` for it, so do we.
      key = subtle.importKey('raw', raw, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']).catch(() => null);
      keys.set(id, key);
    }
    return key;
  };
  const one = async (check: SignatureCheck): Promise<SignatureVerdict> => {
    if (check.key.keyType !== KeyType.P256) return verifySignatureWithNoble(check);
    if (check.signature.length !== 64) return new InvalidSignatureFormatError(`Signature must be 64 bytes, got ${check.signature.length}.`);
    if (check.key.publicKey.length !== 64) return new InvalidSignatureFormatError('A P-256 public key is 64 bytes x‖y.');
    if (!isLowS(check.signature)) return new InvalidSignatureFormatError('P-256 signature is not low-S (s > n/2); normalise it first.');
    const key = await importP256(check.key.publicKey);
    if (!key) return false;
    try {
      return await subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, check.signature as BufferSource, check.readingBytes as BufferSource);
    } catch {
      return false;
    }
  };
  return (checks) => Promise.all(checks.map(one));
}
