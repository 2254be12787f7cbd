import { REVOCATION_REASON_NAMES, GridProofError, walkCause, type RevocationReason } from '@gridproof/protocol';

/** Stable codes of the errors the dApp raises itself. */
export type DappErrorCode =
  | 'INVALID_APP_CONFIG'
  | 'GATEWAY_FETCH_FAILED'
  /** An injected wallet is missing, not connected, or on another chain. */
  | 'WALLET_UNAVAILABLE'
  /** A transaction was mined but reverted. */
  | 'TRANSACTION_REVERTED'
  /** The API (pin) or the gateway (fetch) answered for another CID than the bytes hash to. */
  | 'CID_MISMATCH'
  /** A form field is missing or malformed (`details.field`). */
  | 'INVALID_FORM'
  /** The event index did not reach a block in time (`details.minBlock`). */
  | 'CHAIN_NOT_INDEXED';

/** Base of every error the dApp raises itself (protocol's one error base, with the dApp's codes). */
export class DappError<Code extends DappErrorCode = DappErrorCode> extends GridProofError<Code> {
  override name = 'DappError';
}

/** `config.json` is missing, unreadable or lacks a field. */
export class InvalidAppConfigError extends DappError<'INVALID_APP_CONFIG'> {
  override name = 'InvalidAppConfigError';
  constructor(shortMessage: string, options: { details?: Record<string, unknown>; cause?: unknown } = {}) {
    super('INVALID_APP_CONFIG', shortMessage, options);
  }
}

/** The gateway did not return the block for a CID. */
export class GatewayFetchError extends DappError<'GATEWAY_FETCH_FAILED'> {
  override name = 'GatewayFetchError';
  constructor(shortMessage: string, options: { details?: Record<string, unknown>; cause?: unknown } = {}) {
    super('GATEWAY_FETCH_FAILED', shortMessage, options);
  }
}

/** The wallet cannot sign: none injected, none connected, or connected to another chain than config.json's. */
export class WalletUnavailableError extends DappError<'WALLET_UNAVAILABLE'> {
  override name = 'WalletUnavailableError';
  constructor(shortMessage: string, options: { details?: Record<string, unknown>; cause?: unknown } = {}) {
    super('WALLET_UNAVAILABLE', shortMessage, options);
  }
}

/** A transaction was included but reverted (`details.hash`). */
export class TransactionRevertedError extends DappError<'TRANSACTION_REVERTED'> {
  override name = 'TransactionRevertedError';
  constructor(shortMessage: string, options: { details?: Record<string, unknown>; cause?: unknown } = {}) {
    super('TRANSACTION_REVERTED', shortMessage, options);
  }
}

/** Bytes do not hash to the CID they were served or pinned under: the API or gateway is not trusted for it. */
export class CidMismatchError extends DappError<'CID_MISMATCH'> {
  override name = 'CidMismatchError';
  constructor(shortMessage: string, options: { details?: Record<string, unknown>; cause?: unknown } = {}) {
    super('CID_MISMATCH', shortMessage, options);
  }
}

/** A form field is missing or malformed; `field` names it (the input's name). */
export class InvalidFormError extends DappError<'INVALID_FORM'> {
  override name = 'InvalidFormError';
  readonly field: string;
  constructor(field: string, shortMessage: string, options: { cause?: unknown } = {}) {
    super('INVALID_FORM', shortMessage, { ...options, details: { field } });
    this.field = field;
  }
}

/** The events of a just-mined change did not show up in the index in time. */
export class ChainNotIndexedError extends DappError<'CHAIN_NOT_INDEXED'> {
  override name = 'ChainNotIndexedError';
  constructor(shortMessage: string, options: { details?: Record<string, unknown>; cause?: unknown } = {}) {
    super('CHAIN_NOT_INDEXED', shortMessage, options);
  }
}

/** What viem attaches to a decoded revert (`ContractFunctionRevertedError.data`). */
interface DecodedRevert {
  errorName: string;
  args?: readonly unknown[];
  abiItem?: { inputs?: readonly { name?: string }[] };
}

interface ErrorLike {
  shortMessage?: string;
  message?: string;
  functionName?: string;
  contractAddress?: string;
  data?: DecodedRevert;
}

const show = (v: unknown): string =>
  typeof v === 'bigint' ? v.toString() : typeof v === 'string' ? v : JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? x.toString() : x));

/** `bytes9` device id → `SOLR_0001` when it is printable ASCII, else the hex. */
function deviceIdText(v: unknown): string {
  if (typeof v !== 'string' || !/^0x[0-9a-fA-F]{18}$/.test(v)) return show(v);
  const chars = (v.slice(2).match(/../g) ?? []).map((h) => Number.parseInt(h, 16));
  return chars.every((c) => c >= 0x20 && c < 0x7f) ? String.fromCharCode(...chars) : v;
}

function sectorText(v: unknown): string {
  const text = deviceIdText(typeof v === 'string' && v.length === 10 ? `${v}0000000000` : v);
  return text.length === 9 ? text.slice(0, 4) : show(v);
}

const utc = (seconds: unknown) => new Date(Number(seconds) * 1000).toISOString().replace('.000Z', ' UTC').replace('T', ' ');

/**
 * One sentence per custom error of the identity, installer and device-registry contracts (issue 9), from the
 * decoded arguments by name. Errors not listed keep the generic `Name(arg: value, …)` form.
 */
const SENTENCES: Record<string, (a: Record<string, unknown>) => string> = {
  CompanyIdentityAlreadyRegistered: (a) => `account ${show(a.account)} already holds company identity #${show(a.id)}; update its profile instead`,
  CompanyIdentityNotRegistered: (a) => `account ${show(a.account)} holds no company identity; register the company first`,
  CompanyIdentityUnknownIdentity: (a) => `no company identity #${show(a.id)} exists (never minted, or burned)`,
  CompanyIdentitySoulbound: (a) => `company identity #${show(a.id)} is soulbound and cannot move from ${show(a.from)} to ${show(a.to)}`,
  CompanyIdentityApprovalDisabled: (a) => `company identities cannot be approved for other operators (${show(a.operator)})`,
  CompanyIdentityInvalidCid: (a) => `the profile CID must be 1 to 128 bytes, this one has ${show(a.length)}`,
  InstallerRegistryUnknownOrganisation: (a) => `no installer organisation #${show(a.organisationId)} exists`,
  InstallerRegistryNotAdmin: (a) => `${show(a.account)} is not an admin of organisation #${show(a.organisationId)}`,
  InstallerRegistryAlreadyMember: (a) => `${show(a.account)} already holds that role in organisation #${show(a.organisationId)}`,
  InstallerRegistryNotMember: (a) => `${show(a.account)} does not hold that role in organisation #${show(a.organisationId)}`,
  InstallerRegistryLastAdmin: (a) => `${show(a.account)} is the last admin of organisation #${show(a.organisationId)}; add another admin first`,
  InstallerRegistryInvalidName: (a) => `an organisation name must be 1 to 64 bytes, this one has ${show(a.length)}`,
  InstallerRegistryInvalidCid: (a) => `the member-list CID must be 1 to 128 bytes, this one has ${show(a.length)}`,
  InstallerRegistryZeroAddress: () => 'the zero address cannot be a member',
  InstallerRegistryAlreadyTrusted: (a) => `${show(a.account)} already trusts organisation #${show(a.organisationId)}`,
  InstallerRegistryNotTrusted: (a) => `${show(a.account)} does not trust organisation #${show(a.organisationId)}`,
  DeviceRegistryInvalidDeviceId: (a) => `device id ${show(a.deviceId)} is not of the form XXXX_0000`,
  DeviceRegistryUnknownSector: (a) => `sector ${sectorText(a.sector)} is not in the sector table`,
  DeviceRegistryInvalidKey: (a) => `a key of type ${show(a.keyType)} cannot be ${show(a.length)} bytes (P-256: 64, Ed25519: 32)`,
  DeviceRegistryInvalidP256Point: () => 'the P-256 public key is not a point on the curve',
  DeviceRegistryAlreadyRegistered: (a) => `device ${deviceIdText(a.deviceId)} was certified before (device ids are never reused)`,
  DeviceRegistryOwnerWithoutIdentity: (a) => `owner ${show(a.owner)} holds no company identity; the company registers first`,
  DeviceRegistryInvalidRole: (a) => `role ${show(a.role)} is not production (1), consumption (2) or grid status (3)`,
  DeviceRegistryInvalidCapacity: () => 'the rated capacity must be more than 0 W',
  DeviceRegistryNotElectrician: (a) => `${show(a.account)} is not an electrician of organisation #${show(a.organisationId)}`,
  DeviceRegistryNotOrganisationAdmin: (a) => `${show(a.account)} is not an admin of organisation #${show(a.organisationId)}, which certified the device`,
  DeviceRegistryInvalidRevocationReason: (a) => `revocation reason ${show(a.reason)} is not 1 to 5`,
  DeviceRegistryUnknownDevice: (a) => `device ${deviceIdText(a.deviceId)} was never certified`,
  DeviceRegistryAlreadyRevoked: (a) => `device ${deviceIdText(a.deviceId)} was already revoked at ${utc(a.revokedAt)}`,
};

/** A revocation reason code in words: `2` → `key compromised`. */
export const revocationReasonText = (reason: number): string => REVOCATION_REASON_NAMES[reason as RevocationReason] ?? `reason ${reason}`;

interface WalletRejection {
  code?: number;
  name?: string;
}

/**
 * One sentence for a person. It walks `cause` (protocol's `walkCause`) so that a contract revert is
 * named by its custom error with named arguments, not viem's wrapper text: "The contract refused
 * revokeDevice: DeviceRegistryUnknownDevice(deviceId: 0x…)." The identity, installer and registry errors read as
 * sentences with the error's name after them: "The contract refused certifyDevice: owner 0x… holds no company
 * identity; the company registers first (DeviceRegistryOwnerWithoutIdentity)." A request the person rejected in
 * the wallet says so; anything else: its short message.
 * @example describeError(new Error('boom')) // 'boom'
 */
export function describeError(error: unknown): string {
  const reverted = walkCause(error, (e) => typeof (e as ErrorLike | null)?.data?.errorName === 'string') as ErrorLike | null;
  if (reverted?.data) {
    const { errorName, args = [], abiItem } = reverted.data;
    const names = abiItem?.inputs?.map((i) => i.name) ?? [];
    const call = (walkCause(error, (e) => typeof (e as ErrorLike | null)?.functionName === 'string') as ErrorLike | null)?.functionName;
    const sentence = SENTENCES[errorName];
    if (sentence) {
      const named = Object.fromEntries(args.map((a, i) => [names[i] ?? String(i), a]));
      return `The contract refused${call ? ` ${call}` : ''}: ${sentence(named)} (${errorName}).`;
    }
    const shown = args.map((a, i) => (names[i] ? `${names[i]}: ${show(a)}` : show(a))).join(', ');
    return `The contract refused${call ? ` ${call}` : ''}: ${errorName}(${shown}).`;
  }
  // EIP-1193 4001 (viem's UserRejectedRequestError): the person said no; not a failure of anything.
  const rejected = walkCause(error, (e) => (e as WalletRejection | null)?.code === 4001 || (e as WalletRejection | null)?.name === 'UserRejectedRequestError');
  if (rejected) return 'You rejected the request in your wallet.';
  const top = error as ErrorLike | null;
  return top?.shortMessage ?? top?.message ?? String(error);
}
