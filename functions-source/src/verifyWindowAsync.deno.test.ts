// protocol's WebCrypto adapter inside Deno (the Chainlink Functions runtime, the npm `deno` binary):
// the same verdicts as the noble reference on every project and Wycheproof vector, and Ed25519 on
// Deno's own WebCrypto (it passes the adapter's known answers).
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { nobleSignatureVerifier } from '@gridproof/protocol';
import { runVectorVerdicts, signatureVerdictCases } from '@gridproof/protocol/verifiers/test-vectors';

const here = dirname(fileURLToPath(import.meta.url));
const DENO = join(here, '../../node_modules/.bin/deno');
const { cases, expected } = signatureVerdictCases();

/** The verdicts of the WebCrypto adapter run by Deno over `cases`. */
async function verdictsInDeno(): Promise<{ support: unknown; method: string; verdicts: string[] }> {
  const entry = `
    import { webCryptoSignatureVerifier } from '@gridproof/protocol/verifiers/webcrypto';
    import { runVectorVerdicts } from '@gridproof/protocol/verifiers/verdicts';
    const v = webCryptoSignatureVerifier(crypto.subtle);
    const verdicts = await runVectorVerdicts(v, ${JSON.stringify(cases)});
    console.log(JSON.stringify({ support: await v.backend.ed25519Support(), method: v.method(2), verdicts }));
  `;
  const out = await build({
    stdin: { contents: entry, resolveDir: here, loader: 'js' },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  });
  // No permissions: the adapter needs none. `-` reads the program from stdin.
  const run = promisify(execFile)(DENO, ['run', '--quiet', '--no-prompt', '-'], { timeout: 60_000, maxBuffer: 16 << 20 });
  run.child.stdin!.end(out.outputFiles[0].text);
  const { stdout } = await run;
  return JSON.parse(stdout);
}

describe('WebCrypto signature adapter in Deno', () => {
  it("gives noble's verdict on every project and Wycheproof vector, Ed25519 natively", async () => {
    const deno = await verdictsInDeno();
    const reference = await runVectorVerdicts(nobleSignatureVerifier(), cases);
    expect(deno.verdicts).toHaveLength(cases.length);
    expect(deno.verdicts).toEqual(reference);
    expect(reference).toEqual(expected);
    expect(deno.support).toEqual({ native: true });
    expect(deno.method).toBe('WebCrypto Ed25519 over SHA-256(reading)');
  }, 120_000);
});
