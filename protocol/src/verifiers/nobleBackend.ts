import { ed25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { bytesToUint, concatBytes, equalBytes } from '../bytes.js';
import type { KeyType, SignatureBackend } from '../signature.js';

const leToUint = (bytes: Uint8Array): bigint => bytesToUint(bytes.slice().reverse());

/**
 * The reference adapter, pure JavaScript (@noble/curves): runs anywhere, including QuickJS in the
 * CRE DON. Ed25519 is computed here from noble's point arithmetic rather than `ed25519.verify`,
 * because noble checks the cofactored equation ([8][S]B = [8]R + [8][k]A), which accepts an R
 * shifted by a small-order point; the policy is the cofactorless one, R compared byte for byte.
 */
export const nobleBackend: SignatureBackend = {
  method: (keyType: KeyType) => (keyType === 1 ? 'noble ECDSA P-256 / SHA-256' : 'noble Ed25519 (RFC 8032 strict, cofactorless)'),
  p256(message, signature, publicKey) {
    try {
      return p256.verify(signature, message, concatBytes(Uint8Array.of(4), publicKey), { prehash: true, lowS: false });
    } catch {
      return false;
    }
  },
  ed25519(message, signature, publicKey) {
    const { Point } = ed25519;
    let A: InstanceType<typeof Point>;
    try {
      A = Point.fromBytes(publicKey, false);
    } catch {
      return false;
    }
    const R = signature.subarray(0, 32);
    const S = leToUint(signature.subarray(32));
    const k = Point.Fn.create(leToUint(sha512(concatBytes(R, publicKey, message))));
    // [S]B - [k]A, encoded, must be R's very bytes.
    const computed = Point.BASE.multiplyUnsafe(S).subtract(A.multiplyUnsafe(k));
    return equalBytes(computed.toBytes(), R);
  },
};
