import { describe, expect, it } from 'vitest';
import { decodeWindowReport, encodeReading, encodeSignedReading, toHex, windowDocumentDigest, type Hex } from '@gridproof/protocol';
import { sha256 } from '@noble/hashes/sha2.js';
import { sampleSeedOf, selectSample } from './sampling.js';
import { verifyWindow } from './verifyWindow.js';
import { WindowVerificationCode as Code, WindowVerificationError } from './errors.js';
import {
  WINDOW_SECONDS,
  WINDOW_START,
  buildWindow,
  encode,
  forgedWindow,
  reading,
  revokedKey,
  signed,
  vectorBytes,
  vectorDocument,
  vectorKeys,
} from './testing/windowFixture.js';

const seedOf = (i: number): Hex => toHex(sha256(new TextEncoder().encode(`seed ${i}`)));

describe('selectSample', () => {
  it('is deterministic, distinct, ascending and within range', () => {
    const a = selectSample(seedOf(1), 1000, 50);
    expect(selectSample(seedOf(1), 1000, 50)).toEqual(a);
    expect(new Set(a).size).toBe(50);
    expect([...a].sort((x, y) => x - y)).toEqual(a);
    expect(a.every((i) => Number.isInteger(i) && i >= 0 && i < 1000)).toBe(true);
    expect(selectSample(seedOf(2), 1000, 50)).not.toEqual(a);
  });

  it('pins the derivation (SHA-256(seed ‖ uint32be k) mod population)', () => {
    const seed = seedOf(7);
    const k0 = sha256(new Uint8Array([...Buffer.from(seed.slice(2), 'hex'), 0, 0, 0, 0]));
    const first = Number(BigInt(toHex(k0)) % 997n);
    expect(selectSample(seed, 997, 1)).toEqual([first]);
  });

  it('covers the whole population when size equals it, and refuses a size above it', () => {
    expect(selectSample(seedOf(3), 20, 20)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(() => selectSample(seedOf(3), 20, 21)).toThrow(RangeError);
  });

  it('mixes the document digest into the seed, so the same block hash gives another sample for other bytes', () => {
    const d1 = windowDocumentDigest(new Uint8Array([1]));
    const d2 = windowDocumentDigest(new Uint8Array([2]));
    expect(sampleSeedOf(seedOf(1), d1)).not.toBe(sampleSeedOf(seedOf(1), d2));
    expect(selectSample(sampleSeedOf(seedOf(1), d1), 10_000, 20)).not.toEqual(selectSample(sampleSeedOf(seedOf(1), d2), 10_000, 20));
  });
});

describe('verifyWindow with sampling', () => {
  const { bytes, digest, n: N, forged: FORGED } = forgedWindow();
  const base = { documentBytes: bytes, expectedWindowStart: WINDOW_START, windowSeconds: WINDOW_SECONDS, deviceKeys: vectorKeys() };
  const sampleOf = (seed: Hex) => selectSample(sampleSeedOf(seed, digest), N, 8);
  const seedWhere = (inSample: boolean): Hex => {
    for (let i = 0; ; i++) if (sampleOf(seedOf(i)).includes(FORGED) === inSample) return seedOf(i);
  };

  it('full verification (no sampling, or at/below the threshold) finds the forged reading', () => {
    expect(() => verifyWindow(base)).toThrow(/SOLR_0001#27 at devices\[0\]\.readings\[17\]/);
    expect(() => verifyWindow({ ...base, sampling: { threshold: N, sampleSize: 8, seed: seedWhere(false) } })).toThrow(WindowVerificationError);
  });

  it('a forged reading inside the sample fails, naming it', () => {
    const seed = seedWhere(true);
    let err: unknown;
    try {
      verifyWindow({ ...base, sampling: { threshold: 10, sampleSize: 8, seed } });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(WindowVerificationError);
    expect((err as WindowVerificationError).code).toBe(Code.SIGNATURE_INVALID);
    expect((err as WindowVerificationError).message).toContain('SOLR_0001#27 at devices[0].readings[17]');
  });

  it('a forged reading outside the sample passes (the known limit of sampling, which fraud proofs cover)', () => {
    const seed = seedWhere(false);
    const r = verifyWindow({ ...base, sampling: { threshold: 10, sampleSize: 8, seed } });
    expect(r.sample).toEqual(sampleOf(seed));
    expect(r.signaturesVerified).toBe(8);
    expect(decodeWindowReport(r.payload).readingCount).toBe(N);
  });

  it('still checks every root and total in full when sampling', () => {
    const seed = seedWhere(false);
    // The vector window is small; force sampling with threshold 0 and a tiny sample, then break a total.
    const r = verifyWindow({ ...base, documentBytes: vectorBytes(), deviceKeys: vectorKeys(), sampling: { threshold: 0, sampleSize: 1, seed } });
    expect(r.signaturesVerified).toBe(7); // one sampled P-256 reading + SOLR_0001's baseline + INDU_0042's 5 Ed25519 readings (never sampled)
    const sampled = { threshold: 0, sampleSize: 1, seed };
    const doc = vectorDocument();
    doc.energyWh += 1n;
    expect(() => verifyWindow({ ...base, documentBytes: encode(doc), sampling: sampled })).toThrow(
      expect.objectContaining({ code: Code.WINDOW_SUMMARY_MISMATCH }),
    );
    const doc2 = vectorDocument();
    doc2.devices[2].readings.reverse(); // counters out of order: checked for every reading, sampled or not
    expect(() => verifyWindow({ ...base, documentBytes: encode(doc2), sampling: sampled })).toThrow(
      expect.objectContaining({ code: Code.COUNTER_NOT_INCREASING }),
    );
  });

  it('refuses a reading at or after its revocation that is not in the sample (the check needs no signature)', () => {
    const seed = seedWhere(false);
    const sample = sampleOf(seed);
    // The forged reading (17) is outside this sample; revoke SOLR_0001 at the timestamp of an unsampled reading after it.
    const k = Array.from({ length: N - FORGED - 1 }, (_, i) => FORGED + 1 + i).find((i) => !sample.includes(i))!;
    expect(sample).not.toContain(k);
    const sampling = { threshold: 10, sampleSize: 8, seed };
    const revokedAt = (at: number) => ({ ...vectorKeys(), SOLR_0001: revokedKey(vectorKeys().SOLR_0001!, at) });
    expect(() => verifyWindow({ ...base, deviceKeys: revokedAt(WINDOW_START + k), sampling })).toThrow(
      expect.objectContaining({
        code: Code.READING_AFTER_REVOCATION,
        location: { deviceId: 'SOLR_0001', counter: 10 + k, position: `devices[0].readings[${k}]`, timestamp: WINDOW_START + k, revokedAt: WINDOW_START + k },
      }),
    );
    // Revoked after its last reading (WINDOW_START + 39): the same sample, and the window passes.
    const r = verifyWindow({ ...base, deviceKeys: revokedAt(WINDOW_START + N), sampling });
    expect(r.sample).toEqual(sample);
  });

  it('refuses malformed sampling arguments', () => {
    for (const sampling of [
      { threshold: -1, sampleSize: 8, seed: seedOf(0) },
      { threshold: 10, sampleSize: 0, seed: seedOf(0) },
      { threshold: 10, sampleSize: 8, seed: '0x1234' as Hex },
    ]) {
      expect(() => verifyWindow({ ...base, sampling })).toThrow(expect.objectContaining({ code: Code.INVALID_ARGUMENTS }));
    }
  });
});

describe('Ed25519 readings are never sampled', () => {
  // INDU_0042 is Ed25519: 10 readings, one of them (index 4, counter 24) a zero-byte signature claiming 1 GWh.
  // SOLR_0001 (P-256) brings 40 readings, so the window is well above the threshold of 10.
  const FORGED_ED = 4;
  const ed = Array.from({ length: 10 }, (_, k) => {
    const r = reading('INDU_0042', 20 + k, WINDOW_START + 100 + k, k === FORGED_ED ? 1_000_000_000 : 500 + k);
    return k === FORGED_ED ? encodeSignedReading(encodeReading(r), new Uint8Array(64)) : signed(r);
  });
  // Later readings must not go below the forged 1 GWh register, or the energy check would find it instead.
  for (let k = FORGED_ED + 1; k < ed.length; k++) ed[k] = signed(reading('INDU_0042', 20 + k, WINDOW_START + 100 + k, 1_000_000_000 + k));
  const p256 = Array.from({ length: 40 }, (_, k) => signed(reading('SOLR_0001', 10 + k, WINDOW_START + k, 100 + k)));
  const bytes = buildWindow([
    { deviceId: 'INDU_0042', readings: ed },
    { deviceId: 'SOLR_0001', readings: p256 },
  ]);
  const base = { documentBytes: bytes, expectedWindowStart: WINDOW_START, windowSeconds: WINDOW_SECONDS, deviceKeys: vectorKeys() };

  it('a forged Ed25519 reading in a sampled window is refused SIGNATURE_INVALID for every one of 200 seeds', () => {
    for (let i = 0; i < 200; i++) {
      let err: unknown;
      try {
        verifyWindow({ ...base, sampling: { threshold: 10, sampleSize: 8, seed: seedOf(i) } });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(WindowVerificationError);
      expect((err as WindowVerificationError).code).toBe(Code.SIGNATURE_INVALID);
      expect((err as WindowVerificationError).message).toContain(`INDU_0042#24 at devices[0].readings[${FORGED_ED}]`);
    }
  }, 30_000); // ~2.5 s alone; past vitest's 5 s default when the shared cores run other suites

  it('draws the sample among the P-256 readings only and checks every Ed25519 signature', () => {
    const honest = buildWindow([
      { deviceId: 'INDU_0042', readings: Array.from({ length: 10 }, (_, k) => signed(reading('INDU_0042', 20 + k, WINDOW_START + 100 + k, 500 + k))) },
      { deviceId: 'SOLR_0001', readings: p256 },
    ]);
    const seed = seedOf(1);
    const r = verifyWindow({ ...base, documentBytes: honest, sampling: { threshold: 10, sampleSize: 8, seed } });
    // Global indices: INDU_0042's readings are 0-9, SOLR_0001's 10-49; the draw is over the 40 P-256 ones.
    const expected = selectSample(sampleSeedOf(seed, windowDocumentDigest(honest)), 40, 8).map((k) => 10 + k);
    expect(r.sample).toEqual(expected);
    expect(r.signaturesVerified).toBe(8 + 10);
  });
});
