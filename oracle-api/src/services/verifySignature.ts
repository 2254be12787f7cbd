import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { InvalidSignatureFormatError, isLowS, KeyType, SIGNATURE_LENGTH, toHex, verifyReadingBytes, type DeviceKey } from '@gridproof/protocol';

/** Most cached P-256 key objects; the oldest are dropped first. */
const MAX_KEYS = 50_000;
const keys = new Map<string, KeyObject | null>();

const base64url = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');

/** A P-256 key object for a 64-byte x‖y public key, cached; null when the point is not on the curve. */
function p256KeyObject(publicKey: Uint8Array): KeyObject | null {
  const id = toHex(publicKey);
  const cached = keys.get(id);
  if (cached !== undefined) return cached;
  let key: KeyObject | null;
  try {
    key = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: base64url(publicKey.subarray(0, 32)), y: base64url(publicKey.subarray(32, 64)) }, format: 'jwk' });
  } catch {
    key = null;
  }
  keys.set(id, key);
  if (keys.size > MAX_KEYS) keys.delete(keys.keys().next().value as string);
  return key;
}

/**
 * Same answer as protocol's `verifyReadingBytes` (ECDSA P-256 over SHA-256 of the 43 reading
 * bytes, 64-byte r‖s, low-S required; Ed25519 over the 32-byte digest), but P-256 runs on
 * node:crypto (OpenSSL) with a key object cached per device key: several times noble's speed,
 * and P-256 verification is what bounds ingest throughput. Ed25519 stays on noble so its
 * edge-case rules (ZIP-215) match what the DON and the dApp apply.
 * Throws InvalidSignatureFormatError exactly where protocol does (wrong lengths, high S).
 */
export function verifyReadingSignature(readingBytes: Uint8Array, signature: Uint8Array, key: DeviceKey): boolean {
  if (key.keyType !== KeyType.P256) return verifyReadingBytes(readingBytes, signature, key);
  if (signature.length !== SIGNATURE_LENGTH) throw new InvalidSignatureFormatError(`Signature must be 64 bytes, got ${signature.length}.`);
  if (key.publicKey.length !== 64) throw new InvalidSignatureFormatError('A P-256 public key is 64 bytes x‖y.');
  if (!isLowS(signature)) throw new InvalidSignatureFormatError('P-256 signature is not low-S (s > n/2); normalise it first.');
  const keyObject = p256KeyObject(key.publicKey);
  if (!keyObject) return false;
  try {
    return verify('sha256', readingBytes, { key: keyObject, dsaEncoding: 'ieee-p1363' }, signature);
  } catch {
    return false;
  }
}
