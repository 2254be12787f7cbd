import { describe, expect, it } from 'vitest';
import { concatBytes, fromHex, toHex, uintToBytes, bytesToUint, type WindowDocument } from '@gridproof/protocol';
import { p256 } from '@noble/curves/nist.js';
import { verifyWindow } from './verifyWindow.js';
import { nobleVerifier, verifyWindowAsync, webCryptoVerifier } from './verifyWindowAsync.js';
import { WINDOW_SECONDS, WINDOW_START, encode, vector, vectorBytes, vectorDocument, vectorKeys } from './testing/windowFixture.js';

const params = (documentBytes: Uint8Array) => ({ documentBytes, expectedWindowStart: WINDOW_START, windowSeconds: WINDOW_SECONDS, deviceKeys: vectorKeys() });
const outcome = async (f: () => unknown) => {
  try {
    return { ok: await f() };
  } catch (e) {
    return { code: (e as { code: string }).code, message: (e as Error).message };
  }
};
function mutated(change: (doc: WindowDocument) => void): Uint8Array {
  const doc = vectorDocument();
  change(doc);
  return encode(doc);
}
const withSignature = (device: number, index: number, sig: (s: Uint8Array) => Uint8Array) =>
  mutated((doc) => {
    const b = fromHex(doc.devices[device].readings[index]);
    doc.devices[device].readings[index] = toHex(concatBytes(b.subarray(0, 43), sig(b.slice(43))));
  });
const n = p256.Point.CURVE().n;

describe('verifyWindowAsync (WebCrypto P-256) agrees with verifyWindow (noble)', () => {
  const cases: [string, Uint8Array][] = [
    ['the vector', vectorBytes()],
    ['a flipped signature byte (P-256)', withSignature(1, 1, (s) => ((s[5] ^= 1), s))],
    ['a flipped signature byte (Ed25519)', withSignature(0, 2, (s) => ((s[5] ^= 1), s))],
    ['a high-S P-256 signature', withSignature(2, 0, (s) => concatBytes(s.subarray(0, 32), uintToBytes(n - bytesToUint(s.subarray(32)), 32)))],
    ['r = 0', withSignature(1, 0, (s) => concatBytes(new Uint8Array(32), s.subarray(32)))],
    ['a flipped reading byte', mutated((doc) => {
      const b = fromHex(doc.devices[2].readings[1]);
      b[30] ^= 1;
      doc.devices[2].readings[1] = toHex(b);
    })],
  ];
  for (const [name, bytes] of cases) {
    it(name, async () => {
      const sync = await outcome(() => verifyWindow(params(bytes)));
      const web = await outcome(() => verifyWindowAsync({ ...params(bytes), verifier: webCryptoVerifier(crypto.subtle) }));
      const noble = await outcome(() => verifyWindowAsync({ ...params(bytes), verifier: nobleVerifier }));
      expect(web).toEqual(sync);
      expect(noble).toEqual(sync);
      if (name === 'the vector') expect((sync.ok as { payload: string }).payload).toBe(vector.report);
    });
  }

  it('a key that is not a curve point verifies nothing (false, as noble answers)', async () => {
    const keys = vectorKeys();
    keys.SOLR_0001 = { ...keys.SOLR_0001!, publicKey: new Uint8Array(64).fill(7) };
    const p = { ...params(vectorBytes()), deviceKeys: keys };
    const web = await outcome(() => verifyWindowAsync({ ...p, verifier: webCryptoVerifier(crypto.subtle) }));
    expect(web).toEqual(await outcome(() => verifyWindow(p)));
    expect(web.code).toBe('WINDOW_SIGNATURE_INVALID');
  });
});
