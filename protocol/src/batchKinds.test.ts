import * as dagJson from '@ipld/dag-json';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeWindowDocument, encodeWindowDocument, READINGS_BATCH_KIND } from './batch.js';
import { batchKindOf, batchKinds, parseWindowDocument } from './batchKinds.js';
import { fromHex } from './bytes.js';
import { InvalidWindowDocumentError, type WindowDocumentProblem } from './errors.js';

const vector = JSON.parse(readFileSync(new URL('../test-vectors/window.json', import.meta.url), 'utf8'));
const bytes = fromHex(vector.document);

/** A document as an untyped object: the tests break it into any shape. */
// biome-ignore lint/suspicious/noExplicitAny: mutations must reach any key, typed or not
type Loose = Record<string, any>;

/** The vector document as a plain mutable object, changed by `change`, re-encoded canonically. */
function changed(change: (doc: Loose) => void): Uint8Array {
  const doc = dagJson.decode<Loose>(bytes);
  change(doc);
  return dagJson.encode(doc);
}

/** What parseWindowDocument throws for `input`, asserted to be an InvalidWindowDocumentError. */
function refusal(input: Uint8Array): InvalidWindowDocumentError {
  expect(() => parseWindowDocument(input)).toThrow(InvalidWindowDocumentError);
  return (() => {
    try {
      return parseWindowDocument(input);
    } catch (err) {
      return err;
    }
  })() as InvalidWindowDocumentError;
}

describe('parseWindowDocument', () => {
  it('accepts the vector document, of kind "readings", equal to the loose decode', () => {
    const doc = parseWindowDocument(bytes);
    expect(doc.kind).toBe(READINGS_BATCH_KIND);
    expect(doc).toEqual(decodeWindowDocument(bytes));
    expect(encodeWindowDocument(doc)).toEqual(bytes);
  });

  it.each<[string, (d: Loose) => void, WindowDocumentProblem, string, string]>([
    ['an unknown top-level key', (d) => (d.note = 'x'), 'UNKNOWN_KEY', 'note', 'unknown key "note"'],
    ['an unknown key in a device batch', (d) => (d.devices[1].bonusWh = 1), 'UNKNOWN_KEY', 'devices[1].bonusWh', 'devices[1] has unknown key "bonusWh"'],
    ['a missing top-level key', (d) => delete d.energyWh, 'MISSING_KEY', 'energyWh', 'missing key "energyWh"'],
    [
      'a missing baseline (null is required, not absence)',
      (d) => delete d.devices[2].baseline,
      'MISSING_KEY',
      'devices[2].baseline',
      'devices[2] is missing key "baseline"',
    ],
    ['a missing kind', (d) => delete d.kind, 'MISSING_KEY', 'kind', 'missing key "kind"'],
    ['a number as a string', (d) => (d.windowStart = String(d.windowStart)), 'WRONG_TYPE', 'windowStart', 'windowStart must be a non-negative integer'],
    ['a negative count', (d) => (d.devices[0].readingCount = -1), 'WRONG_TYPE', 'devices[0].readingCount', 'non-negative integer, got -1'],
    ['a fractional energy', (d) => (d.energyWh = 1.5), 'WRONG_TYPE', 'energyWh', 'must be an integer, got 1.5'],
    ['readings that are not an array', (d) => (d.devices[0].readings = 'x'), 'WRONG_TYPE', 'devices[0].readings', 'must be an array'],
    ['a reading that is not a string', (d) => (d.devices[0].readings[2] = 7), 'WRONG_TYPE', 'devices[0].readings[2]', 'must be a string'],
    ['a baseline of the wrong type', (d) => (d.devices[1].baseline = 0), 'WRONG_TYPE', 'devices[1].baseline', 'a string or null'],
    ['a device batch that is not an object', (d) => (d.devices[0] = []), 'WRONG_TYPE', 'devices[0]', 'devices[0] is not an object'],
    ['an unknown kind', (d) => (d.kind = 'grid-status'), 'UNKNOWN_KIND', 'kind', 'Unknown batch kind "grid-status"'],
    ['another version', (d) => (d.version = 2), 'UNSUPPORTED_VERSION', 'version', 'version 2 is not supported'],
  ])('refuses %s, naming the key', (_, change, reason, position, message) => {
    const err = refusal(changed(change));
    expect(err.code).toBe('INVALID_WINDOW_DOCUMENT');
    expect(err.reason).toBe(reason);
    expect(err.details).toMatchObject({ reason, position });
    expect(err.shortMessage).toContain(message);
  });

  it('accepts a negative energy difference (well-formed; the verifier refuses it as energy going down)', () => {
    expect(parseWindowDocument(changed((d) => (d.devices[0].energyWh = -5))).devices[0].energyWh).toBe(-5);
  });

  it('refuses bytes that are not canonical DAG-JSON before looking at keys', () => {
    const spaced = new TextEncoder().encode(JSON.stringify(JSON.parse(new TextDecoder().decode(bytes)), null, 1));
    expect(refusal(spaced).reason).toBe('NOT_CANONICAL');
    expect(refusal(new TextEncoder().encode('{"devices":')).reason).toBe('NOT_DAG_JSON');
  });
});

describe('batchKinds', () => {
  it('registers the readings kind, whose builder gives the vector document', () => {
    expect(Object.keys(batchKinds)).toEqual(['readings']);
    const doc = decodeWindowDocument(bytes);
    const rebuilt = batchKinds.readings.build({
      windowStart: doc.windowStart,
      windowSeconds: doc.windowSeconds,
      input: doc.devices.map((d) => ({ deviceId: d.deviceId, readings: d.readings.map((r) => fromHex(r)), baseline: d.baseline ? fromHex(d.baseline) : null })),
    });
    expect(encodeWindowDocument(rebuilt)).toEqual(bytes);
  });

  it('refuses an unknown kind, and names of Object.prototype, with UNKNOWN_KIND', () => {
    for (const kind of ['grid-status', 'toString', '__proto__', 7, undefined]) {
      expect(() => batchKindOf(kind)).toThrow(expect.objectContaining({ code: 'INVALID_WINDOW_DOCUMENT', reason: 'UNKNOWN_KIND' }));
    }
  });
});
