// installFleet and pinInstallationDocuments on a real anvil and a real oracle API: what the chain holds after devnet's
// fleet setup, that the pinned documents are the ones it names, and that the printed keys are anvil's test mnemonic.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPublicClient, http, toHex as viemToHex } from 'viem';
import { mnemonicToAccount } from 'viem/accounts';
import {
  DeviceRole,
  companyIdentityAbi,
  decodeMemberList,
  decodeProfileDocument,
  decryptProfile,
  deviceIdToBytes,
  deviceRegistryAbi,
  installerRegistryAbi,
  toHex,
} from '@gridproof/protocol';
import { silentLogger, startOracleApi } from '@gridproof/oracle-api';
import { createFleet } from '@gridproof/simulator';
import { ANVIL_KEYS, buildContracts, deployContracts, startAnvil, type AnvilHandle, type Deployment } from '@gridproof/test-support';
import {
  DEVNET_ACCOUNT_KEYS,
  DEVNET_INSTALLER_NAME,
  DEVNET_PROFILE_PASSPHRASE,
  DevnetPinError,
  installFleet,
  pinInstallationDocuments,
  type DevnetInstallation,
} from '../src/installation.js';

const fleet = createFleet({ size: 5, seed: 'installation-test' });
let anvil: AnvilHandle;
let deployment: Deployment;
let installation: DevnetInstallation;
let client: ReturnType<typeof createPublicClient>;
let api: Awaited<ReturnType<typeof startOracleApi>>;
const chainId = 35_400 + Math.floor(Math.random() * 1000);
const siwe = { domain: '127.0.0.1:5999', uri: 'http://127.0.0.1:5999/', chainId };

beforeAll(async () => {
  [anvil] = await Promise.all([startAnvil({ chainId }), buildContracts()]);
  deployment = await deployContracts({ rpcUrl: anvil.rpcUrl, chainId, deployerKey: ANVIL_KEYS.deployer, windowSeconds: 60 });
  client = createPublicClient({ transport: http(anvil.rpcUrl) });
  installation = await installFleet({ rpcUrl: anvil.rpcUrl, contracts: deployment, fleet });
  api = await startOracleApi({
    port: 0,
    dataDir: 'memory',
    rpcUrl: anvil.rpcUrl,
    deviceRegistryAddress: deployment.deviceRegistry,
    dataLoggerAddress: deployment.dataLogger,
    windowSeconds: 60,
    sealIntervalMs: 0,
    mqtt: false,
    auth: { siweDomain: siwe.domain, siweUri: siwe.uri, chainId },
    logger: silentLogger,
  });
}, 240_000);

afterAll(async () => {
  await api?.close();
  await anvil?.stop();
});

describe('devnet fleet setup (issue 9)', () => {
  it('uses anvil test-mnemonic accounts #4–#7, none of the deploy, DON or Automation accounts', () => {
    const mnemonic = 'test test test test test test test test test test test junk';
    const keys = [4, 5, 6, 7].map((i) => viemToHex(mnemonicToAccount(mnemonic, { addressIndex: i }).getHdKey().privateKey!));
    expect(Object.values(DEVNET_ACCOUNT_KEYS)).toEqual(keys);
    expect(installation.accounts.map((a) => a.privateKey)).toEqual(keys);
    for (const used of Object.values(ANVIL_KEYS)) expect(keys).not.toContain(used);
  });

  it('mints each company identity at its encrypted profile, which decrypts with the printed passphrase to its meters', async () => {
    const { solarOperator, industrialConsumer } = installation.companies;
    for (const [company, profile] of [
      [solarOperator, 'solar'],
      [industrialConsumer, 'industrial'],
    ] as const) {
      const id = await client.readContract({
        address: deployment.companyIdentity,
        abi: companyIdentityAbi,
        functionName: 'identityOf',
        args: [company.account.address],
      });
      expect(id).toBe(company.identityId);
      expect(await client.readContract({ address: deployment.companyIdentity, abi: companyIdentityAbi, functionName: 'profileCid', args: [id] })).toBe(
        company.profileCid,
      );
      const doc = installation.documents.find((d) => d.cid === company.profileCid)!;
      expect(doc.by.address).toBe(company.account.address);
      const decrypted = await decryptProfile(decodeProfileDocument(doc.bytes), DEVNET_PROFILE_PASSPHRASE);
      expect(decrypted.smartMeterIds).toEqual(fleet.filter((m) => m.profile === profile).map((m) => m.deviceId));
      await expect(decryptProfile(decodeProfileDocument(doc.bytes), 'wrong')).rejects.toMatchObject({ code: 'PROFILE_WRONG_PASSPHRASE' });
    }
  });

  it('records the organisation with its current member list naming the admin and the electrician', async () => {
    const { installer } = installation;
    const org = await client.readContract({
      address: deployment.installerRegistry,
      abi: installerRegistryAbi,
      functionName: 'getOrganisation',
      args: [installer.organisationId],
    });
    expect(org.name).toBe(DEVNET_INSTALLER_NAME);
    expect(org.memberListCid).toBe(installer.memberListCid);
    const list = decodeMemberList(installation.documents.find((d) => d.cid === org.memberListCid)!.bytes);
    expect(list).toEqual({
      format: 'gridproof-member-list/1',
      organisationId: installer.organisationId.toString(),
      name: DEVNET_INSTALLER_NAME,
      admins: [installer.admin.address.toLowerCase()],
      electricians: [installer.electrician.address.toLowerCase()],
    });
    expect(
      await client.readContract({
        address: deployment.installerRegistry,
        abi: installerRegistryAbi,
        functionName: 'isElectrician',
        args: [installer.organisationId, installer.electrician.address],
      }),
    ).toBe(true);
  });

  it('certifies every meter through the electrician with its owner, role and rated capacity', async () => {
    const devices = await client.readContract({
      address: deployment.deviceRegistry,
      abi: deviceRegistryAbi,
      functionName: 'getDevices',
      args: [fleet.map((m) => toHex(deviceIdToBytes(m.deviceId)))],
    });
    devices.forEach((d, i) => {
      const solar = fleet[i].profile === 'solar';
      expect(d.publicKey).toBe(toHex(fleet[i].publicKey));
      expect(d.owner).toBe((solar ? installation.companies.solarOperator : installation.companies.industrialConsumer).account.address);
      expect(d.role).toBe(solar ? DeviceRole.PRODUCTION : DeviceRole.CONSUMPTION);
      expect(d.ratedCapacityW).toBe(fleet[i].ratedW);
      expect(d.certifier).toBe(installation.installer.electrician.address);
      expect(d.organisationId).toBe(installation.installer.organisationId);
      expect(d.revokedAt).toBe(0n);
    });
    expect(fleet.some((m) => m.profile === 'industrial')).toBe(true);
  });

  it('pins every document through the API under the CID the chain names, signed in as its author', async () => {
    const pinned = await pinInstallationDocuments({ apiUrl: api.url, siwe, documents: installation.documents });
    expect(pinned.map((p) => p.cid)).toEqual(installation.documents.map((d) => d.cid));
    expect(pinned.every((p) => p.created)).toBe(true);
    for (const doc of installation.documents) {
      const res = await fetch(`${api.url}/ipfs/${doc.cid}?format=raw`);
      expect(res.status).toBe(200);
      expect(toHex(new Uint8Array(await res.arrayBuffer()))).toBe(toHex(doc.bytes));
    }
    // Pinning again is idempotent.
    expect((await pinInstallationDocuments({ apiUrl: api.url, siwe, documents: installation.documents.slice(0, 1) }))[0].created).toBe(false);
  });

  it('names the refused step when the API does not sign the account in', async () => {
    const err = await pinInstallationDocuments({ apiUrl: api.url, siwe: { ...siwe, domain: 'evil.example' }, documents: installation.documents }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DevnetPinError);
    expect(err).toMatchObject({ step: 'verify', status: 401 });
    expect((err as DevnetPinError).body).toContain('SIWE_DOMAIN_MISMATCH');
  });
});
