/** The error code of a bad signature is decided by the policy, not by how the signature's halves look. */
import { bytesToUint, concatBytes, decodeSignedReading, KeyType, signReadingBytes } from '@gridproof/protocol';
import { describe, expect, it } from 'vitest';
import { useTestApi, errorOf, meters, signed, T0 } from '../test/fixtures.js';

const HALF_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n >> 1n;

/** solar (a P-256 device) reading #counter, but signed with Ed25519 key i. */
function ed25519ForP256Device(counter: number, i: number): Uint8Array {
  const { readingBytes } = decodeSignedReading(signed(meters.solar, counter, T0 + counter));
  return concatBytes(readingBytes, signReadingBytes(readingBytes, KeyType.ED25519, new Uint8Array(32).fill(i)));
}

describe('POST /v1/readings: an Ed25519 signature for a P-256 device', () => {
  const api = useTestApi();

  it('is 422 BAD_SIGNATURE every time, whether its second half looks high-S or low-S', async () => {
    const codes = new Map<string, number>();
    let highLooking = 0;
    for (let i = 0; i < 48; i++) {
      const bad = ed25519ForP256Device(1, i);
      if (bytesToUint(bad.subarray(75)) > HALF_N) highLooking++;
      const error = await errorOf(await api().postReadings(bad), 422);
      codes.set(error.code, (codes.get(error.code) ?? 0) + 1);
    }
    expect([...codes]).toEqual([['BAD_SIGNATURE', 48]]);
    expect(highLooking).toBeGreaterThan(5); // about half; both kinds were really sent
    expect(highLooking).toBeLessThan(43);
  });

  it('in a batch large enough for the worker threads too, naming the first one', async () => {
    const batch = Array.from({ length: 64 }, (_, i) => (i < 10 ? signed(meters.solar, i + 1, T0 + i + 1) : ed25519ForP256Device(i + 1, i)));
    const error = await errorOf(await api().postReadings(...batch), 422);
    expect(error).toMatchObject({ code: 'BAD_SIGNATURE', details: { index: 10, deviceId: 'SOLR_0001', counter: 11 } });
    expect(await api().readingCount()).toBe(0);
  });
});
