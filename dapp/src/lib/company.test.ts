import { decodeProfileDocument, ProfileWrongPassphraseError, PROFILE_KDF_MIN_ITERATIONS } from '@gridproof/protocol';
import { describe, expect, it } from 'vitest';
import { checkNewPassphrase, emptyProfileForm, formFromProfile, openProfile, profileFromForm, sealProfile, type ProfileForm } from './company.js';
import { CidMismatchError, InvalidFormError } from './errors.js';

const form: ProfileForm = {
  ...emptyProfileForm(),
  name: 'Solarpark Nord',
  legalForm: 'GmbH',
  registrationNumber: 'HRB 123456 B',
  street: 'Hafenstraße 1',
  postalCode: '20457',
  city: 'Hamburg',
  country: 'de',
  contactEmail: 'energie@solarpark-nord.example',
  annualProductionKwh: '1 250 000',
  annualConsumptionKwh: '48000',
  smartMeterIds: 'solr_0101, HOUS_0007\nSOLR_0102',
};

function fieldOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidFormError);
    return (e as InvalidFormError).field;
  }
  throw new Error('no error');
}

describe('company profile form', () => {
  it('turns the form into a checked profile: kWh as integers, meter ids upper-cased, country upper-cased, empty website left out', () => {
    const profile = profileFromForm(form);
    expect(profile).toEqual({
      name: 'Solarpark Nord',
      legalForm: 'GmbH',
      registrationNumber: 'HRB 123456 B',
      address: { street: 'Hafenstraße 1', postalCode: '20457', city: 'Hamburg' },
      country: 'DE',
      contactEmail: 'energie@solarpark-nord.example',
      annualProductionKwh: 1_250_000,
      annualConsumptionKwh: 48_000,
      smartMeterIds: ['SOLR_0101', 'HOUS_0007', 'SOLR_0102'],
    });
    expect(profileFromForm(formFromProfile(profile))).toEqual(profile);
  });

  it('names the input of a bad field', () => {
    expect(fieldOf(() => profileFromForm({ ...form, annualProductionKwh: '12.5' }))).toBe('annualProductionKwh');
    expect(fieldOf(() => profileFromForm({ ...form, annualConsumptionKwh: '' }))).toBe('annualConsumptionKwh');
    expect(fieldOf(() => profileFromForm({ ...form, city: ' ' }))).toBe('city');
    expect(fieldOf(() => profileFromForm({ ...form, contactEmail: 'nobody' }))).toBe('contactEmail');
    expect(fieldOf(() => profileFromForm({ ...form, smartMeterIds: 'SOLR_0101 SOLR_01' }))).toBe('smartMeterIds');
    expect(fieldOf(() => profileFromForm({ ...form, smartMeterIds: 'SOLR_0101 solr_0101' }))).toBe('smartMeterIds');
    expect(fieldOf(() => profileFromForm({ ...form, website: 'ftp://x.example' }))).toBe('website');
  });

  it('the passphrase is typed twice and has at least 12 characters', () => {
    expect(checkNewPassphrase('correct horse battery', 'correct horse battery')).toBe('correct horse battery');
    expect(fieldOf(() => checkNewPassphrase('short', 'short'))).toBe('passphrase');
    expect(fieldOf(() => checkNewPassphrase('correct horse battery', 'correct horse batterY'))).toBe('passphraseRepeat');
  });
});

describe('sealed profile', () => {
  it('encrypts under 600,000 PBKDF2 rounds, the CID is the bytes own; it opens with the passphrase and refuses a wrong one', async () => {
    const profile = profileFromForm(form);
    const sealed = await sealProfile(profile, 'correct horse battery');
    const doc = decodeProfileDocument(sealed.bytes);
    expect(doc.kdf.iterations).toBe(PROFILE_KDF_MIN_ITERATIONS);
    // Nothing sensitive in the pinned bytes.
    const text = new TextDecoder().decode(sealed.bytes);
    for (const secret of ['1250000', 'SOLR_0101', 'Solarpark', 'Hamburg']) expect(text).not.toContain(secret);
    expect(sealed.cid).toMatch(/^bagu/);

    expect(await openProfile(sealed.cid, sealed.bytes, 'correct horse battery')).toEqual(profile);
    await expect(openProfile(sealed.cid, sealed.bytes, 'correct horse batterY')).rejects.toBeInstanceOf(ProfileWrongPassphraseError);
    // A gateway serving another document under the identity's CID is caught before decrypting.
    const other = await sealProfile(profile, 'correct horse battery');
    await expect(openProfile(sealed.cid, other.bytes, 'correct horse battery')).rejects.toBeInstanceOf(CidMismatchError);
  });
});
