import * as dagJson from '@ipld/dag-json';
import type { CID } from 'multiformats/cid';
import { windowDocumentCid } from './batch.js';
import { equalBytes } from './bytes.js';
import { ProtocolError } from './errors.js';

/**
 * An installer organisation's member list (issue 9): public, pinned to IPFS, its CID recorded on chain by the
 * organisation's admins. Canonical DAG-JSON (sorted keys, no whitespace), CIDv1 dag-json sha2-256: the same CID
 * function as window documents and `POST /v1/pins`. Canonical form: addresses lower-case `0x` hex (not EIP-55
 * checksummed: one spelling per address without a keccak), each list sorted ascending and without repeats;
 * `organisationId` the uint256 in decimal without leading zeros. An address may be both admin and electrician.
 */

export const MEMBER_LIST_FORMAT = 'gridproof-member-list/1';
/** Most addresses in one list (admins + electricians); keeps a pinned list well under the 64 KiB pin limit. */
export const MEMBER_LIST_MAX_MEMBERS = 1000;

export interface MemberList {
  format: typeof MEMBER_LIST_FORMAT;
  /** The organisation's on-chain id, uint256 in decimal. */
  organisationId: string;
  name: string;
  admins: `0x${string}`[];
  electricians: `0x${string}`[];
}

/** What {@link encodeMemberList} takes: addresses in any case and order; `format` implied. */
export interface MemberListInput {
  organisationId: string | bigint;
  name: string;
  admins: readonly string[];
  electricians: readonly string[];
}

export type MemberListProblem =
  | 'NOT_DAG_JSON'
  | 'NOT_CANONICAL'
  | 'UNSUPPORTED_FORMAT'
  | 'MISSING_KEY'
  | 'UNKNOWN_KEY'
  | 'WRONG_TYPE'
  | 'DUPLICATE_ADDRESS'
  | 'TOO_MANY';

/** A member list is not canonical DAG-JSON of the version-1 shape (`details.reason`, `details.field`). */
export class InvalidMemberListError extends ProtocolError {
  override name = 'InvalidMemberListError';
  readonly reason: MemberListProblem;
  constructor(reason: MemberListProblem, message: string, details: Record<string, unknown> = {}) {
    super('INVALID_MEMBER_LIST', message, { details: { ...details, reason } });
    this.reason = reason;
  }
}

const KEYS = ['format', 'organisationId', 'name', 'admins', 'electricians'];
const UINT256_MAX = (1n << 256n) - 1n;

function organisationIdOf(value: unknown): string {
  const text = typeof value === 'bigint' ? value.toString() : value;
  if (typeof text !== 'string' || !/^(0|[1-9][0-9]{0,77})$/.test(text) || BigInt(text) > UINT256_MAX) {
    throw new InvalidMemberListError('WRONG_TYPE', 'organisationId must be a uint256 in decimal without leading zeros.', { field: 'organisationId' });
  }
  return text;
}

function addressesOf(value: unknown, field: 'admins' | 'electricians', canonical: boolean): `0x${string}`[] {
  if (!Array.isArray(value)) throw new InvalidMemberListError('WRONG_TYPE', `${field} must be an array of addresses.`, { field });
  const out = value.map((a, i) => {
    if (typeof a !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(a)) {
      throw new InvalidMemberListError('WRONG_TYPE', `${field}[${i}] is not a 20-byte 0x address.`, { field: `${field}[${i}]` });
    }
    return a.toLowerCase() as `0x${string}`;
  });
  const sorted = [...out].sort();
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i] === sorted[i - 1]) throw new InvalidMemberListError('DUPLICATE_ADDRESS', `${field} lists ${sorted[i]} twice.`, { field, address: sorted[i] });
  }
  if (canonical && sorted.some((a, i) => a !== value[i])) {
    throw new InvalidMemberListError('NOT_CANONICAL', `${field} must be lower-case and sorted.`, { field });
  }
  return sorted;
}

function build(value: Record<string, unknown>, canonical: boolean): MemberList {
  if (typeof value.name !== 'string' || value.name.trim() === '' || value.name.length > 256) {
    throw new InvalidMemberListError('WRONG_TYPE', 'name must be a non-empty string of at most 256 characters.', { field: 'name' });
  }
  const list: MemberList = {
    format: MEMBER_LIST_FORMAT,
    organisationId: organisationIdOf(value.organisationId),
    name: value.name,
    admins: addressesOf(value.admins, 'admins', canonical),
    electricians: addressesOf(value.electricians, 'electricians', canonical),
  };
  const count = list.admins.length + list.electricians.length;
  if (count > MEMBER_LIST_MAX_MEMBERS) throw new InvalidMemberListError('TOO_MANY', `${count} members; at most ${MEMBER_LIST_MAX_MEMBERS}.`, { count });
  return list;
}

/**
 * Canonical bytes of a member list: lower-cases and sorts the addresses; refuses repeats and bad values.
 * @example const bytes = encodeMemberList({ organisationId: 1n, name: 'Elektro Nord', admins: [a], electricians: [b, c] })
 */
export function encodeMemberList(input: MemberListInput): Uint8Array {
  return dagJson.encode(build(input as unknown as Record<string, unknown>, false));
}

/** Parses member-list bytes: canonical DAG-JSON of the exact version-1 shape, else {@link InvalidMemberListError}. */
export function decodeMemberList(bytes: Uint8Array): MemberList {
  let value: unknown;
  try {
    value = dagJson.decode(bytes);
  } catch (cause) {
    throw new InvalidMemberListError('NOT_DAG_JSON', `Member list is not DAG-JSON: ${(cause as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidMemberListError('WRONG_TYPE', 'A member list is an object.');
  const record = value as Record<string, unknown>;
  for (const key of KEYS) if (!(key in record)) throw new InvalidMemberListError('MISSING_KEY', `Member list has no ${key}.`, { key });
  for (const key of Object.keys(record))
    if (!KEYS.includes(key)) throw new InvalidMemberListError('UNKNOWN_KEY', `Member list has an unknown key ${key}.`, { key });
  if (record.format !== MEMBER_LIST_FORMAT) {
    throw new InvalidMemberListError('UNSUPPORTED_FORMAT', `Unsupported member list format ${JSON.stringify(record.format)}.`, { format: record.format });
  }
  const list = build(record, true);
  if (!equalBytes(dagJson.encode(list), bytes)) throw new InvalidMemberListError('NOT_CANONICAL', 'Member list bytes are not canonical DAG-JSON.');
  return list;
}

/** CIDv1 (dag-json, sha2-256) of member-list bytes (checked canonical first). */
export function memberListCid(bytes: Uint8Array): CID {
  decodeMemberList(bytes);
  return windowDocumentCid(bytes);
}
