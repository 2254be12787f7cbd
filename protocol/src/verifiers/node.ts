/**
 * `@gridproof/protocol/verifiers/node`: the node:crypto (OpenSSL) adapter, for the oracle API.
 * Never imported by the package's main entry, so browser bundles stay free of node:crypto.
 *
 * OpenSSL's ECDSA is plain ECDSA (high-S accepted; the policy refuses it) and its Ed25519 is
 * cofactorless with S < L, like the policy; it does not refuse a non-canonical or small-order A or
 * a small-order R, which the policy's format checks do before OpenSSL is asked. With them its
 * verdicts equal noble's on every vector (signatures.vectors.test.ts), so both key types run here.
 */
import { createPublicKey, verify, type JsonWebKey, type KeyObject } from 'node:crypto';
import { toHex } from '../bytes.js';
import { createSignatureVerifier, type KeyType, type SignatureBackend, type SignatureVerifier } from '../signature.js';

/** Most cached key objects; the oldest are dropped first. */
const MAX_KEYS = 50_000;

const base64url = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');

/** A key object per public key, cached; null when OpenSSL refuses the key (not a point on the curve). */
function keyCache(jwk: (publicKey: Uint8Array) => JsonWebKey): (publicKey: Uint8Array) => KeyObject | null {
  const keys = new Map<string, KeyObject | null>();
  return (publicKey) => {
    const id = toHex(publicKey);
    const cached = keys.get(id);
    if (cached !== undefined) return cached;
    let key: KeyObject | null;
    try {
      key = createPublicKey({ key: jwk(publicKey), format: 'jwk' });
    } catch {
      key = null;
    }
    keys.set(id, key);
    if (keys.size > MAX_KEYS) keys.delete(keys.keys().next().value as string);
    return key;
  };
}

/** A P-256 key object for a 64-byte x‖y public key (cached), or null off the curve. Exported for worker threads. */
export const p256KeyObject = keyCache((xy) => ({ kty: 'EC', crv: 'P-256', x: base64url(xy.subarray(0, 32)), y: base64url(xy.subarray(32, 64)) }));
const ed25519KeyObject = keyCache((a) => ({ kty: 'OKP', crv: 'Ed25519', x: base64url(a) }));

export const nodeBackend: SignatureBackend = {
  method: (keyType: KeyType) => (keyType === 1 ? 'node:crypto (OpenSSL) ECDSA P-256 / SHA-256' : 'node:crypto (OpenSSL) Ed25519'),
  p256(message, signature, publicKey) {
    const key = p256KeyObject(publicKey);
    if (!key) return false;
    try {
      return verify('sha256', message, { key, dsaEncoding: 'ieee-p1363' }, signature);
    } catch {
      return false;
    }
  },
  ed25519(message, signature, publicKey) {
    const key = ed25519KeyObject(publicKey);
    if (!key) return false;
    try {
      return verify(null, message, key, signature);
    } catch {
      return false;
    }
  },
};

let verifier: SignatureVerifier | undefined;
/** The policy over node:crypto (one shared instance, so key objects are cached once per process). */
export function nodeSignatureVerifier(): SignatureVerifier {
  verifier ??= createSignatureVerifier(nodeBackend);
  return verifier;
}
