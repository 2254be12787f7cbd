import * as dagJson from '@ipld/dag-json';
import { beforeAll, describe, expect, it } from 'vitest';
import { windowDocumentCid } from './batch.js';
import { ProtocolError } from './errors.js';
import {
  type CompanyProfile,
  decodeProfileDocument,
  decryptProfile,
  type EncryptedProfileDocument,
  encodeProfileDocument,
  encryptProfile,
  PROFILE_FORMAT,
  parseCompanyProfile,
  profileDocumentCid,
} from './profile.js';

const profile: CompanyProfile = {
  name: 'Sonnenhof Energie',
  legalForm: 'GmbH',
  registrationNumber: 'HRB 987654 B',
  address: { street: 'Lindenstraße 42', postalCode: '10969', city: 'Berlin' },
  country: 'DE',
  contactEmail: 'betrieb@sonnenhof.example',
  website: 'https://sonnenhof.example',
  annualProductionKwh: 123_456_789,
  annualConsumptionKwh: 98_765_432,
  smartMeterIds: ['SOLR_0001', 'SOLR_0002', 'HOUS_0417'],
};
const passphrase = 'correct horse battery staple ☀';

/** Runs `fn` and returns the ProtocolError it threw (fails the test when it does not throw one). */
async function refusal(fn: () => unknown): Promise<ProtocolError> {
  try {
    await fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ProtocolError);
    return err as ProtocolError;
  }
  throw new Error('expected a ProtocolError');
}

const edit = (doc: EncryptedProfileDocument, patch: (d: EncryptedProfileDocument) => void): EncryptedProfileDocument => {
  const copy = structuredClone(doc);
  patch(copy);
  return copy;
};
/** Flips one bit of the byte at `index` of a base64 field. */
function flipBit(b64: string, index: number): string {
  const bytes = Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
  bytes[index] ^= 0x01;
  return btoa(String.fromCharCode(...bytes));
}

let doc: EncryptedProfileDocument;
let bytes: Uint8Array;
beforeAll(async () => {
  doc = await encryptProfile(profile, passphrase);
  bytes = encodeProfileDocument(doc);
});

describe('encryptProfile / decryptProfile (AES-256-GCM, PBKDF2-SHA256 600,000)', () => {
  it('decrypts with the right passphrase, from the pinned bytes', async () => {
    expect(doc.format).toBe(PROFILE_FORMAT);
    expect(doc.kdf).toMatchObject({ name: 'PBKDF2', hash: 'SHA-256', iterations: 600_000 });
    expect(atob(doc.kdf.salt)).toHaveLength(16);
    expect(atob(doc.cipher.iv)).toHaveLength(12);
    expect(await decryptProfile(decodeProfileDocument(bytes), passphrase)).toEqual(profile);
  });

  it('refuses a wrong passphrase with PROFILE_WRONG_PASSPHRASE, saying nothing about the contents', async () => {
    const err = await refusal(() => decryptProfile(doc, 'correct horse battery staple'));
    expect(err.code).toBe('PROFILE_WRONG_PASSPHRASE');
    expect(err.details).toBeUndefined();
    expect(err.message).not.toContain(profile.name);
  });

  it('the stored bytes contain none of the profile values', () => {
    const stored = new TextDecoder().decode(bytes);
    const values = [
      profile.name,
      profile.legalForm,
      profile.registrationNumber,
      profile.address.street,
      profile.address.postalCode,
      profile.address.city,
      profile.contactEmail,
      profile.website as string,
      'sonnenhof',
      ...profile.smartMeterIds,
      String(profile.annualProductionKwh),
      String(profile.annualConsumptionKwh),
      // Short values as they would appear in the JSON plaintext (base64 never holds a quote).
      JSON.stringify(profile.country),
      '"annualProductionKwh"',
      '"smartMeterIds"',
    ];
    for (const value of values) expect(stored.includes(value), value).toBe(false);
    // Nor in another spelling of the bytes: the latin-1 view (ß is two bytes in UTF-8).
    expect(String.fromCharCode(...bytes).includes('Lindenstra')).toBe(false);
    expect(Object.keys(dagJson.decode(bytes) as object).sort()).toEqual(['cipher', 'ciphertext', 'format', 'kdf']);
  });

  it('reads the KDF parameters from the document: 600,001 decrypts, the same document edited to 600,002 does not', async () => {
    const other = await encryptProfile(profile, passphrase, { iterations: 600_001 });
    expect(other.kdf.iterations).toBe(600_001);
    expect(other.kdf.salt).not.toBe(doc.kdf.salt);
    expect(other.cipher.iv).not.toBe(doc.cipher.iv);
    expect(await decryptProfile(decodeProfileDocument(encodeProfileDocument(other)), passphrase)).toEqual(profile);
    const edited = edit(other, (d) => {
      d.kdf.iterations = 600_002;
    });
    expect((await refusal(() => decryptProfile(edited, passphrase))).code).toBe('PROFILE_WRONG_PASSPHRASE');
  });

  it('a tampered ciphertext, tag, iv or salt fails like a wrong passphrase (GCM cannot tell them apart)', async () => {
    const tampered = [
      edit(doc, (d) => {
        d.ciphertext = flipBit(d.ciphertext, 0);
      }),
      edit(doc, (d) => {
        d.ciphertext = flipBit(d.ciphertext, atob(d.ciphertext).length - 1); // the tag
      }),
      edit(doc, (d) => {
        d.cipher.iv = flipBit(d.cipher.iv, 11);
      }),
      edit(doc, (d) => {
        d.kdf.salt = flipBit(d.kdf.salt, 0);
      }),
    ];
    for (const t of tampered) expect((await refusal(() => decryptProfile(t, passphrase))).code).toBe('PROFILE_WRONG_PASSPHRASE');
  });

  it('refuses a downgraded document (iterations < 600,000 or a short salt) with PROFILE_KDF_TOO_WEAK, before any work', async () => {
    const weak = edit(doc, (d) => {
      d.kdf.iterations = 599_999;
    });
    const started = performance.now();
    const err = await refusal(() => decryptProfile(weak, passphrase));
    expect(err).toMatchObject({ code: 'PROFILE_KDF_TOO_WEAK', details: { iterations: 599_999, minimumIterations: 600_000 } });
    expect(performance.now() - started).toBeLessThan(50);
    expect((await refusal(() => decodeProfileDocument(dagJson.encode(weak)))).code).toBe('PROFILE_KDF_TOO_WEAK');
    const shortSalt = edit(doc, (d) => {
      d.kdf.salt = btoa('12345678');
    });
    expect(await refusal(() => decryptProfile(shortSalt, passphrase))).toMatchObject({ code: 'PROFILE_KDF_TOO_WEAK', details: { saltBytes: 8 } });
    expect((await refusal(() => encryptProfile(profile, passphrase, { iterations: 100_000 }))).code).toBe('PROFILE_KDF_TOO_WEAK');
  });
});

describe('profile documents: canonical bytes, precise refusals', () => {
  it('encode → decode → encode gives the same bytes, and the CID is the dag-json CID of those bytes', () => {
    expect(decodeProfileDocument(bytes)).toEqual(doc);
    expect(encodeProfileDocument(decodeProfileDocument(bytes))).toEqual(bytes);
    expect(profileDocumentCid(bytes).toString()).toBe(windowDocumentCid(bytes).toString());
    expect(profileDocumentCid(bytes).code).toBe(0x0129);
  });

  it('refuses malformed bytes with INVALID_PROFILE_DOCUMENT and a reason', async () => {
    const json = JSON.parse(new TextDecoder().decode(bytes));
    const enc = (v: unknown) => new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v));
    const cases: [Uint8Array, string][] = [
      [enc('{"format":'), 'NOT_DAG_JSON'],
      [enc(JSON.stringify(json, null, 1)), 'NOT_CANONICAL'],
      [enc({ ...json, format: 'gridproof-company-profile/2' }), 'UNSUPPORTED_FORMAT'],
      [enc({ ...json, note: 'x' }), 'UNKNOWN_KEY'],
      [enc({ format: json.format, kdf: json.kdf, cipher: json.cipher }), 'MISSING_KEY'],
      [enc({ ...json, kdf: { ...json.kdf, hash: 'SHA-1' } }), 'UNSUPPORTED_KDF'],
      [enc({ ...json, kdf: { ...json.kdf, iterations: 1e9 } }), 'UNSUPPORTED_KDF'],
      [enc({ ...json, cipher: { ...json.cipher, name: 'AES-128-CBC' } }), 'UNSUPPORTED_CIPHER'],
      [enc({ ...json, cipher: { ...json.cipher, iv: `${json.cipher.iv.slice(0, -1)}!` } }), 'BAD_BASE64'],
      [enc({ ...json, cipher: { ...json.cipher, iv: btoa('0123456789abcdef') } }), 'BAD_LENGTH'],
      [enc({ ...json, kdf: { ...json.kdf, iterations: '600000' } }), 'WRONG_TYPE'],
    ];
    for (const [input, reason] of cases) {
      const err = await refusal(() => decodeProfileDocument(input));
      expect({ code: err.code, reason: err.details?.reason }).toEqual({ code: 'INVALID_PROFILE_DOCUMENT', reason });
    }
  });

  it('refuses a profile of the wrong shape with INVALID_PROFILE naming the field', async () => {
    const cases: [unknown, string][] = [
      [{ ...profile, contactEmail: 'not an address' }, 'contactEmail'],
      [{ ...profile, country: 'de' }, 'country'],
      [{ ...profile, website: 'javascript:alert(1)' }, 'website'],
      [{ ...profile, annualProductionKwh: 1.5 }, 'annualProductionKwh'],
      [{ ...profile, annualConsumptionKwh: -1 }, 'annualConsumptionKwh'],
      [{ ...profile, smartMeterIds: ['SOLR_0001', 'solar'] }, 'smartMeterIds[1]'],
      [{ ...profile, smartMeterIds: ['SOLR_0001', 'SOLR_0001'] }, 'smartMeterIds[1]'],
      [{ ...profile, address: { ...profile.address, city: ' ' } }, 'address.city'],
      [{ ...profile, iban: 'DE00' }, 'iban'],
    ];
    for (const [value, field] of cases) {
      const err = await refusal(() => parseCompanyProfile(value));
      expect({ code: err.code, field: err.details?.field }).toEqual({ code: 'INVALID_PROFILE', field });
    }
    expect((await refusal(() => encryptProfile({ ...profile, country: 'Germany' }, passphrase))).code).toBe('INVALID_PROFILE');
    expect(await refusal(() => decryptProfile(doc, ''))).toMatchObject({ code: 'INVALID_PROFILE', details: { field: 'passphrase' } });
    const { website: _, ...withoutWebsite } = profile;
    expect(parseCompanyProfile(withoutWebsite)).toEqual(withoutWebsite);
  });
});
