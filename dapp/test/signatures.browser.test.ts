/**
 * protocol's WebCrypto signature adapter (what the dApp verifies with) inside Chromium, over every
 * project and Wycheproof signature vector: the verdicts must be those of the noble reference the
 * DON runs, so the browser never refuses a reading the DON accepted, nor the reverse.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { launchChromium } from './fixture.js';
import { build, type Rollup } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nobleSignatureVerifier } from '@gridproof/protocol';
import { runVectorVerdicts, signatureVerdictCases, type VerdictCase } from '@gridproof/protocol/verifiers/test-vectors';

const { cases, expected } = signatureVerdictCases();

/** The page's script: the adapter, bundled by Vite for the browser as the dApp's build would. */
const ENTRY = `
  import { webCryptoSignatureVerifier } from '@gridproof/protocol/verifiers/webcrypto';
  import { runVectorVerdicts } from '@gridproof/protocol/verifiers/verdicts';
  globalThis.signatureVerdicts = async (cases) => {
    const v = webCryptoSignatureVerifier(crypto.subtle);
    const verdicts = await runVectorVerdicts(v, cases);
    return { verdicts, support: await v.backend.ed25519Support(), ed25519Method: v.method(2), p256Method: v.method(1) };
  };
`;

async function bundleEntry(): Promise<string> {
  const id = '\0signature-vectors-entry.js';
  const out = (await build({
    configFile: false,
    root: fileURLToPath(new URL('..', import.meta.url)),
    logLevel: 'silent',
    plugins: [
      { name: 'entry', resolveId: (source) => (source === 'signature-vectors-entry' ? id : undefined), load: (source) => (source === id ? ENTRY : undefined) },
    ],
    build: { write: false, minify: false, rollupOptions: { input: 'signature-vectors-entry', output: { format: 'iife' } } },
  })) as Rollup.RollupOutput | Rollup.RollupOutput[];
  const chunk = (Array.isArray(out) ? out[0] : out).output.find((o): o is Rollup.OutputChunk => o.type === 'chunk');
  if (!chunk) throw new Error('vite produced no chunk');
  return chunk.code;
}

let server: Server;
let browser: Browser;
let url: string;

beforeAll(async () => {
  const script = await bundleEntry();
  const page = `<!doctype html><meta charset="utf-8"><title>signature vectors</title><script>${script.replace(/<\/script/gi, '<\\/script')}</script>`;
  server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('signature adapter in Chromium', () => {
  it('gives the noble reference verdict on every project and Wycheproof vector, with Ed25519 on WebCrypto', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(url);
    const result = await page.evaluate(
      (c) =>
        (
          globalThis as unknown as {
            signatureVerdicts(c: VerdictCase[]): Promise<{ verdicts: string[]; support: unknown; ed25519Method: string; p256Method: string }>;
          }
        ).signatureVerdicts(c),
      cases,
    );
    await page.close();

    const reference = await runVectorVerdicts(nobleSignatureVerifier(), cases);
    expect(errors).toEqual([]);
    expect(result.verdicts).toHaveLength(cases.length);
    const differing = result.verdicts.flatMap((v, i) => (v === reference[i] ? [] : [{ i, chromium: v, noble: reference[i], case: cases[i] }]));
    expect(differing).toEqual([]);
    expect(reference).toEqual(expected);
    // Chromium's Ed25519 (BoringSSL) passes the known answers, so the dApp uses it natively.
    expect(result.support).toEqual({ native: true });
    expect([result.p256Method, result.ed25519Method]).toEqual(['WebCrypto ECDSA P-256 / SHA-256', 'WebCrypto Ed25519 over SHA-256(reading)']);
  });
});
