import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import {
  encodeReading,
  fromHex,
  InvalidSignatureFormatError,
  KeyType,
  publicKeyOf,
  signReadingBytes,
  verifyReadingBytes,
  type SignatureVerdict,
} from '@gridproof/protocol';
import { describe, expect, it } from 'vitest';
import { readingSignatureVerdict, verifyReadingSignature } from './verifySignature.js';

const projectVectors: { name: string; keyType: number; publicKey: string; reading: string; signature: string; expected: string }[] = JSON.parse(
  readFileSync(createRequire(import.meta.url).resolve('@gridproof/protocol/test-vectors/signatures.json'), 'utf8'),
).cases;
const outcome = (v: SignatureVerdict) => (v instanceof InvalidSignatureFormatError ? 'format' : v ? 'valid' : 'invalid');

const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const reading = (counter: number) =>
  encodeReading({ deviceId: 'SOLR_0001', counter, timestamp: 1767225600 + counter, powerW: 10, energyWh: 1000 + counter, voltageMv: 230_000, status: 'ON' });

function highS(sig: Uint8Array): Uint8Array {
  const s = BigInt(`0x${Buffer.from(sig.subarray(32)).toString('hex')}`);
  const out = sig.slice();
  out.set(Buffer.from((P256_N - s).toString(16).padStart(64, '0'), 'hex'), 32);
  return out;
}

describe('verifyReadingSignature (protocol policy on node:crypto)', () => {
  it('gives the expected verdict on every project signature vector, both key types', () => {
    const got = projectVectors.map((v) => [
      v.name,
      outcome(readingSignatureVerdict(fromHex(v.reading), fromHex(v.signature), { keyType: v.keyType as KeyType, publicKey: fromHex(v.publicKey) })),
    ]);
    expect(got).toEqual(projectVectors.map((v) => [v.name, v.expected]));
    expect(got.find(([name]) => (name as string).startsWith('ed25519: R shifted by a small-order point'))![1]).toBe('invalid');
  });

  it('a high-S signature that would not verify normalised either is a bad signature (false), not a format error', () => {
    const priv = new Uint8Array(32).fill(5);
    const key = { keyType: KeyType.P256, publicKey: publicKeyOf(KeyType.P256, priv) } as const;
    expect(verifyReadingSignature(reading(2), highS(signReadingBytes(reading(1), KeyType.P256, priv)), key)).toBe(false);
  });

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

  it('verifies Ed25519 too (OpenSSL with the policy checks)', () => {
    const priv = new Uint8Array(32).fill(9);
    const key = { keyType: KeyType.ED25519, publicKey: publicKeyOf(KeyType.ED25519, priv) } as const;
    const sig = signReadingBytes(reading(3), KeyType.ED25519, priv);
    expect(verifyReadingSignature(reading(3), sig, key)).toBe(true);
    expect(verifyReadingSignature(reading(4), sig, key)).toBe(false);
  });
});

describe('verify pool (worker thread)', () => {
  it('gives the inline answers for a large mixed batch: valid, tampered, high-S (valid and not), bogus key, Ed25519, Ed25519 for a P-256 key', async () => {
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
        if (i === 19) return { readingBytes: reading(i + 1), signature: highS(sig), key };
        if (i === 23) return { readingBytes: bytes, signature: signReadingBytes(bytes, KeyType.ED25519, new Uint8Array(32).fill(i)), key };
        return { readingBytes: bytes, signature: sig, key };
      });
      const [viaWorker, viaInline] = await Promise.all([pool.verifyMany(items), inline.verifyMany(items)]);
      expect(viaWorker.map(String)).toEqual(viaInline.map(String));
      expect(viaWorker.filter((o) => o === true)).toHaveLength(75);
      expect(viaWorker[7]).toMatchObject({ code: 'INVALID_SIGNATURE_FORMAT' });
      expect([viaWorker[11], viaWorker[13], viaWorker[17], viaWorker[19], viaWorker[23]]).toEqual([false, false, true, false, false]);
      expect(viaWorker.map(outcome)).toEqual(items.map((it) => outcome(readingSignatureVerdict(it.readingBytes, it.signature, it.key))));
    } finally {
      await pool.close();
      await inline.close();
    }
  });
});
