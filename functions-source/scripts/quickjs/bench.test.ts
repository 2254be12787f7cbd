// `npm run bench:quickjs`: readings/s verified by the workflow inside the SDK's QuickJS plugin.
// A bun test file only because the capability mocks need cre's test() scope; not part of `npm test`.
import { expect } from 'bun:test';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getTestCapabilityHandler, newTestRuntime, test } from '@chainlink/cre-sdk/test';
import { windowDocumentDigest } from '@gridproof/protocol';
import { cronExecuteRequest, runInQuickJs } from './host.js';
import { configJson, dueTickSeconds, setUp } from '../../src/testing/workflowFixture.js';
import { WINDOW_START, buildWindow, reading, signed } from '../../src/testing/windowFixture.js';

const N = Number(process.env.BENCH_READINGS ?? 100);

test(`QuickJS: verify a window of ${N} P-256 readings`, async () => {
  const root = join(import.meta.dir, '..', '..');
  const out = join(root, '.build', 'workflow.bench.js');
  mkdirSync(dirname(out), { recursive: true });
  const { main: compileToJs } = await import(
    join(dirname(fileURLToPath(import.meta.resolve('@chainlink/cre-sdk'))), '..', 'scripts', 'src', 'compile-to-js.ts')
  );
  await compileToJs(join(root, 'src', 'workflow', 'main.ts'), out, { skipTypeChecks: true });
  const bundle = await Bun.file(out).text();
  const run = () => {
    newTestRuntime();
    return runInQuickJs(bundle, cronExecuteRequest(configJson, dueTickSeconds), (id) => getTestCapabilityHandler(id));
  };
  setUp({ status: 404 });
  await run(); // warm-up: compiles the plugin and the bundle once
  let t = performance.now();
  await run();
  const base = performance.now() - t;
  const rs = Array.from({ length: N }, (_, k) => signed(reading('SOLR_0001', 10 + k, WINDOW_START + k, 100 + k)));
  const body = buildWindow([{ deviceId: 'SOLR_0001', readings: rs }]);
  // Committed and drawn: the run measured is phase two, the verification.
  const chain = setUp({ status: 200, body }, { committed: { [WINDOW_START]: { cidDigest: windowDocumentDigest(body), commitBlock: 100n } }, head: 102n });
  t = performance.now();
  await run();
  const full = performance.now() - t;
  expect(chain.writes).toHaveLength(1);
  console.log(
    `QuickJS: run without a document ${base.toFixed(0)} ms; with ${N} P-256 readings ${full.toFixed(0)} ms -> ${(N / ((full - base) / 1000)).toFixed(1)} readings/s`,
  );
});
