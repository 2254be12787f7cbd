import { randomBytes } from 'node:crypto';
import { encodeReading, KeyType, publicKeyOf, signReadingBytes, verifyReadingBytes } from '@gridproof/protocol';
import { describe, expect, it } from 'vitest';
import { verifyReadingSignature } from './verifySignature.js';

const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const reading = (counter: number) =>
  encodeReading({ deviceId: 'SOLR_0001', counter, timestamp: 1767225600 + counter, powerW: 10, energyWh: 1000 + counter, voltageMv: 230_000, status: 'ON' });

function highS(sig: Uint8Array): Uint8Array {
  const s = BigInt(`0x${Buffer.from(sig.subarray(32)).toString('hex')}`);
  const out = sig.slice();
  out.set(Buffer.from((P256_N - s).toString(16).padStart(64, '0'), 'hex'), 32);
  return out;
}

describe('verifyReadingSignature (node:crypto P-256)', () => {
  it('agrees with protocol verifyReadingBytes on valid, tampered and wrong-key signatures', () => {
    for (let i = 0; i < 40; i++) {
      const priv = randomBytes(32);
      const key = { keyType: KeyType.P256, publicKey: publicKeyOf(KeyType.P256, priv) } as const;
      const bytes = reading(i);
      const sig = signReadingBytes(bytes, KeyType.P256, priv);
      const tampered = bytes.slice();
      tampered[20 + (i % 20)] ^= 1;
      const flipped = sig.slice();
      flipped[i % 32] ^= 0x80;
      const other = { keyType: KeyType.P256, publicKey: publicKeyOf(KeyType.P256, randomBytes(32)) } as const;
      for (const [b, s, k] of [
        [bytes, sig, key],
        [tampered, sig, key],
        [bytes, flipped, key],
        [bytes, sig, other],
      ] as const) {
        expect(verifyReadingSignature(b, s, k)).toBe(verifyReadingBytes(b, s, k));
      }
      expect(verifyReadingSignature(bytes, sig, key)).toBe(true);
      expect(verifyReadingSignature(tampered, sig, key)).toBe(false);
    }
  });

  it('keeps the low-S rule: the high-S twin of a valid signature is a format error, as in protocol', () => {
    const priv = new Uint8Array(32).fill(5);
    const key = { keyType: KeyType.P256, publicKey: publicKeyOf(KeyType.P256, priv) } as const;
    const sig = signReadingBytes(reading(1), KeyType.P256, priv);
    expect(() => verifyReadingSignature(reading(1), highS(sig), key)).toThrow(expect.objectContaining({ code: 'INVALID_SIGNATURE_FORMAT' }));
    expect(() => verifyReadingBytes(reading(1), highS(sig), key)).toThrow(expect.objectContaining({ code: 'INVALID_SIGNATURE_FORMAT' }));
  });

  it('answers false for a key that is not a curve point, and for r = 0', () => {
    const bogus = { keyType: KeyType.P256, publicKey: new Uint8Array(64).fill(1) } as const;
    const sig = signReadingBytes(reading(2), KeyType.P256, new Uint8Array(32).fill(5));
    expect(verifyReadingSignature(reading(2), sig, bogus)).toBe(false);
    const key = { keyType: KeyType.P256, publicKey: publicKeyOf(KeyType.P256, new Uint8Array(32).fill(5)) } as const;
    const zeroR = sig.slice();
    zeroR.fill(0, 0, 32);
    expect(verifyReadingSignature(reading(2), zeroR, key)).toBe(false);
  });

  it('passes Ed25519 through to protocol', () => {
    const priv = new Uint8Array(32).fill(9);
    const key = { keyType: KeyType.ED25519, publicKey: publicKeyOf(KeyType.ED25519, priv) } as const;
    const sig = signReadingBytes(reading(3), KeyType.ED25519, priv);
    expect(verifyReadingSignature(reading(3), sig, key)).toBe(true);
    expect(verifyReadingSignature(reading(4), sig, key)).toBe(false);
  });
});

describe('verify pool (worker thread)', () => {
  it('gives the inline answers for a large mixed batch: valid, tampered, high-S, bogus key, Ed25519', async () => {
    const { createVerifyPool } = await import('./verifyPool.js');
    const pool = createVerifyPool(1);
    const inline = createVerifyPool(0);
    try {
      const priv = new Uint8Array(32).fill(5);
      const key = { keyType: KeyType.P256, publicKey: publicKeyOf(KeyType.P256, priv) } as const;
      const ed = { keyType: KeyType.ED25519, publicKey: publicKeyOf(KeyType.ED25519, new Uint8Array(32).fill(9)) } as const;
      const items = Array.from({ length: 80 }, (_, i) => {
        const bytes = reading(i);
        const sig = signReadingBytes(bytes, KeyType.P256, priv);
        if (i === 7) return { readingBytes: bytes, signature: highS(sig), key };
        if (i === 11) return { readingBytes: reading(i + 1), signature: sig, key };
        if (i === 13) return { readingBytes: bytes, signature: sig, key: { keyType: KeyType.P256, publicKey: new Uint8Array(64).fill(1) } as const };
        if (i === 17) return { readingBytes: bytes, signature: signReadingBytes(bytes, KeyType.ED25519, new Uint8Array(32).fill(9)), key: ed };
        return { readingBytes: bytes, signature: sig, key };
      });
      const [viaWorker, viaInline] = await Promise.all([pool.verifyMany(items), inline.verifyMany(items)]);
      expect(viaWorker.map(String)).toEqual(viaInline.map(String));
      expect(viaWorker.filter((o) => o === true)).toHaveLength(77);
      expect(viaWorker[7]).toMatchObject({ code: 'INVALID_SIGNATURE_FORMAT' });
      expect([viaWorker[11], viaWorker[13], viaWorker[17]]).toEqual([false, false, true]);
    } finally {
      await pool.close();
      await inline.close();
    }
  });
});
