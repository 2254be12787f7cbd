import { decodeMemberList, memberListCid, toHex } from '@gridproof/protocol';
import { describe, expect, it } from 'vitest';
import { InvalidFormError } from './errors.js';
import { memberListAfter, parseCertifyForm, parseRevokeForm, type CertifyForm } from './installers.js';

const admin = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';
const e1 = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const e2 = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC';
const org = { organisationId: 7n, name: 'Elektro Nord', admins: [admin], electricians: [e1] } as const;

function fieldOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidFormError);
    return (e as InvalidFormError).field;
  }
  throw new Error('no error');
}

describe('member list after a change', () => {
  it('adding and removing an electrician gives the canonical document and its CID', () => {
    const added = memberListAfter(org, { kind: 'addElectrician', account: e2 });
    expect(decodeMemberList(added.bytes)).toEqual({
      format: 'gridproof-member-list/1',
      organisationId: '7',
      name: 'Elektro Nord',
      admins: [admin.toLowerCase()],
      electricians: [e1.toLowerCase(), e2.toLowerCase()].sort(),
    });
    expect(added.cid).toBe(memberListCid(added.bytes).toString());
    const removed = memberListAfter({ ...org, electricians: [e1, e2] }, { kind: 'removeElectrician', account: e1.toLowerCase() as `0x${string}` });
    expect(removed.electricians).toEqual([e2.toLowerCase()]);
    // The same members in another order and case are the same document.
    expect(memberListAfter({ ...org, electricians: [e2, e1] }, { kind: 'publish' }).cid).toBe(
      memberListAfter({ ...org, electricians: [e1.toLowerCase() as `0x${string}`] }, { kind: 'addElectrician', account: e2 }).cid,
    );
  });

  it('refuses what the registry would refuse, before anything is signed', () => {
    expect(() => memberListAfter(org, { kind: 'addElectrician', account: e1.toLowerCase() as `0x${string}` })).toThrow(/already an electrician/);
    expect(() => memberListAfter(org, { kind: 'removeElectrician', account: e2 })).toThrow(/not an electrician/);
    expect(fieldOf(() => memberListAfter(org, { kind: 'addElectrician', account: '0x1234' }))).toBe('account');
  });
});

describe('certify and revoke forms', () => {
  const p256 = `0x${'11'.repeat(64)}`;
  const form: CertifyForm = { deviceId: 'solr_0101', keyType: '1', publicKey: p256, owner: e1.toLowerCase(), role: '1', ratedCapacityW: '9800' };

  it('parses a valid form into certifyDevice arguments (id bytes, key, checksummed owner)', () => {
    expect(parseCertifyForm(form)).toEqual({
      deviceId: 'SOLR_0101',
      deviceIdBytes: toHex(new TextEncoder().encode('SOLR_0101')),
      keyType: 1,
      publicKey: p256,
      owner: e1,
      role: 1,
      ratedCapacityW: 9800,
    });
    // An uncompressed SEC1 P-256 key (0x04 ‖ x ‖ y) is taken as x ‖ y.
    expect(parseCertifyForm({ ...form, publicKey: `0x04${'11'.repeat(64)}` }).publicKey).toBe(p256);
    expect(parseCertifyForm({ ...form, keyType: '2', publicKey: 'ab'.repeat(32) }).publicKey).toBe(`0x${'ab'.repeat(32)}`);
  });

  it('checks the device id against the sector table, and every other field, naming the input', () => {
    expect(fieldOf(() => parseCertifyForm({ ...form, deviceId: 'XXXX_0001' }))).toBe('deviceId');
    expect(() => parseCertifyForm({ ...form, deviceId: 'XXXX_0001' })).toThrow(/Sector code XXXX/);
    expect(fieldOf(() => parseCertifyForm({ ...form, deviceId: 'SOLR-0001' }))).toBe('deviceId');
    expect(fieldOf(() => parseCertifyForm({ ...form, keyType: '3' }))).toBe('keyType');
    expect(fieldOf(() => parseCertifyForm({ ...form, publicKey: `0x${'11'.repeat(32)}` }))).toBe('publicKey');
    expect(fieldOf(() => parseCertifyForm({ ...form, publicKey: '0xzz' }))).toBe('publicKey');
    expect(fieldOf(() => parseCertifyForm({ ...form, owner: '0x12' }))).toBe('owner');
    expect(fieldOf(() => parseCertifyForm({ ...form, owner: `0x${'0'.repeat(40)}` }))).toBe('owner');
    expect(fieldOf(() => parseCertifyForm({ ...form, role: '4' }))).toBe('role');
    for (const bad of ['0', '-5', '1.5', '4294967296', '']) expect(fieldOf(() => parseCertifyForm({ ...form, ratedCapacityW: bad }))).toBe('ratedCapacityW');
  });

  it('revoke: a certifiable id and a reason 1..5', () => {
    expect(parseRevokeForm({ deviceId: 'SOLR_0101', reason: '2' })).toMatchObject({ deviceId: 'SOLR_0101', reason: 2 });
    expect(fieldOf(() => parseRevokeForm({ deviceId: 'SOLR_0101', reason: '' }))).toBe('reason');
    expect(fieldOf(() => parseRevokeForm({ deviceId: 'SOLR_0101', reason: '6' }))).toBe('reason');
    expect(fieldOf(() => parseRevokeForm({ deviceId: 'NOPE_0101', reason: '1' }))).toBe('deviceId');
  });
});
