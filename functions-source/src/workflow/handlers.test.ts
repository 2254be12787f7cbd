import { describe, expect } from 'bun:test';
import { newTestRuntime, test, REPORT_METADATA_HEADER_LENGTH } from '@chainlink/cre-sdk/test';
import { decodeWindowDocument, deviceIdToBytes, encodeCommitReport, fromHex, toHex, windowDocumentDigest, type Hex } from '@gridproof/protocol';
import { AnchorRefusalCode, onCronTrigger } from './handlers.js';
import { parseWorkflowConfig, type WorkflowConfig } from './config.js';
import { sampleSeedOf, selectSample } from '../sampling.js';
import { WINDOW_SECONDS, WINDOW_START, continuityWindows, encode, forgedWindow, vector, vectorBytes, vectorDocument } from '../testing/windowFixture.js';
import { API, LOGGER, SEAL_DELAY, blockHashOf, config, configJson, documentUrlOf, setUp, tick, type Chain } from '../testing/workflowFixture.js';

const runtimeFor = (c: WorkflowConfig = config) => newTestRuntime<WorkflowConfig>(null, {}, c);
const payloadOf = (chain: Chain, i: number) => toHex(chain.writes[i].report.rawReport.subarray(REPORT_METADATA_HEADER_LENGTH));
const VECTOR_DIGEST = windowDocumentDigest(vectorBytes());
/** The due window committed in block 100 and the head at 102: the seed block 101 is mined, the record goes in 103. */
const drawn = (cidDigest: Hex = VECTOR_DIGEST) => ({ committed: { [WINDOW_START]: { cidDigest, commitBlock: 100n } }, head: 102n });
const LATEST = '-1:0x02';
const blockTag = (n: bigint) => `1:0x${n.toString(16).padStart(2, '0')}`;

describe('GridProof CRE workflow: commit, then draw', () => {
  test('phase one: an uncommitted window gets exactly one 64-byte commit report of the served digest, nothing verified yet', () => {
    const chain = setUp({ status: 200, body: vectorBytes() });
    const runtime = runtimeFor();
    const outcome = onCronTrigger(runtime, tick());

    expect(outcome).toMatchObject({ windowStart: WINDOW_START, status: 'committed', earlier: [] });
    expect(outcome.detail).toContain(`digest ${VECTOR_DIGEST}`);
    expect(chain.httpUrls).toEqual([documentUrlOf(WINDOW_START)]);
    expect(chain.writes).toHaveLength(1);
    expect(toHex(chain.writes[0].receiver)).toBe(LOGGER);
    expect(chain.writes[0].report.rawReport.length).toBe(REPORT_METADATA_HEADER_LENGTH + 64);
    expect(payloadOf(chain, 0)).toBe(encodeCommitReport({ windowStart: WINDOW_START, cidDigest: VECTOR_DIGEST }));
    expect(chain.registryCalls).toHaveLength(0); // no keys read, no sample drawn before the commit
    expect(chain.headerCalls).toHaveLength(0);
    expect(runtime.getLogs().some((l) => l.includes(`window ${WINDOW_START}: committed`))).toBe(true);
  });

  test('committed, head below commitBlock + 2: awaiting-draw, no fetch, no write', () => {
    const chain = setUp({ status: 200, body: vectorBytes() }, { committed: { [WINDOW_START]: { cidDigest: VECTOR_DIGEST, commitBlock: 100n } }, head: 101n });
    const outcome = onCronTrigger(runtimeFor(), tick());
    expect(outcome.status).toBe('awaiting-draw');
    expect(outcome.detail).toContain('committed in block 100; the head 101 is below 102');
    expect(chain.httpUrls).toHaveLength(0);
    expect(chain.writes).toHaveLength(0);
  });

  test('phase two: from commitBlock + 2 the committed document is verified and its 224-byte record written (the vector payload)', () => {
    const chain = setUp({ status: 200, body: vectorBytes() }, drawn());
    const runtime = runtimeFor();
    const outcome = onCronTrigger(runtime, tick());

    expect(outcome.status).toBe('recorded');
    expect(chain.httpUrls).toEqual([documentUrlOf(WINDOW_START)]);
    expect(chain.registryCalls).toEqual([['INDU_0042', 'SOLR_0001', 'SOLR_0002'].map((id) => toHex(deviceIdToBytes(id)))]);
    expect(chain.writes).toHaveLength(1);
    expect(chain.writes[0].gasConfig.gasLimit).toBe(600000n);
    expect(chain.writes[0].report.rawReport.length).toBe(REPORT_METADATA_HEADER_LENGTH + 224);
    expect(payloadOf(chain, 0)).toBe(vector.report);
    expect(outcome.detail).toContain(vector.cid);
    expect(chain.headerCalls).toEqual([LATEST]); // the head only: sampling is off by default, no seed read
    expect(chain.records.get(WINDOW_START)?.payload).toBe(vector.report);
    expect(runtime.getLogs().some((l) => l.includes(`window ${WINDOW_START}: recorded`))).toBe(true);
  });

  test('three ticks: committed, awaiting-draw, recorded; the logger accepts both reports', () => {
    const chain = setUp({ status: 200, body: vectorBytes() });
    expect(onCronTrigger(runtimeFor(), tick()).status).toBe('committed');
    expect(chain.commitments.get(WINDOW_START)).toEqual({ cidDigest: VECTOR_DIGEST, commitBlock: 101n });
    expect(onCronTrigger(runtimeFor(), tick()).status).toBe('awaiting-draw'); // head 101 = the commit block
    chain.head += 1n; // the seed block 102 is mined: still below 103
    expect(onCronTrigger(runtimeFor(), tick()).status).toBe('awaiting-draw');
    chain.head += 1n;
    expect(onCronTrigger(runtimeFor(), tick()).status).toBe('recorded');
    expect(chain.writes.map((w) => w.report.rawReport.length - REPORT_METADATA_HEADER_LENGTH)).toEqual([64, 224]);
    expect(onCronTrigger(runtimeFor(), tick()).status).toBe('already-recorded');
    expect(chain.writes).toHaveLength(2);
  });

  test('another document than the committed one: refused WINDOW_COMMITMENT_MISMATCH, no write, no second commit', () => {
    const chain = setUp({ status: 200, body: vectorBytes() }, drawn(`0x${'ab'.repeat(32)}`));
    const outcome = onCronTrigger(runtimeFor(), tick());
    expect(outcome.status).toBe('refused');
    expect(outcome.detail).toContain(`${AnchorRefusalCode.COMMITMENT_MISMATCH}: the oracle API serves a document of digest ${VECTOR_DIGEST}`);
    expect(outcome.detail).toContain(`not the 0x${'ab'.repeat(32)} committed in block 100`);
    expect(chain.writes).toHaveLength(0);
    expect(chain.registryCalls).toHaveLength(0);
  });

  test('an API that withholds the document after the commit gains nothing but a missing window: refused WINDOW_DOCUMENT_WITHHELD, stays committed and unrecorded', () => {
    const chain = setUp({ status: 200, body: vectorBytes() });
    expect(onCronTrigger(runtimeFor(), tick()).status).toBe('committed');
    chain.head += 2n;
    for (const status of [404, 409]) {
      chain.documents.set(documentUrlOf(WINDOW_START), { status });
      const outcome = onCronTrigger(runtimeFor(), tick());
      expect(outcome.status).toBe('refused');
      expect(outcome.detail).toContain(`${AnchorRefusalCode.DOCUMENT_WITHHELD}: the oracle API answers ${status}`);
    }
    // Serving other bytes instead (a document ground against the now public seed) is refused too.
    const ground = vectorDocument();
    ground.devices.pop();
    chain.documents.set(documentUrlOf(WINDOW_START), { status: 200, body: encode(ground) });
    expect(onCronTrigger(runtimeFor(), tick()).detail).toContain(AnchorRefusalCode.COMMITMENT_MISMATCH);
    expect(chain.writes).toHaveLength(1); // the commit only: no second commit, no record
    expect(chain.commitments.has(WINDOW_START)).toBe(true);
    expect(chain.records.has(WINDOW_START)).toBe(false);
  });

  test('the window before the due one, committed but not recorded, finishes its phase two in the same tick', () => {
    const next = WINDOW_START + WINDOW_SECONDS;
    const chain = setUp({ status: 404 }, drawn());
    chain.documents.set(documentUrlOf(WINDOW_START), { status: 200, body: vectorBytes() });
    const outcome = onCronTrigger(runtimeFor(), tick(next + WINDOW_SECONDS + SEAL_DELAY));
    expect(outcome).toMatchObject({ windowStart: next, status: 'empty' });
    expect(outcome.earlier).toHaveLength(1);
    expect(outcome.earlier[0]).toMatchObject({ windowStart: WINDOW_START, status: 'recorded' });
    expect(payloadOf(chain, 0)).toBe(vector.report);
    expect(chain.httpUrls).toEqual([documentUrlOf(WINDOW_START), documentUrlOf(next)]);
  });

  test('the window before is not handled when it is uncommitted or recorded already', () => {
    const next = WINDOW_START + WINDOW_SECONDS;
    const chain = setUp({ status: 404 });
    const outcome = onCronTrigger(runtimeFor(), tick(next + WINDOW_SECONDS + SEAL_DELAY));
    expect(outcome.earlier).toEqual([]);
    expect(chain.httpUrls).toEqual([documentUrlOf(next)]);
  });

  test('the window comes from the scheduled time, not the clock', () => {
    const chain = setUp({ status: 404 });
    const runtime = runtimeFor();
    runtime.setTimeProvider(() => 0);
    const outcome = onCronTrigger(runtime, tick(WINDOW_START + 10 * WINDOW_SECONDS + SEAL_DELAY));
    expect(outcome.windowStart).toBe(WINDOW_START + 9 * WINDOW_SECONDS);
    expect(chain.httpUrls).toEqual([`${API}/v1/windows/${WINDOW_START + 9 * WINDOW_SECONDS}/document`]);
  });

  test('tampered window (flipped byte in a reading): committed, then refused at the draw, the log names the reading', () => {
    const doc = vectorDocument();
    const bytes = fromHex(doc.devices[1].readings[2]);
    bytes[28] ^= 0x01; // power field of SOLR_0001#12
    doc.devices[1].readings[2] = toHex(bytes);
    const body = encode(doc);
    const chain = setUp({ status: 200, body }, drawn(windowDocumentDigest(body)));
    const runtime = runtimeFor();
    const outcome = onCronTrigger(runtime, tick());

    expect(outcome.status).toBe('refused');
    expect(chain.writes).toHaveLength(0);
    const line = runtime.getLogs().find((l) => l.includes('refused')) ?? '';
    expect(line).toContain('WINDOW_SIGNATURE_INVALID');
    expect(line).toContain('SOLR_0001#12');
    expect(line).toContain('devices[1].readings[2]');
  });

  // SOLR_0002 (devices[2]) reads at WINDOW_START + 1, + 61 and + 121 (counters 10-12).
  test('a device revoked after its last reading in the window: recorded, the vector payload (its readings and its neighbours count)', () => {
    const chain = setUp({ status: 200, body: vectorBytes() }, { revokedAt: { SOLR_0002: WINDOW_START + 122 }, ...drawn() });
    const outcome = onCronTrigger(runtimeFor(), tick());
    expect(outcome.status).toBe('recorded');
    expect(payloadOf(chain, 0)).toBe(vector.report);
  });

  test('a reading at its device revokedAt: no record, refused WINDOW_READING_AFTER_REVOCATION with the reading named', () => {
    const chain = setUp({ status: 200, body: vectorBytes() }, { revokedAt: { SOLR_0002: WINDOW_START + 121 }, ...drawn() });
    const outcome = onCronTrigger(runtimeFor(), tick());
    expect(outcome.status).toBe('refused');
    expect(outcome.detail).toContain('WINDOW_READING_AFTER_REVOCATION');
    expect(outcome.detail).toContain('SOLR_0002#12 at devices[2].readings[2]');
    expect(outcome.detail).toContain(`revocation at ${WINDOW_START + 121}`);
    expect(outcome.detail).toContain('registry read at the finalized block');
    expect(chain.writes).toHaveLength(0);
  });

  test('registryBlock "latest" (the reorg-unsafe opt-in): a registry refusal says the keys were read at the latest block', () => {
    setUp({ status: 200, body: vectorBytes() }, { revokedAt: { SOLR_0002: WINDOW_START }, ...drawn() });
    const outcome = onCronTrigger(runtimeFor({ ...config, registryBlock: 'latest' }), tick());
    expect(outcome.status).toBe('refused');
    expect(outcome.detail).toContain('WINDOW_READING_AFTER_REVOCATION');
    expect(outcome.detail).toContain('registry read at the latest block');
  });

  test('unreadable document: refused before the commit, nothing written, no registry read', () => {
    const chain = setUp({ status: 200, body: new TextEncoder().encode('{"devices": 7}') });
    const outcome = onCronTrigger(runtimeFor(), tick());
    expect(outcome.status).toBe('refused');
    expect(outcome.detail).toContain('WINDOW_DOCUMENT_MALFORMED');
    expect(chain.registryCalls).toHaveLength(0);
    expect(chain.writes).toHaveLength(0);
    expect(chain.commitments.size).toBe(0);
  });

  test('404 (no readings in the window): nothing committed', () => {
    const chain = setUp({ status: 404 });
    const outcome = onCronTrigger(runtimeFor(), tick());
    expect(outcome.status).toBe('empty');
    expect(chain.writes).toHaveLength(0);
    expect(chain.registryCalls).toHaveLength(0);
  });

  test('409 (not sealed yet): nothing committed', () => {
    const chain = setUp({ status: 409 });
    const outcome = onCronTrigger(runtimeFor(), tick());
    expect(outcome.status).toBe('not-sealed');
    expect(chain.writes).toHaveLength(0);
  });

  test('500 from the API: the execution fails, no write', () => {
    const chain = setUp({ status: 500 });
    expect(() => onCronTrigger(runtimeFor(), tick())).toThrow('500');
    expect(chain.writes).toHaveLength(0);
  });

  test('a reverted commit fails the execution with the logger reason', () => {
    const chain = setUp({ status: 200, body: vectorBytes() });
    chain.commitments.set(WINDOW_START, { cidDigest: VECTOR_DIGEST, commitBlock: 0n }); // block 0 reads as "not committed"
    expect(() => onCronTrigger(runtimeFor(), tick())).toThrow('writeReport (commit for window');
  });

  test('already recorded: no fetch, no write', () => {
    const chain = setUp({ status: 200, body: vectorBytes() }, { recorded: true });
    const outcome = onCronTrigger(runtimeFor(), tick());
    expect(outcome.status).toBe('already-recorded');
    expect(chain.httpUrls).toHaveLength(0);
    expect(chain.writes).toHaveLength(0);
  });
});

describe('GridProof CRE workflow: continuity against the previous recorded window', () => {
  // SOLR_0001: #1 (0 Wh) before W1; W1 holds #2 (10 Wh), #3 (30 Wh); W2 (the due window) holds #4 (40 Wh), #5 (50 Wh).
  const { W1, W2, r1, r2, window1, honest2, stale2, windowBytes } = continuityWindows();

  /** W1 recorded (its document served), W2 committed with `w2` served, head past the draw. */
  function twoWindows(w2: Uint8Array, served1: { status: number; body?: Uint8Array } = { status: 200, body: window1 }): Chain {
    const chain = setUp({ status: 404 }, drawn(windowDocumentDigest(w2)));
    chain.records.set(W1, { root: decodeWindowDocument(window1).root as Hex, cidDigest: windowDocumentDigest(window1), payload: '0x' });
    chain.documents.set(documentUrlOf(W1), served1);
    chain.documents.set(documentUrlOf(W2), { status: 200, body: w2 });
    return chain;
  }

  test('the honest window 2 continues window 1 and is recorded (20 Wh)', () => {
    const chain = twoWindows(honest2);
    const outcome = onCronTrigger(runtimeFor(), tick());
    expect(outcome.status, outcome.detail).toBe('recorded');
    expect(outcome.detail).toContain(`continuity against window ${W1}`);
    expect(chain.httpUrls).toEqual([documentUrlOf(W2), documentUrlOf(W1)]);
    expect(BigInt(`0x${payloadOf(chain, 0).slice(2 + 384, 2 + 448)}`)).toBe(20n);
  });

  test('a stale baseline that counts window 1 twice (80 Wh for 50 Wh of meter movement) is refused WINDOW_CONTINUITY_BROKEN', () => {
    const chain = twoWindows(stale2);
    const outcome = onCronTrigger(runtimeFor(), tick());
    expect(outcome.status).toBe('refused');
    expect(outcome.detail).toContain('WINDOW_CONTINUITY_BROKEN: Device SOLR_0001 at devices[0] starts at 0 Wh, below the 30 Wh it ended window');
    expect(chain.writes).toHaveLength(0);
  });

  test('the previous window is recorded but its document is withheld or another one: refused WINDOW_PREVIOUS_UNAVAILABLE', () => {
    for (const served of [{ status: 404 }, { status: 200, body: windowBytes(W1, [r2], r1) }]) {
      const chain = twoWindows(honest2, served);
      const outcome = onCronTrigger(runtimeFor(), tick());
      expect(outcome.status).toBe('refused');
      expect(outcome.detail).toContain(
        `${AnchorRefusalCode.PREVIOUS_UNAVAILABLE}: the previous window ${W1} is recorded with digest ${windowDocumentDigest(window1)}`,
      );
      expect(chain.writes).toHaveLength(0);
    }
  });

  test('no previous record (first window, or an empty one): no continuity check', () => {
    const chain = setUp({ status: 404 }, drawn(windowDocumentDigest(stale2)));
    chain.documents.set(documentUrlOf(W2), { status: 200, body: stale2 });
    const outcome = onCronTrigger(runtimeFor(), tick());
    expect(outcome.status).toBe('recorded');
    expect(outcome.detail).not.toContain('continuity');
    expect(chain.httpUrls).toEqual([documentUrlOf(W2)]);
  });

  test('a window recorded earlier in the same tick is the next one’s previous window, from memory', () => {
    // W1 committed and drawn, W2 committed and drawn; the tick (due W2) records W1 first, then W2 against it.
    const chain = setUp({ status: 404 }, { committed: { [W1]: { cidDigest: windowDocumentDigest(window1), commitBlock: 90n } }, head: 102n });
    chain.commitments.set(W2, { cidDigest: windowDocumentDigest(stale2), commitBlock: 100n });
    chain.documents.set(documentUrlOf(W1), { status: 200, body: window1 });
    chain.documents.set(documentUrlOf(W2), { status: 200, body: stale2 });
    const outcome = onCronTrigger(runtimeFor(), tick());
    expect(outcome.earlier[0]).toMatchObject({ windowStart: W1, status: 'recorded' });
    expect(outcome.status).toBe('refused');
    expect(outcome.detail).toContain('WINDOW_CONTINUITY_BROKEN');
    expect(chain.httpUrls).toEqual([documentUrlOf(W1), documentUrlOf(W2)]); // W1's bytes are not fetched twice
  });
});

describe('GridProof CRE workflow with sampling', () => {
  const { bytes, digest, n: N, forged: FORGED } = forgedWindow();
  const sampled = parseWorkflowConfig({ ...configJson, samplingThreshold: 10, sampleSize: 8 });
  // The sample the workflow must draw: selectSample(SHA-256(hash of block commitBlock + 1 ‖ SHA-256(document)), N, 8).
  const hashWhere = (inSample: boolean): Uint8Array => {
    for (let i = 0; ; i++) {
      const h = blockHashOf(BigInt(i) + 1000n);
      if (selectSample(sampleSeedOf(toHex(h), digest), N, 8).includes(FORGED) === inSample) return h;
    }
  };
  const seeded = (seed: Uint8Array) => ({ ...drawn(digest), blockHash: (n: bigint) => (n === 101n ? seed : blockHashOf(n)) });

  test('above the threshold: the sample is seeded by block commitBlock + 1, read by number; a forged reading outside it passes (fraud proofs cover it)', () => {
    const hash = hashWhere(false);
    const chain = setUp({ status: 200, body: bytes }, seeded(hash));
    const outcome = onCronTrigger(runtimeFor(sampled), tick());
    expect(outcome.status).toBe('recorded');
    expect(chain.headerCalls).toEqual([LATEST, blockTag(101n)]);
    expect(chain.writes).toHaveLength(1);
    expect(outcome.detail).toContain('signatures 8');
    expect(outcome.detail).toContain(`seed ${toHex(hash)} (block 101, the block after the commit)`);
  });

  test('above the threshold: a forged reading inside the sample is refused and named', () => {
    const chain = setUp({ status: 200, body: bytes }, seeded(hashWhere(true)));
    const outcome = onCronTrigger(runtimeFor(sampled), tick());
    expect(outcome.status).toBe('refused');
    expect(outcome.detail).toContain('WINDOW_SIGNATURE_INVALID');
    expect(outcome.detail).toContain('SOLR_0001#27 at devices[0].readings[17]');
    expect(chain.writes).toHaveLength(0);
  });

  test('registryBlock "latest" does not change the seed: it is always the block after the commit', () => {
    const chain = setUp({ status: 200, body: bytes }, seeded(hashWhere(false)));
    const outcome = onCronTrigger(runtimeFor({ ...sampled, registryBlock: 'latest' }), tick());
    expect(outcome.status).toBe('recorded');
    expect(chain.headerCalls).toEqual([LATEST, blockTag(101n)]);
  });

  test('at or below the threshold: every signature is verified, no seed header is read', () => {
    const chain = setUp({ status: 200, body: bytes }, seeded(hashWhere(false)));
    const outcome = onCronTrigger(runtimeFor({ ...sampled, samplingThreshold: N }), tick());
    expect(outcome.status).toBe('refused');
    expect(outcome.detail).toContain('SOLR_0001#27 at devices[0].readings[17]');
    expect(chain.headerCalls).toEqual([LATEST]);
    expect(chain.writes).toHaveLength(0);
  });

  test('sampling off: the forged reading is refused, no seed header is read', () => {
    const chain = setUp({ status: 200, body: bytes }, seeded(hashWhere(false)));
    const outcome = onCronTrigger(runtimeFor(), tick());
    expect(outcome.status).toBe('refused');
    expect(outcome.detail).toContain('SOLR_0001#27');
    expect(chain.headerCalls).toEqual([LATEST]);
  });
});
