/**
 * Builds the project's signature vectors (test-vectors/signatures.json): readings signed
 * correctly and every edge the policy decides, for both key types. Deterministic; the test
 * `signatureVectors.test.ts` checks the JSON is exactly this output. Test-only: not exported by the package.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { bytesToUint, concatBytes, toHex, uintToBytes, type Hex } from '../bytes.js';
import { encodeReading } from '../reading.js';
import { KeyType, publicKeyOf, readingDigest, signReadingBytes } from '../signature.js';

import type { SignatureOutcome } from './vectorVerdicts.js';

/** What a vector expects: `valid`, `invalid` (API 422) or `format` (API 400). */
export type SignatureExpectation = SignatureOutcome;

export interface SignatureVector {
  name: string;
  keyType: number;
  publicKey: Hex;
  /** The 43 reading bytes as signed. */
  reading: Hex;
  signature: Hex;
  expected: SignatureExpectation;
  /** What a cofactored / ZIP-215 Ed25519 verifier (noble's `ed25519.verify` default) says, where it differs. */
  note?: string;
}

const label = (s: string) => sha256(new TextEncoder().encode(`gridproof signature vector ${s}`));
const P256_N = p256.Point.CURVE().n;
const { Point } = ed25519;
const L = Point.Fn.ORDER;
const le = (b: Uint8Array) => bytesToUint(b.slice().reverse());
const leBytes = (v: bigint) => uintToBytes(v, 32).reverse();

/** A point of order 8 (the torsion part of a hashed point). */
function order8Point(): InstanceType<typeof Point> {
  for (let i = 0; ; i++) {
    try {
      const t = Point.fromBytes(label(`torsion ${i}`))
        .multiplyUnsafe(L - 1n)
        .add(Point.fromBytes(label(`torsion ${i}`)));
      if (!t.multiplyUnsafe(4n).is0()) return t;
    } catch {
      // not a point: next label
    }
  }
}

/** An Ed25519 signature with a chosen nonce point: S = r + k·a with k = H(R‖A‖M), R as given. */
function edSign(message: Uint8Array, a: bigint, publicKey: Uint8Array, r: bigint, R: Uint8Array): Uint8Array {
  const k = Point.Fn.create(le(sha512(concatBytes(R, publicKey, message))));
  return concatBytes(R, leBytes(Point.Fn.create(r + k * a)));
}

export function buildSignatureVectors(): SignatureVector[] {
  const reading = encodeReading({ deviceId: 'SOLR_0001', counter: 42, timestamp: 1767225642, powerW: 1234, energyWh: 567890, voltageMv: 230100, status: 'ON' });
  const edReading = encodeReading({
    deviceId: 'INDU_0042',
    counter: 42,
    timestamp: 1767225642,
    powerW: 1234,
    energyWh: 567890,
    voltageMv: 230100,
    status: 'ON',
  });
  const out: SignatureVector[] = [];
  const add = (name: string, keyType: number, publicKey: Uint8Array, r: Uint8Array, signature: Uint8Array, expected: SignatureExpectation, note?: string) =>
    out.push({ name, keyType, publicKey: toHex(publicKey), reading: toHex(r), signature: toHex(signature), expected, ...(note ? { note } : {}) });

  // --- P-256 ---
  const pPriv = label('p256 key');
  const pPub = publicKeyOf(KeyType.P256, pPriv);
  const pSig = signReadingBytes(reading, KeyType.P256, pPriv);
  const s = bytesToUint(pSig.subarray(32));
  const withS = (v: bigint) => concatBytes(pSig.subarray(0, 32), uintToBytes(v, 32));
  const withR = (v: bigint) => concatBytes(uintToBytes(v, 32), pSig.subarray(32));
  add('p256: valid low-S signature', 1, pPub, reading, pSig, 'valid');
  add('p256: high-S twin of a valid signature (valid once normalised)', 1, pPub, reading, withS(P256_N - s), 'format');
  const tampered = reading.slice();
  tampered[29] ^= 1;
  add('p256: reading changed after signing', 1, pPub, tampered, pSig, 'invalid');
  add('p256: high-S twin over a changed reading (would not verify either)', 1, pPub, tampered, withS(P256_N - s), 'invalid');
  add('p256: r = 0', 1, pPub, reading, withR(0n), 'invalid');
  add('p256: s = 0', 1, pPub, reading, withS(0n), 'invalid');
  add('p256: r = n', 1, pPub, reading, withR(P256_N), 'invalid');
  add('p256: s = n', 1, pPub, reading, withS(P256_N), 'invalid');
  add('p256: another key', 1, publicKeyOf(KeyType.P256, label('p256 other key')), reading, pSig, 'invalid');
  const offCurve = pPub.slice();
  offCurve[63] ^= 1;
  add('p256: key not on the curve', 1, offCurve, reading, pSig, 'invalid');
  add('p256: key x = p (not a field element)', 1, concatBytes(uintToBytes(p256.Point.CURVE().p, 32), pPub.subarray(32)), reading, pSig, 'invalid');
  // An Ed25519 signature sent for a P-256 device: 422 whatever its second half looks like.
  let sawLow = false;
  let sawHigh = false;
  for (let i = 0; !(sawLow && sawHigh); i++) {
    const edSig = signReadingBytes(reading, KeyType.ED25519, label(`ed25519 key for p256 device ${i}`));
    const high = bytesToUint(edSig.subarray(32)) > P256_N >> 1n;
    if (high ? sawHigh : sawLow) continue;
    if (high) sawHigh = true;
    else sawLow = true;
    add(`p256: an Ed25519 signature sent for a P-256 device (second half ${high ? 'high' : 'low'} as s)`, 1, pPub, reading, edSig, 'invalid');
  }
  add('p256: signature of 63 bytes', 1, pPub, reading, pSig.subarray(0, 63), 'format');
  add('p256: key of 65 bytes (0x04 prefix)', 1, concatBytes(Uint8Array.of(4), pPub), reading, pSig, 'format');

  // --- Ed25519 ---
  const eSeed = label('ed25519 key');
  const { scalar: a, pointBytes: ePub } = ed25519.utils.getExtendedPublicKey(eSeed);
  const eSig = signReadingBytes(edReading, KeyType.ED25519, eSeed);
  const msg = readingDigest(edReading);
  const T = order8Point();
  add('ed25519: valid signature', 2, ePub, edReading, eSig, 'valid');
  const edTampered = edReading.slice();
  edTampered[29] ^= 1;
  add('ed25519: reading changed after signing', 2, ePub, edTampered, eSig, 'invalid');
  const r = Point.Fn.create(le(label('ed25519 nonce')));
  const R = Point.BASE.multiply(r);
  add(
    'ed25519: R shifted by a small-order point (S recomputed for the shifted R)',
    2,
    ePub,
    edReading,
    edSign(msg, a, ePub, r, R.add(T).toBytes()),
    'invalid',
    'cofactored verifiers (noble ed25519.verify, ZIP-215) accept it; OpenSSL and the policy refuse it',
  );
  add('ed25519: S + L (non-canonical S)', 2, ePub, edReading, concatBytes(eSig.subarray(0, 32), leBytes(le(eSig.subarray(32)) + L)), 'invalid');
  add(
    'ed25519: R = identity (small order) with S = k·a, which satisfies [S]B = R + [k]A',
    2,
    ePub,
    edReading,
    edSign(msg, a, ePub, 0n, Point.ZERO.toBytes()),
    'invalid',
    'OpenSSL alone accepts it; the policy refuses a small-order R',
  );
  const identity = Point.ZERO.toBytes();
  const bS1 = concatBytes(Point.BASE.toBytes(), leBytes(1n));
  add(
    'ed25519: key = identity (small order); R = B, S = 1 satisfies the equation for any message',
    2,
    identity,
    edReading,
    bS1,
    'invalid',
    'OpenSSL alone accepts it',
  );
  add('ed25519: key of order 8', 2, T.toBytes(), edReading, bS1, 'invalid');
  const nonCanonicalIdentity = leBytes((1n << 255n) - 19n + 1n); // y = p + 1 ≡ 1
  add('ed25519: key = identity encoded with y = p + 1 (non-canonical)', 2, nonCanonicalIdentity, edReading, bS1, 'invalid');
  const minusZero = identity.slice();
  minusZero[31] |= 0x80;
  add('ed25519: key = identity with the sign bit set (x = 0 has no negative)', 2, minusZero, edReading, bS1, 'invalid');
  const RnonCanonical = leBytes(le(Point.ZERO.toBytes()) + (1n << 255n) - 19n); // identity R as y = p + 1
  add('ed25519: R non-canonical (y = p + 1)', 2, ePub, edReading, edSign(msg, a, ePub, 0n, RnonCanonical), 'invalid');
  // A key with a torsion component: the cofactorless equation holds only when (k mod L) ≡ 0 mod 8.
  const mixed = Point.fromBytes(ePub).add(T).toBytes();
  for (let i = 0, found = 0; found < 3; i++) {
    const ri = Point.Fn.create(le(label(`mixed nonce ${i}`)));
    const Ri = Point.BASE.multiply(ri).toBytes();
    const k = Point.Fn.create(le(sha512(concatBytes(Ri, mixed, msg))));
    const holds = k % 8n === 0n;
    if (holds ? found & 1 : found & 2) continue;
    found |= holds ? 1 : 2;
    add(
      `ed25519: key with a small-order component, ${holds ? 'k ≡ 0 mod 8: the equation holds' : 'k ≢ 0 mod 8: the equation fails'}`,
      2,
      mixed,
      edReading,
      edSign(msg, a, mixed, ri, Ri),
      holds ? 'valid' : 'invalid',
      holds ? undefined : 'cofactored verifiers accept it',
    );
  }
  add('ed25519: a P-256 signature sent for an Ed25519 device', 2, ePub, edReading, signReadingBytes(edReading, KeyType.P256, pPriv), 'invalid');
  add('ed25519: signature of 65 bytes', 2, ePub, edReading, concatBytes(eSig, Uint8Array.of(0)), 'format');
  add('ed25519: key of 31 bytes', 2, ePub.subarray(0, 31), edReading, eSig, 'format');
  add('unknown key type 3', 3, ePub, edReading, eSig, 'format');
  return out;
}
