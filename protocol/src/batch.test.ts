import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { buildVectors } from '../scripts/vectors.js';
import { decodeWindowDocument, encodeWindowDocument, readingProofOf, windowDocumentCid, cidFromDigest, windowDocumentDigest } from './batch.js';
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
    expect(doc.energyWh).toBe(doc.devices.reduce((n, d) => n + (d.energyEndWh - d.energyStartWh), 0));
  });
});
