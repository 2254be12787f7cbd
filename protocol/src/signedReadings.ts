import { InvalidSignedReadingsError } from './errors.js';
import { SIGNED_READING_LENGTH } from './signature.js';

/**
 * The signed-readings concatenation: what an MQTT readings message and a gateway frame carry.
 * N ≥ 1 signed readings of 107 bytes (43 reading ‖ 64 signature) back to back, no header, no
 * separator; N = length / 107. Each piece is then decoded with `decodeSignedReading`.
 * @example concatSignedReadings([signedA, signedB]) // 214 bytes
 */
export function concatSignedReadings(signedReadings: readonly Uint8Array[]): Uint8Array {
  if (signedReadings.length === 0)
    throw new InvalidSignedReadingsError('A signed-readings payload holds at least one reading.', { reason: 'EMPTY', length: 0 });
  const out = new Uint8Array(signedReadings.length * SIGNED_READING_LENGTH);
  signedReadings.forEach((signed, index) => {
    if (signed.length !== SIGNED_READING_LENGTH) {
      throw new InvalidSignedReadingsError(`Signed reading ${index} is ${signed.length} bytes, not ${SIGNED_READING_LENGTH}.`, {
        reason: 'NOT_SIGNED_READING',
        length: signed.length,
        index,
      });
    }
    out.set(signed, index * SIGNED_READING_LENGTH);
  });
  return out;
}

/** How many signed readings a payload of `length` bytes holds, or the refusal (empty, or a truncated last reading). */
export function signedReadingsCount(length: number): number {
  if (length === 0) throw new InvalidSignedReadingsError('The payload has no readings.', { reason: 'EMPTY', length });
  if (length % SIGNED_READING_LENGTH !== 0) {
    const whole = Math.floor(length / SIGNED_READING_LENGTH);
    throw new InvalidSignedReadingsError(
      `Payload is ${length} bytes, not a multiple of ${SIGNED_READING_LENGTH} (signed readings back to back): reading ${whole} is truncated to ${length % SIGNED_READING_LENGTH} bytes.`,
      { reason: 'TRUNCATED', length, index: whole, trailing: length % SIGNED_READING_LENGTH },
    );
  }
  return length / SIGNED_READING_LENGTH;
}

/**
 * Splits a signed-readings concatenation into its 107-byte signed readings (copies, in order).
 * Throws {@link InvalidSignedReadingsError} (`INVALID_SIGNED_READINGS`, `details.reason` EMPTY or
 * TRUNCATED) on an empty payload or one that is not a whole number of signed readings. It does not
 * decode them: `decodeSignedReading` does, with its own errors.
 * @example splitSignedReadings(payload).map(decodeSignedReading)
 */
export function splitSignedReadings(payload: Uint8Array): Uint8Array[] {
  const count = signedReadingsCount(payload.length);
  return Array.from({ length: count }, (_, i) => payload.slice(i * SIGNED_READING_LENGTH, (i + 1) * SIGNED_READING_LENGTH));
}
