import {
  buildWindowDocument,
  decodeWindowDocument,
  encodeWindowDocument,
  toHex,
  verifyMerkleProof,
  windowDocumentCid,
  windowDocumentDigest,
  type Hex,
} from '@gridproof/protocol';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { windows } from '../../db/schema/index.js';
import { createTestApi, errorOf, meters, signed, T0, type TestApi } from '../../test/fixtures.js';

describe('window sealing and /v1/windows', () => {
  let api: TestApi;
  // Window T0: solar 1, 2 and wind 1. Window T0+300: solar 3 (its baseline is solar 2).
  const s1 = signed(meters.solar, 1, T0 + 10, { energyWh: 1000 });
  const s2 = signed(meters.solar, 2, T0 + 200, { energyWh: 1040 });
  const w1 = signed(meters.wind, 1, T0 + 20, { energyWh: 70 });
  const s3 = signed(meters.solar, 3, T0 + 320, { energyWh: 1100 });
  const expectedFirst = buildWindowDocument({
    windowStart: T0,
    windowSeconds: 300,
    devices: [
      { deviceId: 'SOLR_0001', readings: [s1, s2] },
      { deviceId: 'WIND_0002', readings: [w1] },
    ],
  });
  const firstBytes = encodeWindowDocument(expectedFirst);
  const firstCid = windowDocumentCid(firstBytes).toString();

  beforeAll(async () => {
    api = await createTestApi();
    api.clock.t = T0 + 290;
    expect((await api.postReadings(s2, w1, s1)).status).toBe(200);
    api.clock.t = T0 + 304;
    expect((await api.postReadings(s3)).status).toBe(200);
  });
  afterAll(() => api.close());

  it('does not seal a window before end + grace', async () => {
    expect(await api.sealer.sealDueWindows()).toEqual([]);
    const error = await errorOf(await api.app.request(`/v1/windows/${T0}`), 409);
    expect(error).toMatchObject({ code: 'WINDOW_NOT_SEALED', details: { windowStart: T0, readingCount: 3, sealsAt: T0 + 305 } });
    expect((await errorOf(await api.app.request(`/v1/windows/${T0}/document`), 409)).code).toBe('WINDOW_NOT_SEALED');
  });

  it('seals a due window into the document protocol computes, byte for byte', async () => {
    api.clock.t = T0 + 305;
    const sealed = await api.sealer.sealDueWindows();
    expect(sealed.map((w) => w.windowStart)).toEqual([T0]);
    const res = await api.app.request(`/v1/windows/${T0}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      windowStart: T0,
      windowSeconds: 300,
      status: 'sealed',
      cid: firstCid,
      root: expectedFirst.root,
      cidDigest: windowDocumentDigest(firstBytes),
      deviceCount: 2,
      readingCount: 3,
      energyWh: String(40 + 0),
      energyByRole: { production: '40', consumption: '0', gridStatus: '0' },
      deviceCountByRole: { production: 2, consumption: 0, gridStatus: 0 },
      excludedReadingCount: 0,
      sealedAt: T0 + 305,
      committedAt: null,
      anchoredAt: null,
      frozenReason: null,
      frozenDevices: [],
    });
  });

  it('serves the sealed bytes at /document and at the trustless gateway', async () => {
    const doc = await api.app.request(`/v1/windows/${T0}/document`);
    expect(doc.status).toBe(200);
    expect(doc.headers.get('content-type')).toBe('application/vnd.ipld.dag-json');
    expect(doc.headers.get('x-ipfs-cid')).toBe(firstCid);
    expect(new Uint8Array(await doc.arrayBuffer())).toEqual(firstBytes);

    const raw = await api.app.request(`/ipfs/${firstCid}?format=raw`);
    expect(raw.status).toBe(200);
    expect(raw.headers.get('content-type')).toBe('application/vnd.ipld.raw');
    const rawBytes = new Uint8Array(await raw.arrayBuffer());
    expect(rawBytes).toEqual(firstBytes);
    // What a trustless client does: hash what it got and compare with the CID.
    expect(windowDocumentCid(rawBytes).toString()).toBe(firstCid);

    const byAccept = await api.app.request(`/ipfs/${firstCid}`, { headers: { accept: 'application/vnd.ipld.raw' } });
    expect(byAccept.headers.get('content-type')).toBe('application/vnd.ipld.raw');
    expect(new Uint8Array(await byAccept.arrayBuffer())).toEqual(firstBytes);
  });

  it('404 WINDOW_NOT_FOUND, 400 INVALID_WINDOW_START', async () => {
    expect((await errorOf(await api.app.request(`/v1/windows/${T0 + 900}`), 404)).code).toBe('WINDOW_NOT_FOUND');
    expect((await errorOf(await api.app.request(`/v1/windows/${T0 + 900}/document`), 404)).code).toBe('WINDOW_NOT_FOUND');
    for (const bad of ['abc', `${T0 + 1}`, '-300', '01']) {
      expect((await errorOf(await api.app.request(`/v1/windows/${bad}`), 400)).code).toBe('INVALID_WINDOW_START');
    }
  });

  it('lists sealed windows newest first; status=all adds the open ones', async () => {
    const sealedOnly = await (await api.app.request('/v1/windows')).json();
    expect(sealedOnly.windows.map((w: { windowStart: number }) => w.windowStart)).toEqual([T0]);
    const all = await (await api.app.request('/v1/windows?status=all')).json();
    expect(all.windows).toMatchObject([
      { windowStart: T0 + 300, status: 'open', cid: null, deviceCount: 1, readingCount: 1 },
      { windowStart: T0, status: 'sealed', cid: firstCid },
    ]);
    const page = await (await api.app.request(`/v1/windows?status=all&limit=1&before=${T0 + 300}`)).json();
    expect(page.windows.map((w: { windowStart: number }) => w.windowStart)).toEqual([T0]);
    expect((await errorOf(await api.app.request('/v1/windows?limit=501'), 400)).code).toBe('INVALID_QUERY');
    expect((await errorOf(await api.app.request('/v1/windows?status=closed'), 400)).code).toBe('INVALID_QUERY');
    // No DataLogger watched here: pending means "sealed, anchoring unknown", and the answer says so.
    const pending = await (await api.app.request('/v1/windows?status=pending')).json();
    expect(pending).toMatchObject({ anchoring: 'unknown', windows: [{ windowStart: T0, status: 'sealed', anchoredAt: null }] });
    // One status per window: no second boolean beside it.
    for (const w of all.windows) expect(w).not.toHaveProperty('anchored');
  });

  it('one state machine: open → sealed → anchored (once the watcher records the DataLogger event)', async () => {
    const statusOf = async (start: number) =>
      ((await (await api.app.request('/v1/windows?status=all&limit=500')).json()).windows as { windowStart: number; status: string }[]).find(
        (w) => w.windowStart === start,
      )?.status;
    expect(await statusOf(T0 + 300)).toBe('open');
    expect(await statusOf(T0)).toBe('sealed');
    // What the anchor watcher writes when it sees WindowRecorded (services/anchorWatcher.ts).
    await api.ctx.db
      .update(windows)
      .set({ anchoredAt: T0 + 330 })
      .where(eq(windows.windowStart, T0));
    try {
      expect(await statusOf(T0)).toBe('anchored');
      expect(await (await api.app.request(`/v1/windows/${T0}`)).json()).toMatchObject({ status: 'anchored', anchoredAt: T0 + 330 });
      const pending = await (await api.app.request('/v1/windows?status=pending')).json();
      expect(pending.windows.map((w: { windowStart: number }) => w.windowStart)).not.toContain(T0);
    } finally {
      await api.ctx.db.update(windows).set({ anchoredAt: null }).where(eq(windows.windowStart, T0));
    }
    expect(await statusOf(T0)).toBe('sealed');
  });

  it('carries the baseline into the next window, and proofs reach the root', async () => {
    api.clock.t = T0 + 605;
    expect((await api.sealer.sealDueWindows()).map((w) => w.windowStart)).toEqual([T0 + 300]);
    const bytes = new Uint8Array(await (await api.app.request(`/v1/windows/${T0 + 300}/document`)).arrayBuffer());
    const expected = buildWindowDocument({ windowStart: T0 + 300, windowSeconds: 300, devices: [{ deviceId: 'SOLR_0001', readings: [s3], baseline: s2 }] });
    expect(bytes).toEqual(encodeWindowDocument(expected));
    const doc = decodeWindowDocument(bytes);
    expect(doc.devices[0]).toMatchObject({ baseline: toHex(s2), energyStartWh: 1040, energyEndWh: 1100, energyWh: 60 });

    const proof = await (await api.app.request(`/v1/windows/${T0}/proof?deviceId=SOLR_0001&counter=2`)).json();
    expect(proof.signedReading).toBe(toHex(s2));
    expect(verifyMerkleProof(proof.readingProof as Hex[], proof.summary.readingsRoot, proof.readingLeaf)).toBe(true);
    expect(verifyMerkleProof(proof.summaryProof as Hex[], expectedFirst.root, proof.summaryLeaf)).toBe(true);
    expect((await errorOf(await api.app.request(`/v1/windows/${T0}/proof?deviceId=SOLR_0001&counter=3`), 404)).code).toBe('READING_NOT_IN_WINDOW');
  });

  it('is idempotent and restart-safe: re-sealing a lost row gives the same bytes and CID', async () => {
    expect(await api.sealer.sealDueWindows()).toEqual([]);
    // A crash after the block was written but before the row committed leaves exactly this.
    await api.ctx.db.delete(windows).where(eq(windows.windowStart, T0));
    const [again] = await api.sealer.sealDueWindows();
    expect(again).toMatchObject({ windowStart: T0, cid: firstCid, root: expectedFirst.root });
    expect(new Uint8Array(await (await api.app.request(`/v1/windows/${T0}/document`)).arrayBuffer())).toEqual(firstBytes);
  });

  describe('GET /ipfs/:cid', () => {
    it('400 INVALID_CID', async () => {
      expect((await errorOf(await api.app.request('/ipfs/not-a-cid?format=raw'), 400)).code).toBe('INVALID_CID');
    });

    it('404 BLOCK_NOT_FOUND for a CID it does not hold', async () => {
      const other = windowDocumentCid(new TextEncoder().encode('{}')).toString();
      expect((await errorOf(await api.app.request(`/ipfs/${other}?format=raw`), 404)).code).toBe('BLOCK_NOT_FOUND');
    });

    it('406 FORMAT_NOT_SUPPORTED for CAR and other formats', async () => {
      expect((await errorOf(await api.app.request(`/ipfs/${firstCid}?format=car`), 406)).code).toBe('FORMAT_NOT_SUPPORTED');
    });

    it('serves dag-json without a format, and is readable cross-origin', async () => {
      const res = await api.app.request(`/ipfs/${firstCid}`, { headers: { origin: 'https://dapp.example' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/vnd.ipld.dag-json');
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(new Uint8Array(await res.arrayBuffer())).toEqual(firstBytes);
    });
  });
});

describe('a window total beyond 2^53−1', () => {
  let api: TestApi;
  const MAX = Number.MAX_SAFE_INTEGER;
  // Rises of 2^53−1 (solar), 2^53−2 (wind) and 2526 Wh (house): 18014398509484507 Wh, which a double rounds to …504.
  const batch = [
    signed(meters.solar, 1, T0 + 10, { energyWh: 0 }),
    signed(meters.solar, 2, T0 + 20, { energyWh: MAX }),
    signed(meters.wind, 1, T0 + 10, { energyWh: 1 }),
    signed(meters.wind, 2, T0 + 20, { energyWh: MAX }),
    signed(meters.house, 1, T0 + 10, { energyWh: 1000 }),
    signed(meters.house, 2, T0 + 20, { energyWh: 3526 }),
  ];

  beforeAll(async () => {
    api = await createTestApi();
    api.clock.t = T0 + 30;
    expect((await api.postReadings(...batch)).status).toBe(200);
    api.clock.t = T0 + 305;
  });
  afterAll(() => api.close());

  it('is sealed, stored and served exactly: 18014398509484507 in the document, the row and the JSON', async () => {
    const [sealed] = await api.sealer.sealDueWindows();
    expect(sealed.energyWh).toBe(18014398509484507n);
    const [row] = await api.ctx.db.select().from(windows).where(eq(windows.windowStart, T0));
    expect(row.energyWh).toBe(18014398509484507n);

    const res = await api.app.request(`/v1/windows/${T0}`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('"energyWh":"18014398509484507"');
    expect(JSON.parse(text)).toMatchObject({ deviceCount: 3, readingCount: 6, energyWh: '18014398509484507' });

    const list = await (await api.app.request('/v1/windows?status=sealed')).json();
    expect(list.windows[0].energyWh).toBe('18014398509484507');

    const bytes = new Uint8Array(await (await api.app.request(`/v1/windows/${T0}/document`)).arrayBuffer());
    expect(new TextDecoder().decode(bytes)).toContain('"energyWh":18014398509484507,');
    expect(decodeWindowDocument(bytes).energyWh).toBe(18014398509484507n);
  });
});

describe('window counts at the protocol bound (uint32)', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi();
  });
  afterAll(() => api.close());

  it('stores and serves readingCount and deviceCount of 2^32−1 exactly (int4 stops at 2^31−1)', async () => {
    const MAX_UINT32 = 2 ** 32 - 1;
    const digest = `0x${'cd'.repeat(32)}`;
    await api.ctx.db.insert(windows).values({
      windowStart: T0 + 3000,
      windowSeconds: 300,
      cid: 'baguqeera5w2dxbmb3xkc3x2m4ttf2fvyhtvz3h2fxm4b4agbdtc3nxyfpbhq',
      cidDigest: digest,
      root: `0x${'ab'.repeat(32)}`,
      deviceCount: MAX_UINT32,
      readingCount: MAX_UINT32,
      energyWh: 2n ** 64n - 1n,
      sealedAt: T0 + 3305,
    });
    const [row] = await api.ctx.db
      .select()
      .from(windows)
      .where(eq(windows.windowStart, T0 + 3000));
    expect([row.deviceCount, row.readingCount]).toEqual([MAX_UINT32, MAX_UINT32]);
    const res = await api.app.request(`/v1/windows/${T0 + 3000}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ readingCount: 4294967295, deviceCount: 4294967295, energyWh: '18446744073709551615', frozenDevices: [] });
  });
});

describe('sealing under revocations (the ingest check held back, the sealer reading the registry after the window)', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi();
  });
  afterAll(() => api.close());

  it('leaves gap readings out of the document, keeps them stored and marked; the other devices seal as usual', async () => {
    const devices = api.devices;
    const stale = new Map(await devices.settled()); // what ingest keeps answering from
    api.ctx.devices = { ...devices, get: async (id) => stale.get(id), settled: () => devices.settled() };
    try {
      api.clock.t = T0 + 100;
      const h1 = signed(meters.house, 1, T0 + 50, { energyWh: 500 });
      const s1 = signed(meters.solar, 1, T0 + 60, { energyWh: 1000 });
      expect((await api.postReadings(h1, s1)).status).toBe(200);
      devices.revoke(meters.house.deviceId, T0 + 90, 1); // mined; the held-back view does not show it
      const gap = [signed(meters.house, 2, T0 + 90, { energyWh: 510 }), signed(meters.house, 3, T0 + 95, { energyWh: 520 })];
      expect((await api.postReadings(...gap, signed(meters.solar, 2, T0 + 95, { energyWh: 1030 }))).status).toBe(200);
      devices.set(meters.wind.deviceId, { ...entryOf(await devices.get(meters.wind.deviceId)), role: 2 });
      expect((await api.postReadings(signed(meters.wind, 1, T0 + 96, { energyWh: 7 }), signed(meters.wind, 2, T0 + 97, { energyWh: 9 }))).status).toBe(200);
      api.clock.t = T0 + 305;
      const [row] = await api.sealer.sealDueWindows();
      expect(row).toMatchObject({ windowStart: T0, deviceCount: 3, readingCount: 5, excludedReadingCount: 2 });
      const doc = decodeWindowDocument(new Uint8Array(await (await api.app.request(`/v1/windows/${T0}/document`)).arrayBuffer()));
      expect(doc.devices.map((d) => [d.deviceId, d.readingCount, d.energyWh])).toEqual([
        ['HOUS_0003', 1, 0],
        ['SOLR_0001', 2, 30],
        ['WIND_0002', 2, 2],
      ]);
      const summary = await (await api.app.request(`/v1/windows/${T0}`)).json();
      expect(summary).toMatchObject({
        energyWh: '32',
        energyByRole: { production: '30', consumption: '2', gridStatus: '0' },
        deviceCountByRole: { production: 2, consumption: 1, gridStatus: 0 },
        excludedReadingCount: 2,
      });
      const listed = await (await api.app.request('/v1/devices/HOUS_0003/readings')).json();
      expect(listed.readings.map((r: { counter: number; excludedReason: string | null }) => [r.counter, r.excludedReason])).toEqual([
        [3, 'DEVICE_REVOKED'],
        [2, 'DEVICE_REVOKED'],
        [1, null],
      ]);
      expect(await api.readingCount()).toBe(7);
    } finally {
      api.ctx.devices = devices;
    }
  });

  it('a window none of whose readings counts is not sealed, not due again, and not listed as open', async () => {
    const devices = api.devices;
    api.clock.t = T0 + 610;
    expect((await api.postReadings(signed(meters.wind, 3, T0 + 605, { energyWh: 9 }))).status).toBe(200);
    devices.set(meters.wind.deviceId, { ...entryOf(await devices.get(meters.wind.deviceId)) });
    api.ctx.devices = { ...devices, settled: async () => new Map() }; // its certification left the chain
    try {
      api.clock.t = T0 + 905;
      expect(await api.sealer.sealDueWindows()).toEqual([]);
      expect(await api.sealer.sealDueWindows()).toEqual([]);
      expect((await errorOf(await api.app.request(`/v1/windows/${T0 + 600}`), 404)).code).toBe('WINDOW_NOT_FOUND');
      const latest = await (await api.app.request('/v1/devices/WIND_0002/latest')).json();
      expect(latest).toMatchObject({ counter: 3, excludedReason: 'UNKNOWN_DEVICE' });
      const all = await (await api.app.request('/v1/windows?status=all')).json();
      expect(all.windows.map((w: { windowStart: number }) => w.windowStart)).not.toContain(T0 + 600);
    } finally {
      api.ctx.devices = devices;
    }
  });
});

function entryOf<T>(entry: T | undefined): T {
  if (!entry) throw new Error('expected a device entry');
  return entry;
}
