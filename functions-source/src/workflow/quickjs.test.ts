// The bundled workflow (cre-compile's JS step) run in the SDK's own QuickJS plugin wasm, with the
// same capability mocks as the handler tests: catches anything that works in Bun but not in a DON.
import { beforeAll, describe, expect } from 'bun:test';
import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { getTestCapabilityHandler, newTestRuntime, test, REPORT_METADATA_HEADER_LENGTH } from '@chainlink/cre-sdk/test';
import { sha256 } from '@noble/hashes/sha2.js';
import { encodeCommitReport, fromHex, toHex, windowDocumentDigest } from '@gridproof/protocol';
import { sampleSeedOf, selectSample } from '../sampling.js';
import { cronExecuteRequest, runInQuickJs } from '../../scripts/quickjs/host.js';
import { LOGGER, blockHashOf, configJson, dueTickSeconds, setUp } from '../testing/workflowFixture.js';
import { WINDOW_START, buildWindow, encode, reading, signed, vector, vectorBytes, vectorDocument } from '../testing/windowFixture.js';

const root = join(import.meta.dir, '..', '..');
const bundlePath = join(root, '.build', 'workflow.quickjs-test.js');
let bundle = '';

beforeAll(async () => {
  // cre-compile's TS -> JS step (Bun.build, target browser, plus the SDK's runtime-compat check).
  const sdkEntry = fileURLToPath(import.meta.resolve('@chainlink/cre-sdk'));
  const { main: compileToJs } = await import(join(dirname(sdkEntry), '..', 'scripts', 'src', 'compile-to-js.ts'));
  mkdirSync(dirname(bundlePath), { recursive: true });
  await compileToJs(join(root, 'src', 'workflow', 'main.ts'), bundlePath, { skipTypeChecks: true });
  bundle = readFileSync(bundlePath, 'utf8');
}, 120_000);

const run = (scheduled = dueTickSeconds, config: object = configJson) => {
  newTestRuntime(); // registers the default consensus capability (Simple + Report)
  return runInQuickJs(bundle, cronExecuteRequest(config, scheduled), (id) => getTestCapabilityHandler(id)).then((out) => {
    if (out.result.result.case === 'error') console.error(`workflow error: ${out.result.result.value}\ncalls: ${out.calls.join(', ')}\n${out.logs.join('\n')}`);
    return out;
  });
};

// cre's test() takes no timeout argument: package.json runs bun test with --timeout 180000.
describe('workflow bundle in QuickJS (javy-chainlink-sdk.plugin.wasm)', () => {
  test('valid window: the commit, then (two blocks later) the record with the vector payload reach the logger', async () => {
    const chain = setUp({ status: 200, body: vectorBytes() });
    const first = await run();
    expect(first.result.result.case).toBe('value');
    expect(chain.writes).toHaveLength(1);
    expect(toHex(chain.writes[0].report.rawReport.subarray(REPORT_METADATA_HEADER_LENGTH))).toBe(
      encodeCommitReport({ windowStart: WINDOW_START, cidDigest: windowDocumentDigest(vectorBytes()) }),
    );
    expect(first.logs.some((l) => l.includes(`window ${WINDOW_START}: committed`))).toBe(true);
    chain.head += 2n;
    const out = await run();
    expect(chain.writes).toHaveLength(2);
    expect(toHex(chain.writes[1].receiver)).toBe(LOGGER);
    expect(toHex(chain.writes[1].report.rawReport.subarray(REPORT_METADATA_HEADER_LENGTH))).toBe(vector.report);
    expect(out.logs.some((l) => l.includes(`window ${WINDOW_START}: recorded`) && l.includes(vector.cid))).toBe(true);
    expect(out.modes).toContain(2); // node mode was entered (per-node fetch and verification)
  });

  test('tampered window: no write, the log names the reading', async () => {
    const doc = vectorDocument();
    const sr = fromHex(doc.devices[2].readings[0]);
    sr[43 + 9] ^= 0x10; // a signature byte of SOLR_0002#10
    doc.devices[2].readings[0] = toHex(sr);
    const body = encode(doc);
    const chain = setUp({ status: 200, body }, { committed: { [WINDOW_START]: { cidDigest: windowDocumentDigest(body), commitBlock: 100n } }, head: 102n });
    const out = await run();
    expect(chain.writes).toHaveLength(0);
    const line = out.logs.find((l) => l.includes('refused')) ?? '';
    expect(line).toContain('WINDOW_SIGNATURE_INVALID');
    expect(line).toContain('SOLR_0002#10');
    expect(line).toContain('devices[2].readings[0]');
  });

  test('sampled window: the seed is the hash of the block after the commit, 8 of 20 signatures checked', async () => {
    const N = 20;
    const FORGED = 5; // signed with another device's key; outside the sample, so it passes (fraud proofs cover it)
    const readings = Array.from({ length: N }, (_, k) =>
      signed(reading('SOLR_0001', 10 + k, WINDOW_START + k, 100 + k), k === FORGED ? 'SOLR_0002' : 'SOLR_0001'),
    );
    const bytes = buildWindow([{ deviceId: 'SOLR_0001', readings }]);
    const digest = windowDocumentDigest(bytes);
    let hash = new Uint8Array();
    for (let i = 0; ; i++) {
      hash = sha256(new TextEncoder().encode(`block ${i}`));
      if (!selectSample(sampleSeedOf(toHex(hash), digest), N, 8).includes(FORGED)) break;
    }
    const chain = setUp(
      { status: 200, body: bytes },
      { committed: { [WINDOW_START]: { cidDigest: digest, commitBlock: 76n } }, head: 78n, blockHash: (n) => (n === 77n ? hash : blockHashOf(n)) },
    );
    const out = await run(dueTickSeconds, { ...configJson, samplingThreshold: 10, sampleSize: 8 });
    expect(out.result.result.case).toBe('value');
    expect(chain.headerCalls).toEqual(['-1:0x02', '1:0x4d']);
    expect(chain.writes).toHaveLength(1);
    expect(out.logs.some((l) => l.includes('recorded') && l.includes('signatures 8') && l.includes(`seed ${toHex(hash)} (block 77`))).toBe(true);
  });

  test('404: no write', async () => {
    const chain = setUp({ status: 404 });
    const out = await run();
    expect(out.result.result.case).toBe('value');
    expect(chain.writes).toHaveLength(0);
    expect(out.logs.some((l) => l.includes('empty'))).toBe(true);
  });
});
