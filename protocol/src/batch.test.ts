import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { buildVectors } from '../scripts/vectors.js';
import { sha256 } from '@noble/hashes/sha2.js';
import {
  buildWindowDocument,
  decodeWindowDocument,
  encodeWindowDocument,
  readingProofOf,
  windowDocumentCid,
  cidFromDigest,
  windowDocumentDigest,
  windowTotalOutOfRange,
} from './batch.js';
import { parseWindowDocument } from './batchKinds.js';
import { encodeReading } from './reading.js';
import { encodeSignedReading, KeyType, signReadingBytes } from './signature.js';
import { fromHex } from './bytes.js';
import { verifyMerkleProof } from './merkle.js';
import { deviceSummaryLeaf } from './leaves.js';

const vectors = buildVectors();
const readVector = (name: string) => JSON.parse(readFileSync(new URL(`../test-vectors/${name}`, import.meta.url), 'utf8'));

describe('test vectors', () => {
  it.each(Object.keys(vectors))('committed %s equals what the code generates now', (name) => {
    expect(readVector(name)).toEqual(JSON.parse(JSON.stringify(vectors[name as keyof typeof vectors])));
  });
});

describe('window document', () => {
  const w = vectors['window.json'];
  const bytes = fromHex(w.document);
  const doc = decodeWindowDocument(bytes);

  it('is canonical: decode then encode gives the same bytes and CID', () => {
    expect(encodeWindowDocument(doc)).toEqual(bytes);
    expect(windowDocumentCid(bytes).toString()).toBe(w.cid);
    expect(cidFromDigest(windowDocumentDigest(bytes)).toString()).toBe(w.cid);
    expect(w.cid.startsWith('bagu')).toBe(true); // CIDv1, dag-json, base32
  });

  it('rejects bytes that are valid JSON but not canonical DAG-JSON', () => {
    const spaced = new TextEncoder().encode(JSON.stringify(JSON.parse(new TextDecoder().decode(bytes)), null, 1));
    expect(() => decodeWindowDocument(spaced)).toThrow(expect.objectContaining({ code: 'INVALID_WINDOW_DOCUMENT' }));
    expect(() => decodeWindowDocument(new TextEncoder().encode('{"devices": 1'))).toThrow(expect.objectContaining({ code: 'INVALID_WINDOW_DOCUMENT' }));
  });

  it('gives two-level proofs that reach the window root', () => {
    for (const device of doc.devices) {
      const proof = readingProofOf(doc, device.deviceId, device.lastCounter);
      expect(verifyMerkleProof(proof.readingProof, device.readingsRoot, proof.readingLeaf)).toBe(true);
      expect(proof.summaryLeaf).toBe(deviceSummaryLeaf(proof.summary));
      expect(verifyMerkleProof(proof.summaryProof, doc.root, proof.summaryLeaf)).toBe(true);
    }
  });

  it('sums totals and uses the baseline reading as the energy start', () => {
    expect(doc.readingCount).toBe(doc.devices.reduce((n, d) => n + d.readings.length, 0));
    const withBaseline = doc.devices.find((d) => d.baseline !== null)!;
    expect(withBaseline.energyStartWh).toBeLessThan(withBaseline.energyEndWh);
    expect(doc.energyWh).toBe(doc.devices.reduce((n, d) => n + BigInt(d.energyEndWh - d.energyStartWh), 0n));
  });
});

describe('exact window totals', () => {
  const T = 1767225600;
  const key = (i: number) => sha256(new TextEncoder().encode(`exact totals key ${i}`));
  const signedAt = (deviceId: string, counter: number, energyWh: number, i: number) => {
    const bytes = encodeReading({ deviceId, counter, timestamp: T + counter, powerW: 1, energyWh, voltageMv: 230_000, status: 'ON' });
    return encodeSignedReading(bytes, signReadingBytes(bytes, KeyType.P256, key(i)));
  };
  // Devices rising by 2^53−1, 2^53−2 and 2526 Wh in one window: 18014398509484507 Wh, which a double rounds to …504.
  // (Two devices alone reach at most 2^54−2 = 18014398509481982, as each register is ≤ 2^53−1.)
  const big = () =>
    buildWindowDocument({
      windowStart: T,
      windowSeconds: 300,
      devices: [
        { deviceId: 'SOLR_0001', readings: [signedAt('SOLR_0001', 1, 0, 1), signedAt('SOLR_0001', 2, Number.MAX_SAFE_INTEGER, 1)] },
        { deviceId: 'SOLR_0002', readings: [signedAt('SOLR_0002', 1, 1, 2), signedAt('SOLR_0002', 2, Number.MAX_SAFE_INTEGER, 2)] },
        { deviceId: 'SOLR_0003', readings: [signedAt('SOLR_0003', 1, 1000, 3), signedAt('SOLR_0003', 2, 3526, 3)] },
      ],
    });

  it('sums 2^53−1 + 2^53−2 + 2526 exactly and writes a DAG-JSON integer, which decodes and re-encodes to the same bytes', () => {
    const doc = big();
    expect(doc.energyWh).toBe(18014398509484507n);
    const bytes = encodeWindowDocument(doc);
    const text = new TextDecoder().decode(bytes);
    expect(text).toContain('"energyWh":18014398509484507,');
    expect(text).not.toMatch(/"energyWh":-?[0-9]+\.[0-9]/);
    const decoded = decodeWindowDocument(bytes);
    expect(decoded.energyWh).toBe(18014398509484507n);
    expect(encodeWindowDocument(decoded)).toEqual(bytes);
    expect(parseWindowDocument(bytes).energyWh).toBe(18014398509484507n);
  });

  it('has one canonical form: a safe total encodes the same from a number or a bigint, and decodes to a bigint', () => {
    const doc = decodeWindowDocument(fromHex(vectors['window.json'].document));
    expect(typeof doc.energyWh).toBe('bigint');
    const asNumber = { ...doc, energyWh: Number(doc.energyWh) } as unknown as typeof doc;
    expect(encodeWindowDocument(asNumber)).toEqual(encodeWindowDocument(doc));
  });

  it('refuses a float total (the bytes cda62f6 wrote) as not an integer', () => {
    const text = new TextDecoder().decode(encodeWindowDocument(big())).replace('"energyWh":18014398509484507,', '"energyWh":18014398509484504.0,');
    expect(() => parseWindowDocument(new TextEncoder().encode(text))).toThrow(
      expect.objectContaining({ reason: 'WRONG_TYPE', details: expect.objectContaining({ key: 'energyWh' }) }),
    );
  });

  it('refuses to build a window whose device energy goes down, naming the bound', () => {
    const build = () =>
      buildWindowDocument({
        windowStart: T,
        windowSeconds: 300,
        devices: [{ deviceId: 'SOLR_0001', readings: [signedAt('SOLR_0001', 2, 50, 1)], baseline: signedAt('SOLR_0001', 1, 80, 1) }],
      });
    expect(build).toThrow(
      expect.objectContaining({
        code: 'INVALID_WINDOW_DOCUMENT',
        reason: 'TOTAL_OUT_OF_RANGE',
        details: expect.objectContaining({ field: 'energyWh', value: '-30' }),
      }),
    );
  });

  it('finds the first total out of its report field', () => {
    const ok = { deviceCount: 1, readingCount: 1, energyWh: 2n ** 64n - 1n, devices: [{ energyWh: 1, readingCount: 1 }] };
    expect(windowTotalOutOfRange(ok)).toBeNull();
    expect(windowTotalOutOfRange({ ...ok, energyWh: 2n ** 64n })).toEqual({
      field: 'energyWh',
      value: '18446744073709551616',
      min: '0',
      max: '18446744073709551615',
    });
    expect(windowTotalOutOfRange({ ...ok, readingCount: 2 ** 32 })).toMatchObject({ field: 'readingCount', value: '4294967296' });
    expect(windowTotalOutOfRange({ ...ok, deviceCount: 2 ** 32 })).toMatchObject({ field: 'deviceCount' });
    expect(windowTotalOutOfRange({ ...ok, devices: [{ energyWh: -1, readingCount: 1 }] })).toMatchObject({ field: 'devices[0].energyWh', value: '-1' });
  });
});
