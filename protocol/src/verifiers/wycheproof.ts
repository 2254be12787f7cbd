/**
 * The Wycheproof vectors (test-vectors/wycheproof/, Apache-2.0) as policy cases, with the
 * expectation mapped onto the project's policy. Test-only (reads files): not exported by the package.
 *
 * Mapping:
 * - signature not 64 bytes (Wycheproof `invalid`, SignatureSize / truncated / with garbage): `format`;
 * - P-256 `valid` with s ≤ n/2: `valid`;
 * - P-256 `valid` with s > n/2: `format` under the low-S policy (the signature is valid once
 *   normalised, so the API answers 400 "normalise it"; the DON and the dApp refuse it too);
 * - Ed25519 `valid`: `valid` (none of them has a small-order R or A);
 * - every other `invalid`: `invalid`.
 * There are no `acceptable` cases in these two files; the loader fails if one appears.
 */
import { readFileSync } from 'node:fs';
import { bytesToUint, fromHex, toHex, type Hex } from '../bytes.js';
import type { SignatureExpectation } from './signatureVectors.js';

export interface WycheproofCase {
  id: string;
  keyType: 1 | 2;
  publicKey: Hex;
  message: Hex;
  signature: Hex;
  wycheproof: 'valid' | 'invalid';
  expected: SignatureExpectation;
}

const P256_HALF_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n >> 1n;

interface File {
  testGroups: { publicKey: { uncompressed?: string; pk?: string }; tests: { tcId: number; comment: string; msg: string; sig: string; result: string }[] }[];
}

const load = (name: string): File => JSON.parse(readFileSync(new URL(`../../test-vectors/wycheproof/${name}`, import.meta.url), 'utf8'));

export function wycheproofCases(): WycheproofCase[] {
  const out: WycheproofCase[] = [];
  const push = (file: string, keyType: 1 | 2, publicKey: Uint8Array, t: File['testGroups'][0]['tests'][0]) => {
    if (t.result !== 'valid' && t.result !== 'invalid') throw new Error(`${file} #${t.tcId}: result ${t.result} has no mapping`);
    const signature = fromHex(t.sig);
    let expected: SignatureExpectation = t.result;
    if (signature.length !== 64) expected = 'format';
    else if (t.result === 'valid' && keyType === 1 && bytesToUint(signature.subarray(32)) > P256_HALF_N) expected = 'format';
    out.push({
      id: `${file} #${t.tcId} ${t.comment}`,
      keyType,
      publicKey: toHex(publicKey),
      message: `0x${t.msg}`,
      signature: toHex(signature),
      wycheproof: t.result,
      expected,
    });
  };
  for (const g of load('ecdsa_secp256r1_sha256_p1363_test.json').testGroups) {
    const key = fromHex(g.publicKey.uncompressed!);
    if (key.length !== 65 || key[0] !== 4) throw new Error('Wycheproof P-256 key is not an uncompressed point');
    for (const t of g.tests) push('ecdsa_p256_p1363', 1, key.subarray(1), t);
  }
  for (const g of load('ed25519_test.json').testGroups) for (const t of g.tests) push('ed25519', 2, fromHex(g.publicKey.pk!), t);
  return out;
}
