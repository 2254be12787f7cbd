import { describe, expect, it } from 'vitest';
import { p256 } from '@noble/curves/nist.js';
import { webcrypto } from 'node:crypto';
import {
  KeyType,
  decodeSignedReading,
  encodeSignedReading,
  isLowS,
  normalizeP256Signature,
  publicKeyOf,
  signReadingBytes,
  verifyReadingBytes,
} from './signature.js';
import { encodeReading } from './reading.js';
import { concatBytes } from './bytes.js';

const reading = encodeReading({ deviceId: 'SOLR_0001', counter: 5, timestamp: 1767225610, powerW: 1, energyWh: 2, voltageMv: 3, status: 'ON' });
const p256Key = new Uint8Array(32).fill(7);
const edKey = new Uint8Array(32).fill(9);

describe('reading signatures', () => {
  it.each([
    ['P-256', KeyType.P256, p256Key],
    ['Ed25519', KeyType.ED25519, edKey],
  ] as const)('%s: verifies its own signature and rejects a changed reading or another key', (_, keyType, key) => {
    const sig = signReadingBytes(reading, keyType, key);
    const pub = { keyType, publicKey: publicKeyOf(keyType, key) };
    expect(verifyReadingBytes(reading, sig, pub)).toBe(true);
    const changed = reading.slice();
    changed[30] ^= 1;
    expect(verifyReadingBytes(changed, sig, pub)).toBe(false);
    const other = { keyType, publicKey: publicKeyOf(keyType, new Uint8Array(32).fill(1)) };
    expect(verifyReadingBytes(reading, sig, other)).toBe(false);
  });

  it('normalises a high-S P-256 signature from WebCrypto, and verification then accepts it', async () => {
    const pair = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
    const publicKey = new Uint8Array(await webcrypto.subtle.exportKey('raw', pair.publicKey)).subarray(1);
    let sawHighS = false;
    for (let i = 0; i < 32; i++) {
      const sig = new Uint8Array(await webcrypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, pair.privateKey, reading));
      if (!isLowS(sig)) {
        sawHighS = true;
        expect(() => verifyReadingBytes(reading, sig, { keyType: KeyType.P256, publicKey })).toThrow(
          expect.objectContaining({ code: 'INVALID_SIGNATURE_FORMAT' }),
        );
      }
      const low = normalizeP256Signature(sig);
      expect(isLowS(low)).toBe(true);
      expect(verifyReadingBytes(reading, low, { keyType: KeyType.P256, publicKey })).toBe(true);
    }
    expect(sawHighS).toBe(true); // 32 draws all low-S has probability 2^-32
  });

  it('produces signatures WebCrypto verifies (what the dApp does)', async () => {
    const sig = signReadingBytes(reading, KeyType.P256, p256Key);
    const key = await webcrypto.subtle.importKey(
      'raw',
      concatBytes(Uint8Array.of(4), publicKeyOf(KeyType.P256, p256Key)),
      { name: 'ECDSA', namedCurve: 'P-256' },
      false,
      ['verify'],
    );
    expect(await webcrypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, sig, reading)).toBe(true);
    expect(p256.verify(sig, reading, p256.getPublicKey(p256Key))).toBe(true);
  });

  it('splits signed readings and rejects wrong lengths', () => {
    const sig = signReadingBytes(reading, KeyType.ED25519, edKey);
    const signed = encodeSignedReading(reading, sig);
    expect(decodeSignedReading(signed).reading.counter).toBe(5);
    expect(() => decodeSignedReading(signed.slice(0, 106))).toThrow(expect.objectContaining({ code: 'INVALID_SIGNATURE_FORMAT' }));
    expect(() => verifyReadingBytes(reading, sig.slice(0, 63), { keyType: KeyType.ED25519, publicKey: publicKeyOf(KeyType.ED25519, edKey) })).toThrow();
  });
});

describe('signature policy verdicts', () => {
  it('a high-S signature is a format refusal only when it verifies once normalised; otherwise it is just false', () => {
    const sig = signReadingBytes(reading, KeyType.P256, p256Key);
    const key = { keyType: KeyType.P256, publicKey: publicKeyOf(KeyType.P256, p256Key) };
    const n = p256.Point.CURVE().n;
    const high = sig.slice();
    high.set(p256.Point.Fn.toBytes(n - p256.Point.Fn.fromBytes(sig.subarray(32))), 32);
    expect(isLowS(high)).toBe(false);
    expect(() => verifyReadingBytes(reading, high, key)).toThrow(expect.objectContaining({ code: 'INVALID_SIGNATURE_FORMAT' }));
    const changed = reading.slice();
    changed[30] ^= 1;
    expect(verifyReadingBytes(changed, high, key)).toBe(false);
  });

  it('the sync and async ports over the same adapter agree', async () => {
    const { createAsyncSignatureVerifier, createSignatureVerifier } = await import('./signature.js');
    const { nobleBackend } = await import('./verifiers/noble.js');
    const sync = createSignatureVerifier(nobleBackend);
    const async = createAsyncSignatureVerifier(nobleBackend);
    for (const [keyType, priv] of [
      [KeyType.P256, p256Key],
      [KeyType.ED25519, edKey],
    ] as const) {
      const check = { readingBytes: reading, signature: signReadingBytes(reading, keyType, priv), key: { keyType, publicKey: publicKeyOf(keyType, priv) } };
      expect(sync.verify(check)).toBe(true);
      expect(await async.verify(check)).toBe(true);
      expect(await async.verify({ ...check, signature: check.signature.subarray(1) })).toMatchObject({ code: 'INVALID_SIGNATURE_FORMAT' });
    }
  });
});
