import * as dagJson from '@ipld/dag-json';
import type { CID } from 'multiformats/cid';
import { windowDocumentCid } from './batch.js';
import { equalBytes } from './bytes.js';
import { ProtocolError } from './errors.js';
import { DEVICE_ID_PATTERN } from './reading.js';

/**
 * The encrypted company profile (issue 9): what a company pins to IPFS and points its identity token at
 * (`ipfs://CID`). Encrypted in the browser; the passphrase and the key never leave it. Runs on WebCrypto
 * only (`globalThis.crypto.subtle`: browsers, Node ≥ 20, Deno).
 *
 * Document (canonical DAG-JSON: sorted keys, no whitespace; CIDv1 dag-json sha2-256 like a window document):
 * `{ format: 'gridproof-company-profile/1', kdf: { name: 'PBKDF2', hash: 'SHA-256', iterations, salt },
 *    cipher: { name: 'AES-256-GCM', iv }, ciphertext }`. Binary fields are standard base64 with padding
 * (RFC 4648 §4): salt 16 bytes, iv 12 bytes, ciphertext = AES-GCM output with its 16-byte tag appended.
 * The key is PBKDF2-HMAC-SHA256(NFC(passphrase), salt, iterations) → 256 bits. The header (the document
 * without `ciphertext`, canonically encoded) is the GCM additional data, so editing any header field fails
 * decryption exactly like a wrong passphrase. The plaintext is the canonical DAG-JSON of the {@link CompanyProfile}.
 */

export const PROFILE_FORMAT = 'gridproof-company-profile/1';
/** OWASP's floor for PBKDF2-HMAC-SHA256 (2023); documents stating fewer are refused (a downgrade). */
export const PROFILE_KDF_MIN_ITERATIONS = 600_000;
export const PROFILE_KDF_DEFAULT_ITERATIONS = 600_000;
/** Above this a document is refused before any work: a planted document must not freeze the reader's tab. */
export const PROFILE_KDF_MAX_ITERATIONS = 10_000_000;
const SALT_BYTES = 16;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Largest plaintext accepted (and so ciphertext): a profile is a few hundred bytes; meter lists stay well below. */
const MAX_PLAINTEXT_BYTES = 48 * 1024;
const MAX_TEXT = 256;
const MAX_METERS = 1000;

/** A company's profile: general data, and the sensitive figures the design keeps off chain. */
export interface CompanyProfile {
  /** Registered company name. */
  name: string;
  /** e.g. `GmbH`, `SAS`, `Ltd`. */
  legalForm: string;
  /** Trade-register number, e.g. `HRB 123456 B`. */
  registrationNumber: string;
  address: { street: string; postalCode: string; city: string };
  /** ISO 3166-1 alpha-2, upper case (`DE`). */
  country: string;
  contactEmail: string;
  /** `https://…` (or `http://`); optional. */
  website?: string;
  /** Whole kWh per year (exact integers, like every energy figure in GridProof). */
  annualProductionKwh: number;
  annualConsumptionKwh: number;
  /** The company's smart meters: device ids `XXXX_ZZZZ`, no duplicates, in the order given. */
  smartMeterIds: string[];
}

export interface EncryptedProfileDocument {
  format: typeof PROFILE_FORMAT;
  kdf: { name: 'PBKDF2'; hash: 'SHA-256'; iterations: number; salt: string };
  cipher: { name: 'AES-256-GCM'; iv: string };
  ciphertext: string;
}

export interface EncryptProfileOptions {
  /** PBKDF2 iterations; default {@link PROFILE_KDF_DEFAULT_ITERATIONS}, at least {@link PROFILE_KDF_MIN_ITERATIONS}. */
  iterations?: number;
}

/** Why a profile document was refused (`details.reason` of {@link InvalidProfileDocumentError}). */
export type ProfileDocumentProblem =
  | 'NOT_DAG_JSON'
  | 'NOT_CANONICAL'
  | 'UNSUPPORTED_FORMAT'
  | 'MISSING_KEY'
  | 'UNKNOWN_KEY'
  | 'WRONG_TYPE'
  | 'BAD_BASE64'
  | 'BAD_LENGTH'
  | 'UNSUPPORTED_KDF'
  | 'UNSUPPORTED_CIPHER'
  /** Authenticated, so written with the passphrase, but the plaintext is no valid profile. */
  | 'BAD_PLAINTEXT';

/** A profile does not have the {@link CompanyProfile} shape (`details.field` names the field). */
export class InvalidProfileError extends ProtocolError {
  override name = 'InvalidProfileError';
  constructor(field: string, message: string) {
    super('INVALID_PROFILE', `Company profile field ${field}: ${message}`, { details: { field } });
  }
}

/** A profile document is not canonical DAG-JSON of the version-1 shape. */
export class InvalidProfileDocumentError extends ProtocolError {
  override name = 'InvalidProfileDocumentError';
  readonly reason: ProfileDocumentProblem;
  constructor(reason: ProfileDocumentProblem, message: string, details: Record<string, unknown> = {}) {
    super('INVALID_PROFILE_DOCUMENT', message, { details: { ...details, reason } });
    this.reason = reason;
  }
}

/**
 * AES-GCM refused the ciphertext: the passphrase is wrong, or the ciphertext, iv, salt or header were altered.
 * GCM cannot tell these apart, and this error deliberately says nothing more.
 */
export class ProfileWrongPassphraseError extends ProtocolError {
  override name = 'ProfileWrongPassphraseError';
  constructor(cause?: unknown) {
    super('PROFILE_WRONG_PASSPHRASE', 'The profile does not decrypt with this passphrase (or the document was altered: AES-GCM cannot tell the two apart).', {
      cause,
    });
  }
}

/** The document states KDF parameters below the floor: refused before deriving, so a downgraded copy is never trusted. */
export class ProfileKdfTooWeakError extends ProtocolError {
  override name = 'ProfileKdfTooWeakError';
  constructor(details: { iterations?: number; minimumIterations?: number; saltBytes?: number; minimumSaltBytes?: number }) {
    super('PROFILE_KDF_TOO_WEAK', 'The profile document states key-derivation parameters below the accepted minimum; refusing to decrypt it.', {
      details,
    });
  }
}

// ─── profile shape ───

const PROFILE_KEYS = [
  'name',
  'legalForm',
  'registrationNumber',
  'address',
  'country',
  'contactEmail',
  'website',
  'annualProductionKwh',
  'annualConsumptionKwh',
  'smartMeterIds',
];
const EMAIL = /^[^\s@"]+@[^\s@"]+\.[^\s@"]+$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new InvalidProfileError(field, 'must be a non-empty string.');
  if (value.length > MAX_TEXT) throw new InvalidProfileError(field, `must be at most ${MAX_TEXT} characters.`);
  return value;
}

function kwh(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw new InvalidProfileError(field, 'must be a whole number of kWh ≥ 0.');
  return value;
}

/**
 * Checks a value is a {@link CompanyProfile} (no unknown keys) and returns a clean copy (no `undefined` keys),
 * or throws {@link InvalidProfileError} naming the field.
 * @example const profile = parseCompanyProfile(JSON.parse(form))
 */
export function parseCompanyProfile(value: unknown): CompanyProfile {
  if (!isRecord(value)) throw new InvalidProfileError('(profile)', 'must be an object.');
  for (const key of Object.keys(value)) if (!PROFILE_KEYS.includes(key)) throw new InvalidProfileError(key, 'is not a profile field.');
  const address = value.address;
  if (!isRecord(address)) throw new InvalidProfileError('address', 'must be an object {street, postalCode, city}.');
  for (const key of Object.keys(address))
    if (!['street', 'postalCode', 'city'].includes(key)) throw new InvalidProfileError(`address.${key}`, 'is not an address field.');
  const country = text(value.country, 'country');
  if (!/^[A-Z]{2}$/.test(country)) throw new InvalidProfileError('country', 'must be an ISO 3166-1 alpha-2 code in upper case (DE).');
  const contactEmail = text(value.contactEmail, 'contactEmail');
  if (!EMAIL.test(contactEmail)) throw new InvalidProfileError('contactEmail', 'is not an e-mail address.');
  let website: string | undefined;
  if (value.website !== undefined) {
    website = text(value.website, 'website');
    let url: URL | undefined;
    try {
      url = new URL(website);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) throw new InvalidProfileError('website', 'must be an http(s) URL.');
  }
  const meters = value.smartMeterIds;
  if (!Array.isArray(meters)) throw new InvalidProfileError('smartMeterIds', 'must be an array of device ids.');
  if (meters.length > MAX_METERS) throw new InvalidProfileError('smartMeterIds', `must hold at most ${MAX_METERS} device ids.`);
  meters.forEach((id, i) => {
    if (typeof id !== 'string' || !DEVICE_ID_PATTERN.test(id)) throw new InvalidProfileError(`smartMeterIds[${i}]`, 'must be a device id XXXX_ZZZZ.');
    if (meters.indexOf(id) !== i) throw new InvalidProfileError(`smartMeterIds[${i}]`, `repeats ${id}.`);
  });
  return {
    name: text(value.name, 'name'),
    legalForm: text(value.legalForm, 'legalForm'),
    registrationNumber: text(value.registrationNumber, 'registrationNumber'),
    address: {
      street: text(address.street, 'address.street'),
      postalCode: text(address.postalCode, 'address.postalCode'),
      city: text(address.city, 'address.city'),
    },
    country,
    contactEmail,
    ...(website === undefined ? {} : { website }),
    annualProductionKwh: kwh(value.annualProductionKwh, 'annualProductionKwh'),
    annualConsumptionKwh: kwh(value.annualConsumptionKwh, 'annualConsumptionKwh'),
    smartMeterIds: [...(meters as string[])],
  };
}

// ─── base64 (RFC 4648 §4, padded), canonical: decode → encode gives the same text ───

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

function fromBase64(value: unknown, field: string, length?: { exact?: number; min?: number; max?: number }): Uint8Array {
  if (typeof value !== 'string' || !/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(value)) {
    throw new InvalidProfileDocumentError('BAD_BASE64', `${field} is not padded base64.`, { field });
  }
  const binary = atob(value);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  // Unused low bits in the last character would give a second spelling of the same bytes.
  if (toBase64(bytes) !== value) throw new InvalidProfileDocumentError('BAD_BASE64', `${field} is not canonical base64.`, { field });
  if (
    length &&
    ((length.exact !== undefined && bytes.length !== length.exact) ||
      (length.min !== undefined && bytes.length < length.min) ||
      (length.max !== undefined && bytes.length > length.max))
  ) {
    throw new InvalidProfileDocumentError('BAD_LENGTH', `${field} has ${bytes.length} bytes.`, { field, length: bytes.length, ...length });
  }
  return bytes;
}

// ─── document ───

function exactKeys(value: unknown, keys: string[], position: string): Record<string, unknown> {
  if (!isRecord(value)) throw new InvalidProfileDocumentError('WRONG_TYPE', `${position} must be an object.`, { position });
  for (const key of keys) if (!(key in value)) throw new InvalidProfileDocumentError('MISSING_KEY', `${position} has no ${key}.`, { position, key });
  for (const key of Object.keys(value))
    if (!keys.includes(key)) throw new InvalidProfileDocumentError('UNKNOWN_KEY', `${position} has an unknown key ${key}.`, { position, key });
  return value;
}

/**
 * Checks a value has the exact version-1 document shape and returns it typed; refuses with
 * {@link InvalidProfileDocumentError} (shape) or {@link ProfileKdfTooWeakError} (a downgrade: fewer than
 * 600,000 iterations or a salt under 16 bytes). Decrypts nothing.
 */
export function parseProfileDocument(value: unknown): EncryptedProfileDocument {
  const doc = exactKeys(value, ['format', 'kdf', 'cipher', 'ciphertext'], 'document');
  if (doc.format !== PROFILE_FORMAT)
    throw new InvalidProfileDocumentError('UNSUPPORTED_FORMAT', `Unsupported profile format ${JSON.stringify(doc.format)}.`, { format: doc.format });
  const kdf = exactKeys(doc.kdf, ['name', 'hash', 'iterations', 'salt'], 'kdf');
  if (kdf.name !== 'PBKDF2' || kdf.hash !== 'SHA-256') {
    throw new InvalidProfileDocumentError('UNSUPPORTED_KDF', 'Only PBKDF2 with SHA-256 is supported.', { name: kdf.name, hash: kdf.hash });
  }
  const iterations = kdf.iterations;
  if (typeof iterations !== 'number' || !Number.isSafeInteger(iterations) || iterations < 1) {
    throw new InvalidProfileDocumentError('WRONG_TYPE', 'kdf.iterations must be a positive integer.', { position: 'kdf.iterations' });
  }
  if (iterations < PROFILE_KDF_MIN_ITERATIONS) throw new ProfileKdfTooWeakError({ iterations, minimumIterations: PROFILE_KDF_MIN_ITERATIONS });
  if (iterations > PROFILE_KDF_MAX_ITERATIONS) {
    throw new InvalidProfileDocumentError('UNSUPPORTED_KDF', `kdf.iterations above ${PROFILE_KDF_MAX_ITERATIONS} are refused.`, {
      iterations,
      maximumIterations: PROFILE_KDF_MAX_ITERATIONS,
    });
  }
  const salt = fromBase64(kdf.salt, 'kdf.salt', { max: 64 });
  if (salt.length < SALT_BYTES) throw new ProfileKdfTooWeakError({ saltBytes: salt.length, minimumSaltBytes: SALT_BYTES });
  const cipher = exactKeys(doc.cipher, ['name', 'iv'], 'cipher');
  if (cipher.name !== 'AES-256-GCM') throw new InvalidProfileDocumentError('UNSUPPORTED_CIPHER', 'Only AES-256-GCM is supported.', { name: cipher.name });
  fromBase64(cipher.iv, 'cipher.iv', { exact: IV_BYTES });
  fromBase64(doc.ciphertext, 'ciphertext', { min: TAG_BYTES + 1, max: MAX_PLAINTEXT_BYTES + TAG_BYTES });
  return {
    format: PROFILE_FORMAT,
    kdf: { name: 'PBKDF2', hash: 'SHA-256', iterations, salt: kdf.salt as string },
    cipher: { name: 'AES-256-GCM', iv: cipher.iv as string },
    ciphertext: doc.ciphertext as string,
  };
}

/** Canonical DAG-JSON bytes of a document: what gets pinned. */
export function encodeProfileDocument(doc: EncryptedProfileDocument): Uint8Array {
  return dagJson.encode(parseProfileDocument(doc));
}

/** Parses pinned bytes: canonical DAG-JSON of the exact version-1 shape, else {@link InvalidProfileDocumentError}. */
export function decodeProfileDocument(bytes: Uint8Array): EncryptedProfileDocument {
  let value: unknown;
  try {
    value = dagJson.decode(bytes);
  } catch (cause) {
    throw new InvalidProfileDocumentError('NOT_DAG_JSON', `Profile document is not DAG-JSON: ${(cause as Error).message}`);
  }
  const doc = parseProfileDocument(value);
  if (!equalBytes(dagJson.encode(doc), bytes)) throw new InvalidProfileDocumentError('NOT_CANONICAL', 'Profile document bytes are not canonical DAG-JSON.');
  return doc;
}

/** CIDv1 (dag-json, sha2-256) of a profile document's bytes: the same CID function as window documents and `POST /v1/pins`. */
export function profileDocumentCid(bytes: Uint8Array): CID {
  return windowDocumentCid(bytes);
}

// ─── encryption ───

function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle;
  if (!s) throw new Error('WebCrypto (globalThis.crypto.subtle) is not available: a secure context (https or localhost) is needed.');
  return s;
}

/** The GCM additional data: the header (everything but the ciphertext), canonically encoded. */
function headerBytes(doc: Pick<EncryptedProfileDocument, 'format' | 'kdf' | 'cipher'>): Uint8Array {
  return dagJson.encode({ format: doc.format, kdf: doc.kdf, cipher: doc.cipher });
}

async function deriveKey(passphrase: string, salt: Uint8Array, iterations: number): Promise<CryptoKey> {
  if (typeof passphrase !== 'string' || passphrase.length === 0) throw new InvalidProfileError('passphrase', 'must be a non-empty string.');
  // NFC: the same passphrase typed on two keyboards (composed or decomposed accents) gives the same key.
  const material = await subtle().importKey('raw', new TextEncoder().encode(passphrase.normalize('NFC')), 'PBKDF2', false, ['deriveKey']);
  return subtle().deriveKey(
    { name: 'PBKDF2', hash: 'SHA-256', salt: salt as Uint8Array<ArrayBuffer>, iterations },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

/**
 * Encrypts a company profile under a passphrase (fresh random salt and iv each time).
 * @example const doc = await encryptProfile(profile, passphrase); const bytes = encodeProfileDocument(doc)
 */
export async function encryptProfile(profile: CompanyProfile, passphrase: string, opts: EncryptProfileOptions = {}): Promise<EncryptedProfileDocument> {
  const clean = parseCompanyProfile(profile);
  const iterations = opts.iterations ?? PROFILE_KDF_DEFAULT_ITERATIONS;
  if (!Number.isSafeInteger(iterations) || iterations < PROFILE_KDF_MIN_ITERATIONS || iterations > PROFILE_KDF_MAX_ITERATIONS) {
    throw new ProfileKdfTooWeakError({ iterations, minimumIterations: PROFILE_KDF_MIN_ITERATIONS });
  }
  const plaintext = dagJson.encode(clean) as Uint8Array<ArrayBuffer>;
  if (plaintext.length > MAX_PLAINTEXT_BYTES)
    throw new InvalidProfileError('(profile)', `encodes to ${plaintext.length} bytes, more than ${MAX_PLAINTEXT_BYTES}.`);
  const salt = globalThis.crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const iv = globalThis.crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const header = {
    format: PROFILE_FORMAT,
    kdf: { name: 'PBKDF2', hash: 'SHA-256', iterations, salt: toBase64(salt) },
    cipher: { name: 'AES-256-GCM', iv: toBase64(iv) },
  } as const;
  const key = await deriveKey(passphrase, salt, iterations);
  const ciphertext = new Uint8Array(
    await subtle().encrypt({ name: 'AES-GCM', iv, additionalData: headerBytes(header) as Uint8Array<ArrayBuffer>, tagLength: 128 }, key, plaintext),
  );
  return { ...header, ciphertext: toBase64(ciphertext) };
}

/**
 * Decrypts a profile document with the KDF parameters it states (refusing a downgrade first).
 * Throws {@link ProfileWrongPassphraseError} when GCM authentication fails: a wrong passphrase and an altered
 * document (ciphertext, iv, salt, iterations or any header field) are the same failure.
 * @example const profile = await decryptProfile(decodeProfileDocument(bytes), passphrase)
 */
export async function decryptProfile(doc: EncryptedProfileDocument, passphrase: string): Promise<CompanyProfile> {
  const checked = parseProfileDocument(doc);
  const salt = fromBase64(checked.kdf.salt, 'kdf.salt');
  const iv = fromBase64(checked.cipher.iv, 'cipher.iv');
  const ciphertext = fromBase64(checked.ciphertext, 'ciphertext');
  const key = await deriveKey(passphrase, salt, checked.kdf.iterations);
  let plaintext: Uint8Array;
  try {
    plaintext = new Uint8Array(
      await subtle().decrypt(
        { name: 'AES-GCM', iv: iv as Uint8Array<ArrayBuffer>, additionalData: headerBytes(checked) as Uint8Array<ArrayBuffer>, tagLength: 128 },
        key,
        ciphertext as Uint8Array<ArrayBuffer>,
      ),
    );
  } catch (cause) {
    throw new ProfileWrongPassphraseError(cause);
  }
  try {
    return parseCompanyProfile(dagJson.decode(plaintext));
  } catch (cause) {
    throw new InvalidProfileDocumentError('BAD_PLAINTEXT', 'The profile decrypted but is not a valid company profile.', {
      field: (cause as InvalidProfileError).details?.field,
    });
  }
}
