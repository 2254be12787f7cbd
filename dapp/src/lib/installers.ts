import {
  assertCertifiableDeviceId,
  DEVICE_ROLE_NAMES,
  deviceIdToBytes,
  encodeMemberList,
  fromHex,
  KeyType,
  memberListCid,
  ProtocolError,
  RevocationReason,
  toHex,
  type DeviceRole,
} from '@gridproof/protocol';
import { getAddress, isAddress, type Address, type Hex } from 'viem';
import { InvalidFormError } from './errors.js';

/**
 * The installer console's pure parts: the member-list document every member change pins (its CID goes on chain
 * with the change), and the certify / revoke forms checked before anything is sent.
 */

/** An organisation's members as the chain holds them. */
export interface Members {
  organisationId: bigint;
  name: string;
  admins: readonly Address[];
  electricians: readonly Address[];
}

export type MemberChange =
  | { kind: 'addElectrician' | 'removeElectrician' | 'addAdmin' | 'removeAdmin'; account: Address }
  | { kind: 'publish'; account?: undefined };

/** A member-list document ready to pin: canonical bytes and their CID. */
export interface SealedMemberList {
  bytes: Uint8Array;
  cid: string;
  /** The members it lists (lower-case, sorted, as in the document). */
  admins: Address[];
  electricians: Address[];
}

const lower = (a: string) => a.toLowerCase() as Address;

/**
 * The member list after `change` (protocol's canonical document), for the CID passed with the change on chain.
 * Refuses a change the registry would refuse (already a member, not a member) with {@link InvalidFormError}.
 * @example const { bytes, cid } = memberListAfter(org, { kind: 'addElectrician', account })
 */
export function memberListAfter(members: Members, change: MemberChange): SealedMemberList {
  const admins = new Set(members.admins.map(lower));
  const electricians = new Set(members.electricians.map(lower));
  if (change.kind !== 'publish') {
    if (!isAddress(change.account)) throw new InvalidFormError('account', `${change.account} is not an address.`);
    const account = lower(change.account);
    const [set, role] = change.kind.endsWith('Admin') ? [admins, 'an admin'] : [electricians, 'an electrician'];
    if (change.kind.startsWith('add')) {
      if (set.has(account)) throw new InvalidFormError('account', `${getAddress(account)} is already ${role} of organisation #${members.organisationId}.`);
      set.add(account);
    } else {
      if (!set.has(account)) throw new InvalidFormError('account', `${getAddress(account)} is not ${role} of organisation #${members.organisationId}.`);
      set.delete(account);
    }
  }
  const bytes = encodeMemberList({ organisationId: members.organisationId, name: members.name, admins: [...admins], electricians: [...electricians] });
  return { bytes, cid: memberListCid(bytes).toString(), admins: [...admins].sort(), electricians: [...electricians].sort() };
}

/** The certify form's fields as the inputs hold them. */
export interface CertifyForm {
  deviceId: string;
  /** '1' P-256, '2' Ed25519. */
  keyType: string;
  /** 0x hex: P-256 64 bytes x ‖ y (an uncompressed 65-byte 0x04 key is taken too), Ed25519 32 bytes. */
  publicKey: string;
  owner: string;
  /** '1' production, '2' consumption, '3' grid status. */
  role: string;
  ratedCapacityW: string;
}

/** `DeviceRegistry.certifyDevice` arguments after the organisation id. */
export interface CertifyArgs {
  deviceId: string;
  deviceIdBytes: Hex;
  keyType: KeyType;
  publicKey: Hex;
  owner: Address;
  role: DeviceRole;
  ratedCapacityW: number;
}

const KEY_LENGTH: Record<KeyType, number> = { [KeyType.P256]: 64, [KeyType.ED25519]: 32 };

/**
 * Checks the certify form before anything is sent: the id against protocol's sector table
 * (`assertCertifiableDeviceId`), the key's length for its type, the owner address, the role and the capacity.
 * @example const args = parseCertifyForm(form); await certify(orgId, args)
 */
export function parseCertifyForm(form: CertifyForm): CertifyArgs {
  const deviceId = form.deviceId.trim().toUpperCase();
  try {
    assertCertifiableDeviceId(deviceId);
  } catch (error) {
    if (error instanceof ProtocolError) throw new InvalidFormError('deviceId', error.shortMessage, { cause: error });
    throw error;
  }
  const keyType = Number(form.keyType);
  if (keyType !== KeyType.P256 && keyType !== KeyType.ED25519) throw new InvalidFormError('keyType', 'Key type must be P-256 (1) or Ed25519 (2).');
  const text = form.publicKey.trim().toLowerCase();
  const hex = text.startsWith('0x') ? text : `0x${text}`;
  if (!/^0x([0-9a-f]{2})+$/.test(hex)) throw new InvalidFormError('publicKey', 'The public key must be hex (0x…), an even number of digits.');
  let key = fromHex(hex);
  if (keyType === KeyType.P256 && key.length === 65 && key[0] === 0x04) key = key.slice(1);
  if (key.length !== KEY_LENGTH[keyType]) {
    throw new InvalidFormError(
      'publicKey',
      `A ${keyType === KeyType.P256 ? 'P-256 key is 64 bytes (x ‖ y)' : 'Ed25519 key is 32 bytes'}; this one has ${key.length}.`,
    );
  }
  const owner = form.owner.trim();
  if (!isAddress(owner, { strict: false }) || /^0x0{40}$/i.test(owner)) throw new InvalidFormError('owner', `Owner "${owner}" is not an address.`);
  const role = Number(form.role);
  if (!(role in DEVICE_ROLE_NAMES)) throw new InvalidFormError('role', 'Role must be production (1), consumption (2) or grid status (3).');
  const capacityText = form.ratedCapacityW.trim();
  const ratedCapacityW = Number(capacityText);
  if (!/^[0-9]+$/.test(capacityText) || ratedCapacityW < 1 || ratedCapacityW > 0xffff_ffff) {
    throw new InvalidFormError('ratedCapacityW', `Rated capacity must be a whole number of watts, 1 to ${0xffff_ffff}; got "${form.ratedCapacityW}".`);
  }
  return {
    deviceId,
    deviceIdBytes: toHex(deviceIdToBytes(deviceId)),
    keyType,
    publicKey: toHex(key),
    owner: getAddress(owner),
    role: role as DeviceRole,
    ratedCapacityW,
  };
}

/** The revoke form: a certified id and a reason 1..5 (protocol's `RevocationReason`). */
export function parseRevokeForm(form: { deviceId: string; reason: string }): { deviceId: string; deviceIdBytes: Hex; reason: RevocationReason } {
  const deviceId = form.deviceId.trim().toUpperCase();
  try {
    assertCertifiableDeviceId(deviceId);
  } catch (error) {
    if (error instanceof ProtocolError) throw new InvalidFormError('deviceId', error.shortMessage, { cause: error });
    throw error;
  }
  const reason = Number(form.reason);
  if (!Object.values(RevocationReason).includes(reason as RevocationReason)) throw new InvalidFormError('reason', 'Choose a revocation reason.');
  return { deviceId, deviceIdBytes: toHex(deviceIdToBytes(deviceId)), reason: reason as RevocationReason };
}
