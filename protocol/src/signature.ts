import { p256 } from '@noble/curves/nist.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToUint, concatBytes, uintToBytes } from './bytes.js';
import { InvalidSignatureFormatError } from './errors.js';
import { READING_LENGTH, decodeReading, type Reading } from './reading.js';

/**
 * Key types, as stored in the device registry on chain.
 * - P256: ECDSA over SHA-256(reading), secp256r1 (ATECC608A meters). Public key = 64 bytes x‖y.
 * - ED25519: Ed25519 over the 32-byte SHA-256(reading) (software meters). Public key = 32 bytes.
 * Both sign the same 32-byte digest so a meter can hash once and hand the digest to its secure element.
 */
export const KeyType = { P256: 1, ED25519: 2 } as const;
export type KeyType = (typeof KeyType)[keyof typeof KeyType];

export interface DeviceKey {
  keyType: KeyType;
  /** P256: 64 bytes x‖y (no 0x04 prefix). ED25519: 32 bytes. */
  publicKey: Uint8Array;
}

export const SIGNATURE_LENGTH = 64;
/** Signed reading = reading bytes (43) ‖ signature (64: r‖s with low s for P-256; R‖S for Ed25519). */
export const SIGNED_READING_LENGTH = READING_LENGTH + SIGNATURE_LENGTH;

/** Curve order, read lazily so importing the protocol (e.g. for CIDs on a list page) stays free of curve work. */
const p256Order = (): bigint => p256.Point.CURVE().n;

/** SHA-256 of the reading bytes: the message every meter signs. */
export function readingDigest(readingBytes: Uint8Array): Uint8Array {
  return sha256(readingBytes);
}

/**
 * Returns the low-S form of a 64-byte P-256 signature (s ≤ n/2). Secure elements, Node and
 * WebCrypto emit high-S about half the time; OpenZeppelin's P256 and noble reject it.
 */
export function normalizeP256Signature(signature: Uint8Array): Uint8Array {
  if (signature.length !== SIGNATURE_LENGTH) {
    throw new InvalidSignatureFormatError(`A P-256 signature is 64 bytes r‖s, got ${signature.length}.`);
  }
  const s = bytesToUint(signature.subarray(32));
  if (s <= p256Order() >> 1n) return signature;
  return concatBytes(signature.subarray(0, 32), uintToBytes(p256Order() - s, 32));
}

export function isLowS(signature: Uint8Array): boolean {
  return bytesToUint(signature.subarray(32, 64)) <= p256Order() >> 1n;
}

/** Public key for a private key, in the registry's encoding. */
export function publicKeyOf(keyType: KeyType, privateKey: Uint8Array): Uint8Array {
  if (keyType === KeyType.P256) return p256.getPublicKey(privateKey, false).subarray(1);
  if (keyType === KeyType.ED25519) return ed25519.getPublicKey(privateKey);
  throw new InvalidSignatureFormatError(`Unknown key type ${keyType}.`);
}

/** Signs a reading's digest; P-256 signatures come out deterministic (RFC 6979) and low-S. */
export function signReadingBytes(readingBytes: Uint8Array, keyType: KeyType, privateKey: Uint8Array): Uint8Array {
  const digest = readingDigest(readingBytes);
  if (keyType === KeyType.P256) return p256.sign(digest, privateKey, { prehash: false, lowS: true });
  if (keyType === KeyType.ED25519) return ed25519.sign(digest, privateKey);
  throw new InvalidSignatureFormatError(`Unknown key type ${keyType}.`);
}

/** Verifies a signature over a reading; false for a wrong signature, throws on a malformed one or high-S. */
export function verifyReadingBytes(readingBytes: Uint8Array, signature: Uint8Array, key: DeviceKey): boolean {
  if (signature.length !== SIGNATURE_LENGTH) {
    throw new InvalidSignatureFormatError(`Signature must be 64 bytes, got ${signature.length}.`);
  }
  const digest = readingDigest(readingBytes);
  if (key.keyType === KeyType.P256) {
    if (key.publicKey.length !== 64) throw new InvalidSignatureFormatError('A P-256 public key is 64 bytes x‖y.');
    if (!isLowS(signature)) throw new InvalidSignatureFormatError('P-256 signature is not low-S (s > n/2); normalise it first.');
    try {
      return p256.verify(signature, digest, concatBytes(Uint8Array.of(4), key.publicKey), { prehash: false, lowS: true });
    } catch {
      return false;
    }
  }
  if (key.keyType === KeyType.ED25519) {
    if (key.publicKey.length !== 32) throw new InvalidSignatureFormatError('An Ed25519 public key is 32 bytes.');
    try {
      return ed25519.verify(signature, digest, key.publicKey);
    } catch {
      return false;
    }
  }
  throw new InvalidSignatureFormatError(`Unknown key type ${(key as DeviceKey).keyType}.`);
}

export interface SignedReading {
  reading: Reading;
  /** The 43 reading bytes exactly as signed. */
  readingBytes: Uint8Array;
  signature: Uint8Array;
  /** readingBytes ‖ signature (107 bytes): what travels and what the Merkle leaf commits to. */
  bytes: Uint8Array;
}

/** Splits and decodes a 107-byte signed reading (does not verify the signature). */
export function decodeSignedReading(bytes: Uint8Array): SignedReading {
  if (bytes.length !== SIGNED_READING_LENGTH) {
    throw new InvalidSignatureFormatError(`A signed reading is ${SIGNED_READING_LENGTH} bytes, got ${bytes.length}.`, {
      length: bytes.length,
    });
  }
  const readingBytes = bytes.slice(0, READING_LENGTH);
  return { reading: decodeReading(readingBytes), readingBytes, signature: bytes.slice(READING_LENGTH), bytes };
}

export function encodeSignedReading(readingBytes: Uint8Array, signature: Uint8Array): Uint8Array {
  if (readingBytes.length !== READING_LENGTH || signature.length !== SIGNATURE_LENGTH) {
    throw new InvalidSignatureFormatError('Signed reading = 43 reading bytes ‖ 64 signature bytes.');
  }
  return concatBytes(readingBytes, signature);
}
