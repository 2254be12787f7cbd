// protocol's WebCrypto adapter inside Deno (the Chainlink Functions runtime, the npm `deno` binary):
// the same verdicts as the noble reference on every project and Wycheproof vector, and Ed25519 on
// Deno's own WebCrypto (it passes the adapter's known answers).
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { fromHex, InvalidSignatureFormatError, nobleSignatureVerifier, type KeyType, type SignatureVerdict } from '@gridproof/protocol';
import { projectSignatureVectors, wycheproofCases } from '@gridproof/protocol/verifiers/test-vectors';

const here = dirname(fileURLToPath(import.meta.url));
const DENO = join(here, '../../node_modules/.bin/deno');
const outcome = (v: SignatureVerdict) => (v instanceof InvalidSignatureFormatError ? 'format' : v ? 'valid' : 'invalid');

const readings = projectSignatureVectors().map((v) => ({ keyType: v.keyType, publicKey: v.publicKey, message: v.reading, signature: v.signature, reading: true }));
const messages = wycheproofCases().map((c) => ({ keyType: c.keyType, publicKey: c.publicKey, message: c.message, signature: c.signature, reading: false }));
const cases = [...readings, ...messages];

/** The verdicts of the WebCrypto adapter run by Deno over `cases`. */
async function verdictsInDeno(): Promise<{ support: unknown; method: string; verdicts: string[] }> {
  const entry = `
    import { webCryptoSignatureVerifier } from '@gridproof/protocol/verifiers/webcrypto';
    import { fromHex, InvalidSignatureFormatError } from '@gridproof/protocol';
    const cases = ${JSON.stringify(cases)};
    const v = webCryptoSignatureVerifier(crypto.subtle);
    const outcome = (x) => (x instanceof InvalidSignatureFormatError ? 'format' : x ? 'valid' : 'invalid');
    const verdicts = [];
    for (const c of cases) {
      const key = { keyType: c.keyType, publicKey: fromHex(c.publicKey) };
      verdicts.push(outcome(c.reading
        ? await v.verify({ readingBytes: fromHex(c.message), signature: fromHex(c.signature), key })
        : await v.verifyMessage(c.keyType, key.publicKey, fromHex(c.message), fromHex(c.signature))));
    }
    console.log(JSON.stringify({ support: await v.backend.ed25519Support(), method: v.method(2), verdicts }));
  `;
  const out = await build({ stdin: { contents: entry, resolveDir: here, loader: 'js' }, bundle: true, format: 'esm', platform: 'browser', write: false, logLevel: 'silent' });
  // No permissions: the adapter needs none. `-` reads the program from stdin.
  const run = promisify(execFile)(DENO, ['run', '--quiet', '--no-prompt', '-'], { timeout: 60_000, maxBuffer: 16 << 20 });
  run.child.stdin!.end(out.outputFiles[0].text);
  const { stdout } = await run;
  return JSON.parse(stdout);
}

describe('WebCrypto signature adapter in Deno', () => {
  it('gives noble\'s verdict on every project and Wycheproof vector, Ed25519 natively', async () => {
    const deno = await verdictsInDeno();
    const noble = nobleSignatureVerifier();
    const reference = cases.map((c) =>
      outcome(
        c.reading
          ? noble.verify({ readingBytes: fromHex(c.message), signature: fromHex(c.signature), key: { keyType: c.keyType as KeyType, publicKey: fromHex(c.publicKey) } })
          : noble.verifyMessage(c.keyType, fromHex(c.publicKey), fromHex(c.message), fromHex(c.signature)),
      ),
    );
    expect(deno.verdicts).toHaveLength(cases.length);
    expect(deno.verdicts).toEqual(reference);
    expect(reference).toEqual([...projectSignatureVectors().map((v) => v.expected), ...wycheproofCases().map((c) => c.expected)]);
    expect(deno.support).toEqual({ native: true });
    expect(deno.method).toBe('WebCrypto Ed25519 over SHA-256(reading)');
  }, 120_000);
});
