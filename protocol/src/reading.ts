import { bytesToUint, equalBytes, uintToBytes } from './bytes.js';
import { InvalidDeviceIdError, InvalidReadingError } from './errors.js';

/**
 * Reading layout v1: 43 bytes, big-endian, fixed offsets. Mirrored byte for byte in
 * contracts/src/libraries/ReadingCodec.sol and firmware/esp32 (checked by test-vectors/).
 *
 * | offset | size | field                                       |
 * |-------:|-----:|---------------------------------------------|
 * |      0 |    1 | layout version, 0x01                        |
 * |      1 |    9 | device id, ASCII `XXXX_ZZZZ`                |
 * |     10 |    8 | counter, strictly increasing per device     |
 * |     18 |    8 | timestamp, unix seconds (UTC)               |
 * |     26 |    4 | power, W                                    |
 * |     30 |    8 | cumulative energy, Wh                       |
 * |     38 |    4 | voltage, mV                                 |
 * |     42 |    1 | status: 0 OFF, 1 ON                         |
 */
export const READING_VERSION = 1;
export const READING_LENGTH = 43;
export const DEVICE_ID_LENGTH = 9;

/** Offset and length of each field of a v1 reading (the table above); the only place these numbers live. */
export const READING_LAYOUT = {
  version: { offset: 0, length: 1 },
  deviceId: { offset: 1, length: DEVICE_ID_LENGTH },
  counter: { offset: 10, length: 8 },
  timestamp: { offset: 18, length: 8 },
  powerW: { offset: 26, length: 4 },
  energyWh: { offset: 30, length: 8 },
  voltageMv: { offset: 38, length: 4 },
  status: { offset: 42, length: 1 },
} as const;
export type ReadingField = keyof typeof READING_LAYOUT;

/** Counters, timestamps and energy travel as JSON numbers in batch documents, so they stay below 2^53. */
export const MAX_SAFE_UINT = BigInt(Number.MAX_SAFE_INTEGER);

export const DEVICE_ID_PATTERN = /^[A-Z0-9]{4}_[0-9]{4}$/;

export type ReadingStatus = 'ON' | 'OFF';

export interface Reading {
  /** `XXXX_ZZZZ`: sector code (4 of A-Z, 0-9), underscore, number (4 digits). */
  deviceId: string;
  /** Strictly increasing per device; never reused, also across reboots. */
  counter: number;
  /** Unix seconds, UTC. */
  timestamp: number;
  /** Instantaneous power, W. */
  powerW: number;
  /** Cumulative energy register, Wh. Never decreases. */
  energyWh: number;
  /** Voltage, mV. */
  voltageMv: number;
  status: ReadingStatus;
}

export function assertDeviceId(deviceId: string): void {
  if (typeof deviceId !== 'string' || !DEVICE_ID_PATTERN.test(deviceId)) throw new InvalidDeviceIdError(String(deviceId));
}

/** Device id as the 9 ASCII bytes used in readings and as Solidity `bytes9`. */
export function deviceIdToBytes(deviceId: string): Uint8Array {
  assertDeviceId(deviceId);
  return new TextEncoder().encode(deviceId);
}

export function deviceIdFromBytes(bytes: Uint8Array): string {
  let id = '';
  for (const b of bytes) id += String.fromCharCode(b);
  assertDeviceId(id);
  return id;
}

function checkUint(name: string, value: number, max: bigint): void {
  if (!Number.isSafeInteger(value) || value < 0 || BigInt(value) > max) {
    throw new InvalidReadingError(`${name} must be an integer between 0 and ${max}, got ${value}.`, { field: name, value });
  }
}

/**
 * Encodes a reading in layout v1.
 * @example encodeReading({ deviceId: 'SOLR_0001', counter: 1, timestamp: 1767225600, powerW: 1500, energyWh: 42, voltageMv: 230000, status: 'ON' })
 */
export function encodeReading(reading: Reading): Uint8Array {
  const id = deviceIdToBytes(reading.deviceId);
  checkUint('counter', reading.counter, MAX_SAFE_UINT);
  checkUint('timestamp', reading.timestamp, MAX_SAFE_UINT);
  checkUint('powerW', reading.powerW, 0xffffffffn);
  checkUint('energyWh', reading.energyWh, MAX_SAFE_UINT);
  checkUint('voltageMv', reading.voltageMv, 0xffffffffn);
  if (reading.status !== 'ON' && reading.status !== 'OFF') {
    throw new InvalidReadingError(`status must be "ON" or "OFF", got ${JSON.stringify(reading.status)}.`, { field: 'status' });
  }
  const out = new Uint8Array(READING_LENGTH);
  const put = (field: ReadingField, bytes: Uint8Array) => out.set(bytes, READING_LAYOUT[field].offset);
  const putUint = (field: ReadingField, value: number) => put(field, uintToBytes(value, READING_LAYOUT[field].length));
  putUint('version', READING_VERSION);
  put('deviceId', id);
  putUint('counter', reading.counter);
  putUint('timestamp', reading.timestamp);
  putUint('powerW', reading.powerW);
  putUint('energyWh', reading.energyWh);
  putUint('voltageMv', reading.voltageMv);
  putUint('status', reading.status === 'ON' ? 1 : 0);
  return out;
}

/**
 * The bytes of one field of a v1 reading (a view, not a copy). `bytes` is a reading or anything that
 * starts with one (a signed reading); nothing else is checked, so decode the reading to trust it.
 * @example readingFieldBytes(signed, 'counter') // 8 bytes, big-endian
 */
export function readingFieldBytes(bytes: Uint8Array, field: ReadingField): Uint8Array {
  if (bytes.length < READING_LENGTH) {
    throw new InvalidReadingError(`A v1 reading is ${READING_LENGTH} bytes, got ${bytes.length}.`, { length: bytes.length, field });
  }
  const { offset, length } = READING_LAYOUT[field];
  return bytes.subarray(offset, offset + length);
}

/**
 * The device id of a reading (or signed reading), checked against `XXXX_ZZZZ`; throws INVALID_READING otherwise.
 * @example readingDeviceId(signed) // 'SOLR_0001'
 */
export function readingDeviceId(bytes: Uint8Array): string {
  const idBytes = readingFieldBytes(bytes, 'deviceId');
  try {
    return deviceIdFromBytes(idBytes);
  } catch {
    throw new InvalidReadingError('Device id bytes are not of the form XXXX_ZZZZ.', { field: 'deviceId' });
  }
}

/**
 * The raw counter of a reading (or signed reading) as a u64, even when other fields are invalid
 * (so an error can name it); `decodeReading` refuses counters above 2^53-1.
 * @example readingCounter(signed) // 42n
 */
export function readingCounter(bytes: Uint8Array): bigint {
  return bytesToUint(readingFieldBytes(bytes, 'counter'));
}

/**
 * The raw timestamp (unix seconds, u64) of a reading (or signed reading), without decoding the rest.
 * @example readingTimestamp(signed) // 1767225610n
 */
export function readingTimestamp(bytes: Uint8Array): bigint {
  return bytesToUint(readingFieldBytes(bytes, 'timestamp'));
}

function safe(name: string, bytes: Uint8Array): number {
  const v = bytesToUint(bytes);
  if (v > MAX_SAFE_UINT) throw new InvalidReadingError(`${name} ${v} exceeds 2^53-1.`, { field: name });
  return Number(v);
}

/** Decodes layout v1 bytes; rejects any other length, version, device id or status byte. */
export function decodeReading(bytes: Uint8Array): Reading {
  if (bytes.length !== READING_LENGTH) {
    throw new InvalidReadingError(`A v1 reading is ${READING_LENGTH} bytes, got ${bytes.length}.`, { length: bytes.length });
  }
  const field = (name: ReadingField) => readingFieldBytes(bytes, name);
  const version = field('version')[0];
  if (version !== READING_VERSION) {
    throw new InvalidReadingError(`Unknown reading layout version ${version}.`, { version });
  }
  const deviceId = readingDeviceId(bytes);
  const statusByte = field('status')[0];
  if (statusByte > 1) throw new InvalidReadingError(`Status byte must be 0 or 1, got ${statusByte}.`, { field: 'status' });
  const reading: Reading = {
    deviceId,
    counter: safe('counter', field('counter')),
    timestamp: safe('timestamp', field('timestamp')),
    powerW: Number(bytesToUint(field('powerW'))),
    energyWh: safe('energyWh', field('energyWh')),
    voltageMv: Number(bytesToUint(field('voltageMv'))),
    status: statusByte === 1 ? 'ON' : 'OFF',
  };
  // Canonical: decoding then encoding gives the same bytes (no hidden variants).
  if (!equalBytes(encodeReading(reading), bytes)) throw new InvalidReadingError('Reading bytes are not canonical.');
  return reading;
}
