import { describe, expect, it } from 'vitest';
import {
  READING_LAYOUT,
  READING_LENGTH,
  decodeReading,
  encodeReading,
  readingCounter,
  readingDeviceId,
  readingFieldBytes,
  readingTimestamp,
  type Reading,
} from './reading.js';
import { toHex } from './bytes.js';

/** Sets byte `i` of `b` to `v`, in place. */
const setByte = (b: Uint8Array, i: number, v: number) => {
  b[i] = v;
  return b;
};
const base: Reading = { deviceId: 'SOLR_0001', counter: 1, timestamp: 1767225610, powerW: 1520, energyWh: 100000, voltageMv: 230150, status: 'ON' };

describe('reading layout v1', () => {
  it('encodes fields at their fixed big-endian offsets', () => {
    const bytes = encodeReading(base);
    expect(bytes.length).toBe(READING_LENGTH);
    const hex = (v: number, bytes: number) => v.toString(16).padStart(bytes * 2, '0');
    const expected = ['01', Buffer.from('SOLR_0001').toString('hex'), hex(1, 8), hex(1767225610, 8), hex(1520, 4), hex(100000, 8), hex(230150, 4), '01'];
    expect(toHex(bytes)).toBe(`0x${expected.join('')}`);
  });

  it('round-trips every field', () => {
    const r: Reading = { ...base, counter: 2 ** 53 - 1, powerW: 2 ** 32 - 1, status: 'OFF', voltageMv: 0 };
    expect(decodeReading(encodeReading(r))).toEqual(r);
  });

  it.each([
    ['lower-case device id', { deviceId: 'solr_0001' }, 'INVALID_DEVICE_ID'],
    ['device id without underscore', { deviceId: 'SOLR00001' }, 'INVALID_DEVICE_ID'],
    ['letters in the number part', { deviceId: 'SOLR_00A1' }, 'INVALID_DEVICE_ID'],
    ['negative power', { powerW: -1 }, 'INVALID_READING'],
    ['power over u32', { powerW: 2 ** 32 }, 'INVALID_READING'],
    ['fractional energy', { energyWh: 1.5 }, 'INVALID_READING'],
    ['counter over 2^53', { counter: 2 ** 53 }, 'INVALID_READING'],
    ['unknown status', { status: 'MAYBE' as never }, 'INVALID_READING'],
  ])('rejects %s', (_, patch, code) => {
    expect(() => encodeReading({ ...base, ...patch })).toThrow(expect.objectContaining({ code }));
  });

  it.each([
    ['a short buffer', (b: Uint8Array) => b.slice(0, 42)],
    ['an unknown version', (b: Uint8Array) => setByte(b, 0, 2)],
    ['a status byte of 2', (b: Uint8Array) => setByte(b, 42, 2)],
    ['a device id byte outside the alphabet', (b: Uint8Array) => setByte(b, 1, 0x61)],
  ])('decode rejects %s', (_, mutate) => {
    expect(() => decodeReading(mutate(encodeReading(base)))).toThrow(expect.objectContaining({ code: 'INVALID_READING' }));
  });
});

describe('reading field accessors', () => {
  const bytes = encodeReading(base);
  const signed = new Uint8Array([...bytes, ...new Uint8Array(64).fill(0xab)]);

  it('the layout tiles the 43 bytes without gaps or overlaps', () => {
    const fields = Object.values(READING_LAYOUT).sort((a, b) => a.offset - b.offset);
    let next = 0;
    for (const f of fields) {
      expect(f.offset).toBe(next);
      next = f.offset + f.length;
    }
    expect(next).toBe(READING_LENGTH);
  });

  it('read the fields of a reading and of a signed reading', () => {
    for (const b of [bytes, signed]) {
      expect(readingDeviceId(b)).toBe('SOLR_0001');
      expect(readingCounter(b)).toBe(1n);
      expect(readingTimestamp(b)).toBe(1767225610n);
      expect(toHex(readingFieldBytes(b, 'powerW'))).toBe('0x000005f0');
    }
  });

  it('name the counter even when it is beyond 2^53 (decodeReading refuses it)', () => {
    const big = bytes.slice();
    readingFieldBytes(big, 'counter').fill(0xff);
    expect(readingCounter(big)).toBe(2n ** 64n - 1n);
    expect(() => decodeReading(big)).toThrow(expect.objectContaining({ code: 'INVALID_READING' }));
  });

  it('refuse fewer than 43 bytes and a device id outside the pattern', () => {
    expect(() => readingCounter(bytes.subarray(0, 42))).toThrow(expect.objectContaining({ code: 'INVALID_READING' }));
    const bad = bytes.slice();
    bad[READING_LAYOUT.deviceId.offset] = 0x61;
    expect(() => readingDeviceId(bad)).toThrow(expect.objectContaining({ code: 'INVALID_READING', details: { field: 'deviceId' } }));
  });
});
