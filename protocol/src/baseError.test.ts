import { describe, expect, it } from 'vitest';
import { GridProofError, walkCause } from './baseError.js';
import { InvalidReadingError, ProtocolError } from './errors.js';
import { asErrorBody, isApiErrorCode } from './errorBody.js';
import { errorsTopic, parseTopic, readingsTopic } from './topics.js';

describe('GridProofError', () => {
  it('carries code, shortMessage, details and cause, and walks the cause chain', () => {
    const root = new Error('socket hang up');
    const mid = new InvalidReadingError('bad bytes', { length: 3 });
    const top = new GridProofError('OUTER', 'outer failed', { cause: Object.assign(mid, { cause: root }) });
    expect(top.code).toBe('OUTER');
    expect(top.shortMessage).toBe('outer failed');
    expect(top.walk()).toBe(root);
    expect(top.walk((e) => e instanceof ProtocolError)).toBe(mid);
    expect(top.walk((e) => (e as Error).message === 'nothing')).toBeNull();
    expect(mid.details).toEqual({ length: 3 });
    expect(mid.name).toBe('InvalidReadingError');
    expect(mid).toBeInstanceOf(GridProofError);
  });

  it('walkCause stops on cycles', () => {
    const a: { cause?: unknown } = {};
    const b = { cause: a };
    a.cause = b;
    expect(walkCause(a, () => false)).toBeNull();
  });
});

describe('error body and topics', () => {
  it('recognises API codes and error bodies', () => {
    expect(isApiErrorCode('BAD_SIGNATURE')).toBe(true);
    expect(isApiErrorCode('bad_signature')).toBe(false);
    expect(asErrorBody({ error: { code: 'X', message: 'm' } })).toEqual({ error: { code: 'X', message: 'm' } });
    expect(asErrorBody({ error: { code: 1 } })).toBeUndefined();
    expect(asErrorBody(null)).toBeUndefined();
  });

  it('builds and parses device topics', () => {
    expect(readingsTopic('SOLR_0001')).toBe('gridproof/v1/devices/SOLR_0001/readings');
    expect(parseTopic(errorsTopic('SOLR_0001'))).toEqual({ deviceId: 'SOLR_0001', kind: 'errors', valid: true });
    expect(parseTopic('gridproof/v1/devices/bad/readings')).toEqual({ deviceId: 'bad', kind: 'readings', valid: false });
    expect(parseTopic('gridproof/v1/other')).toBeUndefined();
  });
});

describe('decodeRegistryEntry', async () => {
  const { decodeRegistryEntry } = await import('./registry.js');
  it('maps zeroed entries to undefined and keys to bytes', () => {
    expect(decodeRegistryEntry({ keyType: 0, publicKey: '0x', revokedAt: 0n })).toBeUndefined();
    const k = decodeRegistryEntry({ keyType: 2, publicKey: `0x${'ab'.repeat(32)}`, revokedAt: 0n });
    expect(k?.keyType).toBe(2);
    expect(k?.publicKey.length).toBe(32);
    expect(k?.active).toBe(true);
    expect(k?.revokedAt).toBe(0);
    const revoked = decodeRegistryEntry({ keyType: 2, publicKey: `0x${'ab'.repeat(32)}`, revokedAt: 1767225600n });
    expect(revoked).toMatchObject({ active: false, revokedAt: 1767225600 });
  });
  it('refuses unknown key types and wrong lengths', () => {
    expect(() => decodeRegistryEntry({ keyType: 3, publicKey: '0x', revokedAt: 0 })).toThrow(/key type 3/);
    expect(() => decodeRegistryEntry({ keyType: 1, publicKey: `0x${'ab'.repeat(32)}`, revokedAt: 0 })).toThrow(/32 bytes; expected 64/);
  });
});
