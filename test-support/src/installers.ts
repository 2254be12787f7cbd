import {
  companyIdentityAbi,
  DeviceRole,
  deviceIdToBytes,
  deviceRegistryAbi,
  installerRegistryAbi,
  type KeyType,
  toHex as bytesToHex,
  windowDocumentCid,
} from '@gridproof/protocol';
import { createPublicClient, createWalletClient, http, parseEventLogs, type Address, type Hex, type PublicClient } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { ANVIL_KEYS } from './devKeys.js';

// Writes to the identity and installer contracts the way a company, an installer admin and an electrician do,
// for tests and the devnet. Reading them back is chain/'s job.

export interface InstallerContracts {
  companyIdentity: Address;
  installerRegistry: Address;
  deviceRegistry: Address;
}

interface Writer {
  account: Address;
  publicClient: PublicClient;
  send(address: Address, abi: readonly unknown[], functionName: string, args: readonly unknown[]): Promise<Hex>;
}

function writer(rpcUrl: string, key: Hex): Writer {
  const account = privateKeyToAccount(key);
  const publicClient = createPublicClient({ transport: http(rpcUrl) }) as PublicClient;
  const wallet = createWalletClient({ account, transport: http(rpcUrl) });
  return {
    account: account.address,
    publicClient,
    async send(address, abi, functionName, args) {
      const hash = await wallet.writeContract({ chain: null, address, abi, functionName, args } as never);
      const receipt = await publicClient.waitForTransactionReceipt({ hash });
      if (receipt.status !== 'success') throw new Error(`${functionName}(${args.map(String).join(', ')}) reverted in ${hash}`);
      return hash;
    },
  };
}

/**
 * The company behind `key` mints its identity pointing at `profileCid`, unless it holds one already.
 * Returns the identity id.
 */
export async function registerCompany(p: {
  rpcUrl: string;
  contracts: Pick<InstallerContracts, 'companyIdentity'>;
  key: Hex;
  profileCid: string;
}): Promise<bigint> {
  const w = writer(p.rpcUrl, p.key);
  const read = () =>
    w.publicClient.readContract({ address: p.contracts.companyIdentity, abi: companyIdentityAbi, functionName: 'identityOf', args: [w.account] });
  const existing = await read();
  if (existing !== 0n) return existing;
  await w.send(p.contracts.companyIdentity, companyIdentityAbi, 'register', [p.profileCid]);
  return read();
}

/**
 * The account behind `adminKey` creates an installer organisation and adds `electricians`. Returns its id.
 * `memberListCid` is what the chain records for each change (the devnet pins the real document; tests may pass any CID).
 */
export async function createInstallerOrganisation(p: {
  rpcUrl: string;
  contracts: Pick<InstallerContracts, 'installerRegistry'>;
  adminKey: Hex;
  name: string;
  electricians: readonly Address[];
  memberListCid: (members: { admins: Address[]; electricians: Address[] }) => string;
}): Promise<bigint> {
  const w = writer(p.rpcUrl, p.adminKey);
  const admins = [w.account];
  const electricians: Address[] = [];
  const hash = await w.send(p.contracts.installerRegistry, installerRegistryAbi, 'createOrganisation', [p.name, p.memberListCid({ admins, electricians })]);
  const receipt = await w.publicClient.getTransactionReceipt({ hash });
  const [created] = parseEventLogs({ abi: installerRegistryAbi, eventName: 'OrganisationCreated', logs: receipt.logs });
  if (!created) throw new Error(`createOrganisation ${hash} emitted no OrganisationCreated`);
  const organisationId = created.args.organisationId;
  for (const electrician of p.electricians) {
    electricians.push(electrician);
    await w.send(p.contracts.installerRegistry, installerRegistryAbi, 'addElectrician', [
      organisationId,
      electrician,
      p.memberListCid({ admins, electricians }),
    ]);
  }
  return organisationId;
}

export interface CertifyDeviceParameters {
  deviceId: string;
  keyType: KeyType;
  publicKey: Uint8Array;
  owner: Address;
  /** Default production. */
  role?: DeviceRole;
  /** Default 5,000 W. */
  ratedCapacityW?: number;
}

/** An electrician of `organisationId` certifies each device, in order; resolves after the last receipt. */
export async function certifyDevices(p: {
  rpcUrl: string;
  contracts: Pick<InstallerContracts, 'deviceRegistry'>;
  electricianKey: Hex;
  organisationId: bigint;
  devices: readonly CertifyDeviceParameters[];
}): Promise<Hex[]> {
  const w = writer(p.rpcUrl, p.electricianKey);
  const hashes: Hex[] = [];
  for (const d of p.devices) {
    hashes.push(
      await w.send(p.contracts.deviceRegistry, deviceRegistryAbi, 'certifyDevice', [
        p.organisationId,
        bytesToHex(deviceIdToBytes(d.deviceId)),
        d.keyType,
        bytesToHex(d.publicKey),
        d.owner,
        d.role ?? DeviceRole.PRODUCTION,
        d.ratedCapacityW ?? 5_000,
      ]),
    );
  }
  return hashes;
}

/** An admin of the certifying organisation revokes the device; returns the chain's revocation time. */
export async function revokeDevice(p: {
  rpcUrl: string;
  contracts: Pick<InstallerContracts, 'deviceRegistry'>;
  adminKey: Hex;
  deviceId: string;
  reason: number;
}): Promise<{ hash: Hex; revokedAt: number }> {
  const w = writer(p.rpcUrl, p.adminKey);
  const hash = await w.send(p.contracts.deviceRegistry, deviceRegistryAbi, 'revokeDevice', [bytesToHex(deviceIdToBytes(p.deviceId)), p.reason]);
  const receipt = await w.publicClient.getTransactionReceipt({ hash });
  const [revoked] = parseEventLogs({ abi: deviceRegistryAbi, eventName: 'DeviceRevoked', logs: receipt.logs });
  if (!revoked) throw new Error(`revokeDevice ${hash} emitted no DeviceRevoked`);
  return { hash, revokedAt: Number(revoked.args.revokedAt) };
}

/** A real CID for tests that do not pin the document it names (member lists, profiles): the CID of a fixed text. */
export const TEST_PLACEHOLDER_CID = windowDocumentCid(new TextEncoder().encode('"gridproof test placeholder"')).toString();

export interface TestInstallers {
  organisationId: bigint;
  /** Certifies devices as the key's own electrician; owners default to the key's account (which holds an identity). */
  certify(devices: readonly (Omit<CertifyDeviceParameters, 'owner'> & { owner?: Address })[]): Promise<Hex[]>;
  revoke(deviceId: string, reason?: number): Promise<{ hash: Hex; revokedAt: number }>;
}

/**
 * One account (default anvil's deployer) as company, installer admin and electrician: what a test that only needs
 * certified devices sets up. Idempotent per deployment only in the identity; each call creates a new organisation.
 * @example const installers = await testInstallers({ rpcUrl, contracts: deployment }); await installers.certify([{ deviceId, keyType, publicKey }]);
 */
export async function testInstallers(p: { rpcUrl: string; contracts: InstallerContracts; key?: Hex }): Promise<TestInstallers> {
  const key = p.key ?? ANVIL_KEYS.deployer;
  const account = privateKeyToAccount(key).address;
  await registerCompany({ rpcUrl: p.rpcUrl, contracts: p.contracts, key, profileCid: TEST_PLACEHOLDER_CID });
  const organisationId = await createInstallerOrganisation({
    rpcUrl: p.rpcUrl,
    contracts: p.contracts,
    adminKey: key,
    name: 'GridProof test installers',
    electricians: [account],
    memberListCid: () => TEST_PLACEHOLDER_CID,
  });
  return {
    organisationId,
    certify: (devices) =>
      certifyDevices({
        rpcUrl: p.rpcUrl,
        contracts: p.contracts,
        electricianKey: key,
        organisationId,
        devices: devices.map((d) => ({ ...d, owner: d.owner ?? account })),
      }),
    revoke: (deviceId, reason = 1) => revokeDevice({ rpcUrl: p.rpcUrl, contracts: p.contracts, adminKey: key, deviceId, reason }),
  };
}
