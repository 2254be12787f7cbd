import { describe, expect, it } from 'vitest';
import vectors from '../test-vectors/devices.json' with { type: 'json' };
import { SECTORS, assertCertifiableDeviceId, isKnownSector, isValidAtRevocation } from './devices.js';

describe('sector table', () => {
  it('accepts every certifiable id of the shared vectors and refuses each refused one with its code', () => {
    expect(vectors.sectors).toEqual(Object.keys(SECTORS));
    for (const id of vectors.certifiable) expect(() => assertCertifiableDeviceId(id)).not.toThrow();
    for (const { id, reason } of vectors.refused) expect(() => assertCertifiableDeviceId(id), id).toThrow(expect.objectContaining({ code: reason }));
  });
  it('knows only four-letter upper-case codes', () => {
    for (const code of Object.keys(SECTORS)) expect(code).toMatch(/^[A-Z]{4}$/);
    expect(isKnownSector('SOLR')).toBe(true);
    expect(isKnownSector('solr')).toBe(false);
    expect(isKnownSector('toString')).toBe(false);
  });
});

describe('isValidAtRevocation', () => {
  it('counts readings before the revocation and none from it on', () => {
    expect(isValidAtRevocation(0, 2n ** 63n)).toBe(true);
    expect(isValidAtRevocation(1000, 999)).toBe(true);
    expect(isValidAtRevocation(1000, 1000)).toBe(false);
    expect(isValidAtRevocation(1000n, 1001)).toBe(false);
  });
});
