import { p256 } from '@noble/curves/nist.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToUint, concatBytes, uintToBytes } from './bytes.js';
import { InvalidSignatureFormatError } from './errors.js';
import { READING_LENGTH, decodeReading, type Reading } from './reading.js';
import { nobleBackend } from './verifiers/nobleBackend.js';

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

const P256_P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const ED25519_P = (1n << 255n) - 19n;
const ED25519_L = (1n << 252n) + 27742317777372353535851937790883648493n;
const p256Order = (): bigint => P256_N;

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

/**
 * The signature policy, one definition for the API, the DON and the dApp (see SIGNATURES.md).
 *
 * P-256: ECDSA over SHA-256(reading bytes), 64-byte r‖s with 1 ≤ r, s < n and s ≤ n/2 (low-S);
 * key 64 bytes x‖y with x, y < p, a point on the curve.
 *
 * Ed25519: RFC 8032 strict over the 32-byte SHA-256(reading): S < L; R and A canonical
 * (y < p; no x = 0 with the sign bit set); neither R nor A of small order; the cofactorless
 * equation [S]B = R + [k]A with R compared byte for byte (as OpenSSL, BoringSSL and libsodium do).
 * So an R shifted by a small-order point, which a cofactored verifier accepts, is refused.
 *
 * What a refusal is answered with ({@link SignatureVerdict}):
 * - {@link InvalidSignatureFormatError} (API: 400 INVALID_SIGNATURE_FORMAT) only when the bytes
 *   cannot be a signature for the key at all: the signature is not 64 bytes, the key is not
 *   64 (P-256) / 32 (Ed25519) bytes, or the key type is unknown; and for the one refusal a meter
 *   can act on: a P-256 signature that is valid but high-S ("normalise it").
 * - `false` (API: 422 BAD_SIGNATURE) for every other 64-byte signature that does not verify,
 *   whatever the reason (scalars out of range, a high-S signature that would not verify either,
 *   non-canonical or small-order encodings, a signature of the other key type). The code thus
 *   depends on whether the signature verifies, never on what its random halves look like: an
 *   Ed25519 signature sent for a P-256 device is 422 every time.
 */
export type SignatureVerdict = boolean | InvalidSignatureFormatError;

/** One signature to check: the 43 reading bytes as signed, the 64-byte signature, the registered key. */
export interface SignatureCheck {
  readingBytes: Uint8Array;
  signature: Uint8Array;
  key: DeviceKey;
}

/** Why a signature or key fails the policy before (or instead of) any curve arithmetic. */
export type SignatureRule =
  | 'KEY_TYPE'
  | 'SIGNATURE_LENGTH'
  | 'KEY_LENGTH'
  | 'P256_SCALAR_RANGE'
  | 'P256_HIGH_S'
  | 'P256_KEY_RANGE'
  | 'ED25519_S_NOT_CANONICAL'
  | 'ED25519_R_NOT_CANONICAL'
  | 'ED25519_R_SMALL_ORDER'
  | 'ED25519_KEY_NOT_CANONICAL'
  | 'ED25519_KEY_SMALL_ORDER';

export interface SignatureFormatProblem {
  rule: SignatureRule;
  message: string;
  /** True for the length / key-type refusals answered as a format error whatever the curve says. */
  malformed: boolean;
}

/** y of the four points of order 8 is ±this (mod p); the other small-order points have y ∈ {0, 1, -1}. */
const ED25519_Y_ORDER_8 = 0x7a03ac9277fdc74ec6cc392cfa53202a0f67100d760b3cba4fd84d3d706a17c7n;
const ED25519_SMALL_ORDER_Y = new Set([0n, 1n, ED25519_P - 1n, ED25519_Y_ORDER_8, ED25519_P - ED25519_Y_ORDER_8]);

const littleEndian = (bytes: Uint8Array): bigint => {
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]);
  return v;
};

/** Byte-level check of an Ed25519 point encoding: canonical (y < p, no "-0") and not of small order. */
function ed25519PointProblem(encoding: Uint8Array): 'NOT_CANONICAL' | 'SMALL_ORDER' | undefined {
  const sign = encoding[31] >> 7;
  const y = littleEndian(encoding) & ((1n << 255n) - 1n);
  if (y >= ED25519_P) return 'NOT_CANONICAL';
  // y = ±1 means x = 0, which has no negative: the sign bit must be clear (RFC 8032 5.1.3 step 4).
  if (sign === 1 && (y === 1n || y === ED25519_P - 1n)) return 'NOT_CANONICAL';
  if (ED25519_SMALL_ORDER_Y.has(y)) return 'SMALL_ORDER';
  return undefined;
}

const malformed = (rule: SignatureRule, message: string): SignatureFormatProblem => ({ rule, message, malformed: true });
const refused = (rule: SignatureRule, message: string): SignatureFormatProblem => ({ rule, message, malformed: false });

/**
 * The policy's checks that need no curve arithmetic (lengths, scalar ranges, low-S, canonical and
 * small-order encodings), identical for every adapter. `undefined`: hand it to the curve.
 * Whether a P-256 key is on the curve, or an Ed25519 key decodes, is the curve's answer (`false`).
 */
export function signatureFormatProblem(keyType: number, publicKey: Uint8Array, signature: Uint8Array): SignatureFormatProblem | undefined {
  if (keyType !== KeyType.P256 && keyType !== KeyType.ED25519) return malformed('KEY_TYPE', `Unknown key type ${keyType}.`);
  if (signature.length !== SIGNATURE_LENGTH) return malformed('SIGNATURE_LENGTH', `Signature must be 64 bytes, got ${signature.length}.`);
  if (keyType === KeyType.P256) {
    if (publicKey.length !== 64) return malformed('KEY_LENGTH', `A P-256 public key is 64 bytes x‖y, got ${publicKey.length}.`);
    if (bytesToUint(publicKey.subarray(0, 32)) >= P256_P || bytesToUint(publicKey.subarray(32)) >= P256_P) {
      return refused('P256_KEY_RANGE', 'P-256 key coordinate is not below the field prime.');
    }
    const r = bytesToUint(signature.subarray(0, 32));
    const s = bytesToUint(signature.subarray(32));
    if (r === 0n || s === 0n || r >= P256_N || s >= P256_N) return refused('P256_SCALAR_RANGE', 'P-256 signature r or s is 0 or not below the group order.');
    if (s > P256_N >> 1n) return refused('P256_HIGH_S', 'P-256 signature is not low-S (s > n/2); normalise it first.');
    return undefined;
  }
  if (publicKey.length !== 32) return malformed('KEY_LENGTH', `An Ed25519 public key is 32 bytes, got ${publicKey.length}.`);
  if (littleEndian(signature.subarray(32)) >= ED25519_L) return refused('ED25519_S_NOT_CANONICAL', 'Ed25519 signature S is not below the group order L.');
  const r = ed25519PointProblem(signature.subarray(0, 32));
  if (r === 'NOT_CANONICAL') return refused('ED25519_R_NOT_CANONICAL', 'Ed25519 signature R is not a canonical point encoding.');
  if (r === 'SMALL_ORDER') return refused('ED25519_R_SMALL_ORDER', 'Ed25519 signature R is a point of small order.');
  const a = ed25519PointProblem(publicKey);
  if (a === 'NOT_CANONICAL') return refused('ED25519_KEY_NOT_CANONICAL', 'Ed25519 public key is not a canonical point encoding.');
  if (a === 'SMALL_ORDER') return refused('ED25519_KEY_SMALL_ORDER', 'Ed25519 public key is a point of small order.');
  return undefined;
}

/**
 * What an adapter implements: the two curve operations on a message, called only for inputs that
 * passed {@link signatureFormatProblem}. `p256`: plain ECDSA P-256 over SHA-256(message), any s
 * (the policy handles low-S). `ed25519`: the cofactorless equation, R compared byte for byte.
 * Both answer `false` (never throw) for a key that is not a valid point.
 */
export interface SignatureBackend<Answer extends boolean | Promise<boolean> = boolean> {
  /** How each key type is checked, e.g. "node:crypto (OpenSSL) ECDSA P-256"; shown by the dApp. */
  method(keyType: KeyType): string;
  p256(message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): Answer;
  ed25519(message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): Answer;
}
export type AsyncSignatureBackend = SignatureBackend<boolean | Promise<boolean>>;

/** The port: the policy applied over one adapter. Every adapter gives the same verdicts. */
export interface SignatureVerifier {
  method(keyType: KeyType): string;
  /** A reading's signature (P-256 over the reading bytes, Ed25519 over their SHA-256). */
  verify(check: SignatureCheck): SignatureVerdict;
  /** The policy over an arbitrary message (P-256: ECDSA over SHA-256(message); Ed25519: over the message itself). */
  verifyMessage(keyType: number, publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): SignatureVerdict;
}
export interface AsyncSignatureVerifier {
  method(keyType: KeyType): string;
  verify(check: SignatureCheck): Promise<SignatureVerdict>;
  verifyMessage(keyType: number, publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<SignatureVerdict>;
}

/** The policy as steps: yields the curve questions, so the sync and async verifiers share every line. */
function* policy(
  keyType: number,
  publicKey: Uint8Array,
  _message: Uint8Array,
  signature: Uint8Array,
): Generator<[KeyType, Uint8Array], SignatureVerdict, boolean> {
  const problem = signatureFormatProblem(keyType, publicKey, signature);
  if (problem?.malformed) return new InvalidSignatureFormatError(problem.message, { rule: problem.rule });
  if (problem?.rule === 'P256_HIGH_S') {
    // Valid once normalised: the meter forgot to normalise, say so. Otherwise it is just a bad signature.
    const valid = yield [KeyType.P256, normalizeP256Signature(signature)];
    return valid ? new InvalidSignatureFormatError(problem.message, { rule: problem.rule }) : false;
  }
  if (problem) return false;
  return yield [keyType as KeyType, signature];
}

const messageOf = (check: SignatureCheck): Uint8Array => (check.key.keyType === KeyType.ED25519 ? readingDigest(check.readingBytes) : check.readingBytes);

/** The synchronous port over a synchronous adapter (noble, node:crypto). */
export function createSignatureVerifier(backend: SignatureBackend): SignatureVerifier {
  const verifyMessage = (keyType: number, publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): SignatureVerdict => {
    const steps = policy(keyType, publicKey, message, signature);
    let next = steps.next(false);
    while (!next.done) {
      const [type, sig] = next.value;
      next = steps.next(type === KeyType.P256 ? backend.p256(message, sig, publicKey) : backend.ed25519(message, sig, publicKey));
    }
    return next.value;
  };
  return {
    method: (keyType) => backend.method(keyType),
    verifyMessage,
    verify: (check) => verifyMessage(check.key.keyType, check.key.publicKey, messageOf(check), check.signature),
  };
}

/** The asynchronous port over an asynchronous adapter (WebCrypto). */
export function createAsyncSignatureVerifier(backend: AsyncSignatureBackend): AsyncSignatureVerifier {
  const verifyMessage = async (keyType: number, publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<SignatureVerdict> => {
    const steps = policy(keyType, publicKey, message, signature);
    let next = steps.next(false);
    while (!next.done) {
      const [type, sig] = next.value;
      next = steps.next(await (type === KeyType.P256 ? backend.p256(message, sig, publicKey) : backend.ed25519(message, sig, publicKey)));
    }
    return next.value;
  };
  return {
    method: (keyType) => backend.method(keyType),
    verifyMessage,
    verify: (check) => verifyMessage(check.key.keyType, check.key.publicKey, messageOf(check), check.signature),
  };
}

let reference: SignatureVerifier | undefined;
/** The reference verifier (noble, pure JS): what the DON runs in QuickJS; every adapter must match it. */
export function nobleSignatureVerifier(): SignatureVerifier {
  reference ??= createSignatureVerifier(nobleBackend);
  return reference;
}

/**
 * Verifies a signature over a reading with the reference verifier: `false` for a signature that
 * does not verify, throws {@link InvalidSignatureFormatError} on a format refusal (see {@link SignatureVerdict}).
 */
export function verifyReadingBytes(readingBytes: Uint8Array, signature: Uint8Array, key: DeviceKey): boolean {
  const verdict = nobleSignatureVerifier().verify({ readingBytes, signature, key });
  if (verdict instanceof InvalidSignatureFormatError) throw verdict;
  return verdict;
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
