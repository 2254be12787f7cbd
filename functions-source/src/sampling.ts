import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, fromHex, toHex, type Hex } from '@gridproof/protocol';

/**
 * Sampled signature verification for large windows. The seed must be a value the oracle API can
 * neither choose nor predict when it seals the document (devnet and the Functions consumer use the
 * hash of a block mined after the window's seal deadline; see the README for why and the residual
 * risk). Roots, totals, counters, timestamps, layouts and baselines are always verified in full,
 * and so is every Ed25519 signature: the sample is drawn among P-256 readings only, the ones a fraud
 * proof can catch on chain (protocol/SIGNATURES.md).
 */
export interface SamplingOptions {
  /** Windows with more readings than this are sampled; at or below it every signature is checked. */
  threshold: number;
  /** P-256 readings whose signatures are checked in a sampled window (every Ed25519 one is checked besides). */
  sampleSize: number;
  /** 32 bytes, lower-case 0x hex. */
  seed: Hex;
}

/**
 * The seed the sample is drawn from: SHA-256(seed ‖ documentDigest). Binding the document's own
 * digest means a document fixed before the seed existed cannot be adapted to the sample without
 * changing its CID.
 * @example
 * const s = sampleSeedOf(blockHash, windowDocumentDigest(bytes))
 */
export function sampleSeedOf(seed: Hex, documentDigest: Hex): Hex {
  return toHex(sha256(concatBytes(fromHex(seed), fromHex(documentDigest))));
}

/**
 * `size` distinct indices in [0, population), ascending, drawn deterministically from `seed`:
 * candidate k is SHA-256(seed ‖ uint32be(k)) read as a 256-bit integer mod population; repeats are
 * skipped. Every DON node (and anyone auditing a report) derives the same sample.
 * @example
 * selectSample('0x…', 10_000, 200) // [17, 95, …]
 */
export function selectSample(seed: Hex, population: number, size: number): number[] {
  if (!Number.isSafeInteger(population) || population < 0) throw new RangeError(`population must be a non-negative integer, got ${population}`);
  if (!Number.isSafeInteger(size) || size < 0 || size > population) throw new RangeError(`sample size ${size} is not within [0, ${population}]`);
  const seedBytes = fromHex(seed);
  const chosen = new Set<number>();
  const counter = new Uint8Array(4);
  const view = new DataView(counter.buffer);
  const n = BigInt(population);
  for (let k = 0; chosen.size < size; k++) {
    view.setUint32(0, k);
    const h = sha256(concatBytes(seedBytes, counter));
    let v = 0n;
    for (const b of h) v = (v << 8n) | BigInt(b);
    chosen.add(Number(v % n));
  }
  return [...chosen].sort((a, b) => a - b);
}
