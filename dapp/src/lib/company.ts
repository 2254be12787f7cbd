import {
  decodeProfileDocument,
  decryptProfile,
  encodeProfileDocument,
  encryptProfile,
  InvalidProfileError,
  parseCompanyProfile,
  profileDocumentCid,
  type CompanyProfile,
  type EncryptProfileOptions,
} from '@gridproof/protocol';
import { CidMismatchError, InvalidFormError } from './errors.js';

/**
 * The Company page's pure parts: the profile form and the passphrase rules, the encrypted document as pinned, and
 * reading a pinned profile back (CID checked, decrypted locally). The passphrase never leaves these functions.
 */

/** The form's fields, as the inputs hold them (strings). Names match the inputs' `name`. */
export interface ProfileForm {
  name: string;
  legalForm: string;
  registrationNumber: string;
  street: string;
  postalCode: string;
  city: string;
  country: string;
  contactEmail: string;
  website: string;
  annualProductionKwh: string;
  annualConsumptionKwh: string;
  /** Device ids separated by commas, spaces or new lines. */
  smartMeterIds: string;
}

export const emptyProfileForm = (): ProfileForm => ({
  name: '',
  legalForm: '',
  registrationNumber: '',
  street: '',
  postalCode: '',
  city: '',
  country: '',
  contactEmail: '',
  website: '',
  annualProductionKwh: '',
  annualConsumptionKwh: '',
  smartMeterIds: '',
});

/** The profile field an error names → the form input that holds it. */
const FORM_FIELD: Record<string, keyof ProfileForm> = { 'address.street': 'street', 'address.postalCode': 'postalCode', 'address.city': 'city' };

function wholeKwh(value: string, field: keyof ProfileForm, label: string): number {
  const text = value.trim().replace(/[\s_]/g, '');
  if (!/^[0-9]+$/.test(text)) throw new InvalidFormError(field, `${label}: a whole number of kWh (digits only), got "${value}".`);
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new InvalidFormError(field, `${label}: ${text} kWh is too large.`);
  return n;
}

/**
 * The profile the form describes, checked by protocol's `parseCompanyProfile`; a bad field throws
 * {@link InvalidFormError} naming the input (smart-meter ids are upper-cased; an empty website is left out).
 * @example const profile = profileFromForm(form)
 */
export function profileFromForm(form: ProfileForm): CompanyProfile {
  const meters = form.smartMeterIds
    .split(/[\s,;]+/)
    .map((m) => m.trim().toUpperCase())
    .filter(Boolean);
  const candidate = {
    name: form.name.trim(),
    legalForm: form.legalForm.trim(),
    registrationNumber: form.registrationNumber.trim(),
    address: { street: form.street.trim(), postalCode: form.postalCode.trim(), city: form.city.trim() },
    country: form.country.trim().toUpperCase(),
    contactEmail: form.contactEmail.trim(),
    ...(form.website.trim() ? { website: form.website.trim() } : {}),
    annualProductionKwh: wholeKwh(form.annualProductionKwh, 'annualProductionKwh', 'Annual production'),
    annualConsumptionKwh: wholeKwh(form.annualConsumptionKwh, 'annualConsumptionKwh', 'Annual consumption'),
    smartMeterIds: meters,
  };
  try {
    return parseCompanyProfile(candidate);
  } catch (error) {
    if (error instanceof InvalidProfileError) {
      const field = String(error.details?.field ?? '');
      const input = FORM_FIELD[field] ?? (field.replace(/\[\d+\]$/, '') as keyof ProfileForm);
      throw new InvalidFormError(input, error.shortMessage, { cause: error });
    }
    throw error;
  }
}

/** The form showing a decrypted profile (to edit it). */
export function formFromProfile(p: CompanyProfile): ProfileForm {
  return {
    name: p.name,
    legalForm: p.legalForm,
    registrationNumber: p.registrationNumber,
    street: p.address.street,
    postalCode: p.address.postalCode,
    city: p.address.city,
    country: p.country,
    contactEmail: p.contactEmail,
    website: p.website ?? '',
    annualProductionKwh: String(p.annualProductionKwh),
    annualConsumptionKwh: String(p.annualConsumptionKwh),
    smartMeterIds: p.smartMeterIds.join(', '),
  };
}

/** Shortest passphrase the page accepts: the key is only as strong as it (PBKDF2 slows guessing, it cannot add entropy). */
export const MIN_PASSPHRASE_LENGTH = 12;

/** The passphrase typed twice: equal, and at least {@link MIN_PASSPHRASE_LENGTH} characters. */
export function checkNewPassphrase(passphrase: string, repeat: string): string {
  if (passphrase.length < MIN_PASSPHRASE_LENGTH) {
    throw new InvalidFormError('passphrase', `The passphrase needs at least ${MIN_PASSPHRASE_LENGTH} characters (it has ${passphrase.length}).`);
  }
  if (passphrase !== repeat) throw new InvalidFormError('passphraseRepeat', 'The two passphrases differ: type the same passphrase twice.');
  return passphrase;
}

/** An encrypted profile ready to pin: the canonical bytes and the CID they hash to. */
export interface SealedProfile {
  bytes: Uint8Array;
  cid: string;
}

/**
 * Encrypts the profile in this browser (AES-256-GCM under PBKDF2-SHA256 of the passphrase, protocol's format).
 * @example const { bytes, cid } = await sealProfile(profile, passphrase)
 */
export async function sealProfile(profile: CompanyProfile, passphrase: string, options?: EncryptProfileOptions): Promise<SealedProfile> {
  const bytes = encodeProfileDocument(await encryptProfile(profile, passphrase, options));
  return { bytes, cid: profileDocumentCid(bytes).toString() };
}

/**
 * Reads a pinned profile: the bytes must hash to `cid` (the gateway is not trusted), then they are decoded and
 * decrypted here. A wrong passphrase throws protocol's `ProfileWrongPassphraseError`.
 * @example const profile = await openProfile(cid, await fetchBlock(gatewayUrl, cid), passphrase)
 */
export async function openProfile(cid: string, bytes: Uint8Array, passphrase: string): Promise<CompanyProfile> {
  const own = profileDocumentCid(bytes).toString();
  if (own !== cid) throw new CidMismatchError(`The gateway served bytes that hash to ${own}, not to the identity's ${cid}.`, { details: { cid, got: own } });
  return decryptProfile(decodeProfileDocument(bytes), passphrase);
}
