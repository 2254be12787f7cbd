import { CID } from 'multiformats/cid';
import { sha256 } from 'multiformats/hashes/sha2';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from './errors.js';
import { decodeMemberList, encodeMemberList, MEMBER_LIST_FORMAT, memberListCid } from './memberList.js';

const A = '0xAbCdEf0123456789abcdef0123456789ABCDEF01';
const B = '0x1111111111111111111111111111111111111111';
const C = '0x00000000000000000000000000000000000000ff';
const input = { organisationId: 42n, name: 'Elektro Nord eG', admins: [A], electricians: [A, B, C] };

function refusal(fn: () => unknown): ProtocolError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ProtocolError);
    return err as ProtocolError;
  }
  throw new Error('expected a ProtocolError');
}
const utf8 = (s: string) => new TextEncoder().encode(s);

describe('member list documents', () => {
  it('encodes canonically: sorted keys, lower-case sorted addresses, decimal id, no whitespace', () => {
    const bytes = encodeMemberList(input);
    expect(new TextDecoder().decode(bytes)).toBe(
      `{"admins":["${A.toLowerCase()}"],"electricians":["${C}","${B}","${A.toLowerCase()}"],` +
        `"format":"${MEMBER_LIST_FORMAT}","name":"Elektro Nord eG","organisationId":"42"}`,
    );
    // Order and case of the input do not matter: one list, one byte string, one CID.
    expect(encodeMemberList({ ...input, organisationId: '42', electricians: [B, C.toUpperCase().replace('0X', '0x'), A.toLowerCase()] })).toEqual(bytes);
  });

  it('decode gives back the list, and the CID is CIDv1 dag-json sha2-256 of the bytes', async () => {
    const bytes = encodeMemberList(input);
    expect(decodeMemberList(bytes)).toEqual({
      format: MEMBER_LIST_FORMAT,
      organisationId: '42',
      name: 'Elektro Nord eG',
      admins: [A.toLowerCase()],
      electricians: [C, B, A.toLowerCase()],
    });
    const expected = CID.createV1(0x0129, await sha256.digest(bytes));
    expect(memberListCid(bytes).toString()).toBe(expected.toString());
    expect(memberListCid(bytes).toString()).toMatch(/^bagu/);
  });

  it('refuses bad input with INVALID_MEMBER_LIST and a reason', () => {
    const cases: [() => unknown, string, string?][] = [
      [() => encodeMemberList({ ...input, admins: [A, A.toLowerCase()] }), 'DUPLICATE_ADDRESS', 'admins'],
      [() => encodeMemberList({ ...input, electricians: ['0x1234'] }), 'WRONG_TYPE', 'electricians[0]'],
      [() => encodeMemberList({ ...input, organisationId: '042' }), 'WRONG_TYPE', 'organisationId'],
      [() => encodeMemberList({ ...input, organisationId: (1n << 256n).toString() }), 'WRONG_TYPE', 'organisationId'],
      [() => encodeMemberList({ ...input, name: '' }), 'WRONG_TYPE', 'name'],
      [() => encodeMemberList({ ...input, electricians: Array.from({ length: 1000 }, (_, i) => `0x${i.toString(16).padStart(40, '0')}`) }), 'TOO_MANY'],
      [() => decodeMemberList(utf8('{"admins":')), 'NOT_DAG_JSON'],
      [() => decodeMemberList(utf8(` ${new TextDecoder().decode(encodeMemberList(input))}`)), 'NOT_CANONICAL'],
      [() => decodeMemberList(utf8(new TextDecoder().decode(encodeMemberList(input)).replace(A.toLowerCase(), A))), 'NOT_CANONICAL', 'admins'],
      [
        () => decodeMemberList(utf8(`{"admins":[],"electricians":["${B}","${C}"],"format":"${MEMBER_LIST_FORMAT}","name":"x","organisationId":"1"}`)),
        'NOT_CANONICAL',
        'electricians',
      ],
      [() => decodeMemberList(utf8(`{"admins":[],"electricians":[],"format":"${MEMBER_LIST_FORMAT}","name":"x"}`)), 'MISSING_KEY'],
      [() => decodeMemberList(utf8(`{"admins":[],"electricians":[],"format":"${MEMBER_LIST_FORMAT}","name":"x","organisationId":"1","x":1}`)), 'UNKNOWN_KEY'],
      [
        () => decodeMemberList(utf8('{"admins":[],"electricians":[],"format":"gridproof-member-list/2","name":"x","organisationId":"1"}')),
        'UNSUPPORTED_FORMAT',
      ],
      [() => memberListCid(utf8('[]')), 'WRONG_TYPE'],
    ];
    for (const [fn, reason, field] of cases) {
      const err = refusal(fn);
      expect({ code: err.code, reason: err.details?.reason, ...(field ? { field: err.details?.field } : {}) }).toEqual({
        code: 'INVALID_MEMBER_LIST',
        reason,
        ...(field ? { field } : {}),
      });
    }
  });
});
