// The bundled workflow (cre-compile's JS step) run in the SDK's own QuickJS plugin wasm, with the
// same capability mocks as the handler tests: catches anything that works in Bun but not in a DON.
import { beforeAll, describe, expect } from 'bun:test';
import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { getTestCapabilityHandler, newTestRuntime, test, REPORT_METADATA_HEADER_LENGTH } from '@chainlink/cre-sdk/test';
import { fromHex, toHex } from '@gridproof/protocol';
import { cronExecuteRequest, runInQuickJs } from '../../scripts/quickjs/host.js';
import { LOGGER, configJson, dueTickSeconds, setUp } from '../testing/workflowFixture.js';
import { WINDOW_START, encode, vector, vectorBytes, vectorDocument } from '../testing/windowFixture.js';

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

const run = (scheduled = dueTickSeconds) => {
  newTestRuntime(); // registers the default consensus capability (Simple + Report)
  return runInQuickJs(bundle, cronExecuteRequest(configJson, scheduled), (id) => getTestCapabilityHandler(id)).then((out) => {
    if (out.result.result.case === 'error') console.error(`workflow error: ${out.result.result.value}\ncalls: ${out.calls.join(', ')}\n${out.logs.join('\n')}`);
    return out;
  });
};

// cre's test() takes no timeout argument: package.json runs bun test with --timeout 180000.
describe('workflow bundle in QuickJS (javy-chainlink-sdk.plugin.wasm)', () => {
  test('valid window: one report with the vector payload reaches the logger', async () => {
    const chain = setUp({ status: 200, body: vectorBytes() });
    const out = await run();
    expect(out.result.result.case).toBe('value');
    expect(chain.writes).toHaveLength(1);
    expect(toHex(chain.writes[0].receiver)).toBe(LOGGER);
    expect(toHex(chain.writes[0].report.rawReport.subarray(REPORT_METADATA_HEADER_LENGTH))).toBe(vector.report);
    expect(out.logs.some((l) => l.includes(`window ${WINDOW_START}: recorded`) && l.includes(vector.cid))).toBe(true);
    expect(out.modes).toContain(2); // node mode was entered (per-node fetch and verification)
  });

  test('tampered window: no write, the log names the reading', async () => {
    const doc = vectorDocument();
    const sr = fromHex(doc.devices[2].readings[0]);
    sr[43 + 9] ^= 0x10; // a signature byte of SOLR_0002#10
    doc.devices[2].readings[0] = toHex(sr);
    const chain = setUp({ status: 200, body: encode(doc) });
    const out = await run();
    expect(chain.writes).toHaveLength(0);
    const line = out.logs.find((l) => l.includes('refused')) ?? '';
    expect(line).toContain('WINDOW_SIGNATURE_INVALID');
    expect(line).toContain('SOLR_0002#10');
    expect(line).toContain('devices[2].readings[0]');
  });

  test('404: no write', async () => {
    const chain = setUp({ status: 404 });
    const out = await run();
    expect(out.result.result.case).toBe('value');
    expect(chain.writes).toHaveLength(0);
    expect(out.logs.some((l) => l.includes('empty'))).toBe(true);
  });
});
