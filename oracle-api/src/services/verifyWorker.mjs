// Worker thread of verifyPool.ts (plain JS so it loads without a TypeScript loader): ECDSA P-256
// verification on node:crypto, key objects cached per public key. Input is already format-checked.
import { createPublicKey, verify } from 'node:crypto';
import { parentPort } from 'node:worker_threads';

const keys = new Map();
function keyObject(hex) {
  let key = keys.get(hex);
  if (key === undefined) {
    const xy = Buffer.from(hex, 'hex');
    try {
      key = createPublicKey({
        key: { kty: 'EC', crv: 'P-256', x: xy.subarray(0, 32).toString('base64url'), y: xy.subarray(32, 64).toString('base64url') },
        format: 'jwk',
      });
    } catch {
      key = null;
    }
    keys.set(hex, key);
    if (keys.size > 50_000) keys.delete(keys.keys().next().value);
  }
  return key;
}

parentPort.on('message', ({ id, keyHexes, keyIndex, messages, signatures, messageLength }) => {
  const n = keyIndex.length;
  const ok = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const key = keyObject(keyHexes[keyIndex[i]]);
    if (!key) continue;
    try {
      ok[i] = verify(
        'sha256',
        messages.subarray(i * messageLength, (i + 1) * messageLength),
        { key, dsaEncoding: 'ieee-p1363' },
        signatures.subarray(i * 64, (i + 1) * 64),
      )
        ? 1
        : 0;
    } catch {
      ok[i] = 0;
    }
  }
  parentPort.postMessage({ id, ok }, [ok.buffer]);
});
