import { CID } from 'multiformats/cid';
import { batchKinds, encodeWindowDocument, parseWindowDocument, READINGS_BATCH_KIND } from '@gridproof/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, meters, signed, T0, type TestApi } from '../test/fixtures.js';
import { batchSources, createSealer } from './sealWindows.js';

/** All bytes of a block, whichever shape the blockstore answers in. */
async function blockBytes(api: TestApi, cid: string): Promise<Uint8Array> {
  const got = await api.ctx.blocks.get(CID.parse(cid));
  if (got instanceof Uint8Array) return got;
  const parts: Uint8Array[] = [];
  for await (const part of got) parts.push(part);
  return Uint8Array.from(parts.flatMap((p) => [...p]));
}

describe('sealer per batch kind', () => {
  let api: TestApi;
  const s1 = signed(meters.solar, 1, T0 + 10, { energyWh: 1000 });
  const s2 = signed(meters.solar, 2, T0 + 200, { energyWh: 1040 });
  const w1 = signed(meters.wind, 1, T0 + 20, { energyWh: 70 });

  beforeAll(async () => {
    api = await createTestApi();
    api.clock.t = T0 + 250;
    expect((await api.postReadings(s2, w1, s1)).status).toBe(200);
  });
  afterAll(async () => {
    await api?.close();
  });

  it('has an input source for every kind protocol registers, and only those', () => {
    expect(Object.keys(batchSources).sort()).toEqual(Object.keys(batchKinds).sort());
  });

  it('seals a readings window with protocol\'s readings builder: the stored block is what that builder gives, strict and of kind "readings"', async () => {
    api.clock.t = T0 + 300 + 5;
    const [row] = await api.sealer.sealDueWindows();
    expect(row).toMatchObject({ windowStart: T0, deviceCount: 2, readingCount: 3 });
    const bytes = await blockBytes(api, row.cid);
    const doc = parseWindowDocument(bytes);
    expect(doc.kind).toBe(READINGS_BATCH_KIND);
    const expected = batchKinds.readings.build({
      windowStart: T0,
      windowSeconds: 300,
      input: [
        { deviceId: 'SOLR_0001', readings: [s1, s2], baseline: null },
        { deviceId: 'WIND_0002', readings: [w1], baseline: null },
      ],
    });
    expect(bytes).toEqual(encodeWindowDocument(expected));
    expect(doc.devices.map((d) => d.readings.length)).toEqual([2, 1]);
  });

  it('refuses a kind protocol does not register, at creation, with UNKNOWN_KIND', () => {
    expect(() => createSealer(api.ctx, 'grid-status' as never)).toThrow(expect.objectContaining({ code: 'INVALID_WINDOW_DOCUMENT', reason: 'UNKNOWN_KIND' }));
  });
});
