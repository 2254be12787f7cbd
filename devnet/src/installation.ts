// Who owns and certified the devnet's fleet (issue 9): two companies with encrypted profiles, one installer
// organisation (an admin and an electrician) with its member list, and the fleet certified by that electrician.
// Every key and passphrase here is a public devnet fact: anvil's well-known test mnemonic and a fixed text.
import { createPublicClient, http, type Address, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { createSiweMessage } from 'viem/siwe';
import {
  DeviceRole,
  encodeMemberList,
  encodeProfileDocument,
  encryptProfile,
  installerRegistryAbi,
  memberListCid,
  profileDocumentCid,
  type CompanyProfile,
} from '@gridproof/protocol';
import type { VirtualMeterSpec } from '@gridproof/simulator';
import { certifyDevices, createInstallerOrganisation, registerCompany, type InstallerContracts } from '@gridproof/test-support';

/**
 * The passphrase of both devnet company profiles: type it in the dApp to decrypt them. Public, like the keys: a
 * devnet profile protects nothing.
 */
export const DEVNET_PROFILE_PASSPHRASE = 'gridproof devnet profile passphrase';

/** The name of the devnet's installer organisation (on chain and in its member list). */
export const DEVNET_INSTALLER_NAME = 'Elektro Nord Installationen';

export interface DevnetAccount {
  /** What the account does on devnet. */
  role: string;
  address: Address;
  /** anvil's public dev key (test mnemonic `test test … junk`): never use it anywhere but a local chain. */
  privateKey: Hex;
}

/**
 * The accounts devnet's fleet setup uses: anvil's test-mnemonic accounts #4–#7 (#0 deploys, #1 transmits DON
 * reports, #2 is the workflow owner, #3 plays the Automation forwarder).
 */
export const DEVNET_ACCOUNT_KEYS = {
  /** #4: owns the solar meters (SOLR_…). */
  solarOperator: '0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a',
  /** #5: owns the industrial meters (INDU_…). */
  industrialConsumer: '0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba',
  /** #6: admin of the installer organisation (revokes devices). */
  installerAdmin: '0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e',
  /** #7: electrician of the installer organisation (certifies devices). */
  electrician: '0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356',
} as const satisfies Record<string, Hex>;

const account = (role: string, privateKey: Hex): DevnetAccount => ({ role, address: privateKeyToAccount(privateKey).address, privateKey });

/** A document devnet pins once the API is up: its bytes, the CID the chain already names, and who pins it. */
export interface PinnableDocument {
  what: string;
  cid: string;
  bytes: Uint8Array;
  /** The account that signs in to pin it (the document's author). */
  by: DevnetAccount;
}

export interface DevnetCompany {
  account: DevnetAccount;
  identityId: bigint;
  profile: CompanyProfile;
  profileCid: string;
}

export interface DevnetInstallation {
  companies: { solarOperator: DevnetCompany; industrialConsumer: DevnetCompany };
  installer: { organisationId: bigint; name: string; admin: DevnetAccount; electrician: DevnetAccount; memberListCid: string };
  /** Every account above, in the order the URL list prints them. */
  accounts: DevnetAccount[];
  /** Profiles and every published member list, to pin through the API. */
  documents: PinnableDocument[];
}

/** Whole kWh a year from a rated power and full-load hours. */
const kwhPerYear = (watts: number, fullLoadHours: number) => Math.round((watts * fullLoadHours) / 1000);

function profiles(fleet: readonly VirtualMeterSpec[]): { solarOperator: CompanyProfile; industrialConsumer: CompanyProfile } {
  const solar = fleet.filter((m) => m.profile === 'solar');
  const industrial = fleet.filter((m) => m.profile === 'industrial');
  const sum = (ms: VirtualMeterSpec[]) => ms.reduce((s, m) => s + m.ratedW, 0);
  return {
    solarOperator: {
      name: 'Sonnenfeld Solarpark',
      legalForm: 'GmbH',
      registrationNumber: 'HRB 204518 B',
      address: { street: 'Am Sonnenhang 12', postalCode: '14979', city: 'Großbeeren' },
      country: 'DE',
      contactEmail: 'betrieb@sonnenfeld-solarpark.example',
      website: 'https://sonnenfeld-solarpark.example',
      // ~950 full-load hours a year: a solar park in Brandenburg.
      annualProductionKwh: kwhPerYear(sum(solar), 950),
      annualConsumptionKwh: kwhPerYear(sum(solar), 20),
      smartMeterIds: solar.map((m) => m.deviceId),
    },
    industrialConsumer: {
      name: 'Nordstahl Werke',
      legalForm: 'AG',
      registrationNumber: 'HRB 88231',
      address: { street: 'Hafenstraße 40', postalCode: '20457', city: 'Hamburg' },
      country: 'DE',
      contactEmail: 'energie@nordstahl.example',
      annualProductionKwh: 0,
      // The simulator's industrial profile averages about 55 % of the rated load around the clock.
      annualConsumptionKwh: kwhPerYear(sum(industrial), 0.55 * 8760),
      smartMeterIds: industrial.map((m) => m.deviceId),
    },
  };
}

/**
 * On a fresh deployment: mints the two companies' identities (encrypted profiles, CIDs computed here), creates the
 * installer organisation (member list CID on chain for each change) and certifies `fleet` through its electrician
 * (solar → production, industrial → consumption, rated capacity = the simulator's ratedW). Nothing is pinned yet:
 * {@link pinInstallationDocuments} does that once the API runs.
 */
export async function installFleet(p: {
  rpcUrl: string;
  contracts: InstallerContracts;
  fleet: readonly VirtualMeterSpec[];
  /** PBKDF2 iterations of the profiles (default protocol's 600,000). */
  profileIterations?: number;
  log?: (line: string) => void;
}): Promise<DevnetInstallation> {
  const log = p.log ?? (() => {});
  const keys = DEVNET_ACCOUNT_KEYS;
  const solarOperator = account('company: solar park operator (owns SOLR meters)', keys.solarOperator);
  const industrialConsumer = account('company: industrial consumer (owns INDU meters)', keys.industrialConsumer);
  const admin = account('installer admin (revokes devices)', keys.installerAdmin);
  const electrician = account('installer electrician (certifies devices)', keys.electrician);
  const documents: PinnableDocument[] = [];

  const owned = profiles(p.fleet);
  const company = async (who: DevnetAccount, profile: CompanyProfile): Promise<DevnetCompany> => {
    const bytes = encodeProfileDocument(await encryptProfile(profile, DEVNET_PROFILE_PASSPHRASE, { iterations: p.profileIterations }));
    const profileCid = profileDocumentCid(bytes).toString();
    documents.push({ what: `profile of ${profile.name} ${profile.legalForm}`, cid: profileCid, bytes, by: who });
    const identityId = await registerCompany({ rpcUrl: p.rpcUrl, contracts: p.contracts, key: who.privateKey, profileCid });
    return { account: who, identityId, profile, profileCid };
  };
  const companies = {
    solarOperator: await company(solarOperator, owned.solarOperator),
    industrialConsumer: await company(industrialConsumer, owned.industrialConsumer),
  };

  // The member list names the organisation's id, which the chain assigns at creation: the next one of the count.
  const client = createPublicClient({ transport: http(p.rpcUrl) });
  const expectedId = (await client.readContract({ address: p.contracts.installerRegistry, abi: installerRegistryAbi, functionName: 'organisationCount' })) + 1n;
  let latestCid = '';
  const organisationId = await createInstallerOrganisation({
    rpcUrl: p.rpcUrl,
    contracts: p.contracts,
    adminKey: admin.privateKey,
    name: DEVNET_INSTALLER_NAME,
    electricians: [electrician.address],
    memberListCid: (members) => {
      const bytes = encodeMemberList({ organisationId: expectedId, name: DEVNET_INSTALLER_NAME, ...members });
      latestCid = memberListCid(bytes).toString();
      documents.push({ what: `member list of ${DEVNET_INSTALLER_NAME} (${members.electricians.length} electrician(s))`, cid: latestCid, bytes, by: admin });
      return latestCid;
    },
  });
  if (organisationId !== expectedId) {
    throw new Error(
      `InstallerRegistry assigned organisation ${organisationId}, the member lists name ${expectedId} (another organisation was created meanwhile)`,
    );
  }

  const ownerOf = (m: VirtualMeterSpec) => (m.profile === 'solar' ? solarOperator : industrialConsumer).address;
  await certifyDevices({
    rpcUrl: p.rpcUrl,
    contracts: p.contracts,
    electricianKey: electrician.privateKey,
    organisationId,
    devices: p.fleet.map((m) => ({
      deviceId: m.deviceId,
      keyType: m.keyType,
      publicKey: m.publicKey,
      owner: ownerOf(m),
      role: m.profile === 'solar' ? DeviceRole.PRODUCTION : DeviceRole.CONSUMPTION,
      ratedCapacityW: m.ratedW,
    })),
  });
  log(`certified ${p.fleet.length} meters through organisation ${organisationId} (${DEVNET_INSTALLER_NAME})`);
  return {
    companies,
    installer: { organisationId, name: DEVNET_INSTALLER_NAME, admin, electrician, memberListCid: latestCid },
    accounts: [solarOperator, industrialConsumer, admin, electrician],
    documents,
  };
}

/** Sign-In with Ethereum as the API checks it: the domain and URI the dApp signs with, and the chain. */
export interface SiweSettings {
  /** e.g. `127.0.0.1:5173` (the dApp's host). */
  domain: string;
  /** e.g. `http://127.0.0.1:5173/`. */
  uri: string;
  chainId: number;
}

/** A step of sign-in or pinning answered otherwise than expected; names the step, the status and the API's error body. */
export class DevnetPinError extends Error {
  override name = 'DevnetPinError';
  constructor(
    readonly step: 'nonce' | 'verify' | 'pin',
    readonly status: number,
    readonly body: string,
    message: string,
  ) {
    super(message);
  }
}

async function expectOk(step: DevnetPinError['step'], res: Response, what: string): Promise<Response> {
  if (res.ok) return res;
  const body = await res.text();
  throw new DevnetPinError(step, res.status, body, `${what}: HTTP ${res.status} ${body}`);
}

/** Signs `account` in to the API (nonce, EIP-4361 message, signature) and returns the session's Cookie header value. */
export async function signInToApi(apiUrl: string, siwe: SiweSettings, who: DevnetAccount): Promise<string> {
  const signer = privateKeyToAccount(who.privateKey);
  const nonceRes = await expectOk('nonce', await fetch(`${apiUrl}/v1/auth/nonce`, { method: 'POST' }), 'POST /v1/auth/nonce');
  const { nonce } = (await nonceRes.json()) as { nonce: string };
  const message = createSiweMessage({
    domain: siwe.domain,
    address: signer.address,
    statement: 'Sign in to GridProof.',
    uri: siwe.uri,
    version: '1',
    chainId: siwe.chainId,
    nonce,
    issuedAt: new Date(),
  });
  const signature = await signer.signMessage({ message });
  const res = await expectOk(
    'verify',
    await fetch(`${apiUrl}/v1/auth/verify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message, signature }) }),
    `sign-in of ${signer.address}`,
  );
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0];
  if (!cookie.includes('=')) throw new DevnetPinError('verify', res.status, '', `sign-in of ${signer.address} set no session cookie`);
  return cookie;
}

/**
 * Pins every document through `POST /v1/pins`, each signed in as its author, and checks the API stored it under the
 * CID the chain already names. Returns what was pinned (`created` false: it was there already).
 */
export async function pinInstallationDocuments(p: {
  apiUrl: string;
  siwe: SiweSettings;
  documents: readonly PinnableDocument[];
}): Promise<{ what: string; cid: string; created: boolean }[]> {
  const sessions = new Map<Address, string>();
  const pinned: { what: string; cid: string; created: boolean }[] = [];
  for (const doc of p.documents) {
    let cookie = sessions.get(doc.by.address);
    if (!cookie) {
      cookie = await signInToApi(p.apiUrl, p.siwe, doc.by);
      sessions.set(doc.by.address, cookie);
    }
    const res = await expectOk(
      'pin',
      await fetch(`${p.apiUrl}/v1/pins`, {
        method: 'POST',
        headers: { 'content-type': 'application/vnd.ipld.dag-json', cookie },
        body: doc.bytes as Uint8Array<ArrayBuffer>,
      }),
      `pin of the ${doc.what}`,
    );
    const { cid } = (await res.json()) as { cid: string };
    if (cid !== doc.cid) throw new DevnetPinError('pin', res.status, cid, `the API stored the ${doc.what} as ${cid}; the chain names ${doc.cid}`);
    pinned.push({ what: doc.what, cid, created: res.status === 201 });
  }
  return pinned;
}
