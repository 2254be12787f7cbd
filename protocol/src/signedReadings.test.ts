import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from './bytes.js';
import { InvalidSignedReadingsError } from './errors.js';
import { SIGNED_READING_LENGTH, decodeSignedReading } from './signature.js';
import { concatSignedReadings, signedReadingsCount, splitSignedReadings } from './signedReadings.js';

const cases: { signed: string; reading: { deviceId: string; counter: number } }[] = JSON.parse(
  readFileSync(new URL('../test-vectors/readings.json', import.meta.url), 'utf8'),
).cases;
const signed = cases.map((c) => fromHex(c.signed));

/** The error `fn` throws, asserted to be an InvalidSignedReadingsError. */
function refusal(fn: () => unknown): InvalidSignedReadingsError {
  expect(fn).toThrow(InvalidSignedReadingsError);
  return thrownBy(fn) as InvalidSignedReadingsError;
}
const thrownBy = (fn: () => unknown): unknown => {
  try {
    return fn();
  } catch (err) {
    return err;
  }
};

describe('signed-readings concatenation', () => {
  it('is the vector signed readings back to back, and splits back into them in order', () => {
    const payload = concatSignedReadings(signed);
    expect(payload.length).toBe(signed.length * SIGNED_READING_LENGTH);
    expect(toHex(payload)).toBe(`0x${cases.map((c) => c.signed.slice(2)).join('')}`);
    const parts = splitSignedReadings(payload);
    expect(parts.map(toHex)).toEqual(cases.map((c) => c.signed));
    expect(parts.map((p) => decodeSignedReading(p).reading.counter)).toEqual(cases.map((c) => c.reading.counter));
  });

  it('splits into copies, so changing the payload later does not change a reading', () => {
    const payload = concatSignedReadings(signed);
    const [first] = splitSignedReadings(payload);
    payload[0] ^= 0xff;
    expect(toHex(first)).toBe(cases[0].signed);
  });

  it('refuses an empty payload', () => {
    const err = refusal(() => splitSignedReadings(new Uint8Array(0)));
    expect(err.code).toBe('INVALID_SIGNED_READINGS');
    expect(err.details).toEqual({ reason: 'EMPTY', length: 0 });
    expect(refusal(() => concatSignedReadings([])).details.reason).toBe('EMPTY');
  });

  it.each([1, SIGNED_READING_LENGTH - 1, SIGNED_READING_LENGTH + 1, 2 * SIGNED_READING_LENGTH + 42])(
    'refuses a payload of %i bytes as truncated, naming the cut reading',
    (length) => {
      const payload = concatSignedReadings(signed).slice(0, length);
      const err = refusal(() => splitSignedReadings(payload));
      expect(err.details).toEqual({ reason: 'TRUNCATED', length, index: Math.floor(length / SIGNED_READING_LENGTH), trailing: length % SIGNED_READING_LENGTH });
      expect(err.shortMessage).toContain(`${length} bytes`);
    },
  );

  it('counts readings without splitting', () => {
    expect(signedReadingsCount(3 * SIGNED_READING_LENGTH)).toBe(3);
    expect(refusal(() => signedReadingsCount(5)).details.reason).toBe('TRUNCATED');
  });

  it('refuses to concatenate a piece that is not a 107-byte signed reading', () => {
    const err = refusal(() => concatSignedReadings([signed[0], signed[1].subarray(0, 43)]));
    expect(err.details).toEqual({ reason: 'NOT_SIGNED_READING', length: 43, index: 1 });
  });
});
