/**
 * Issue 9 acceptance, in Chromium against the whole system as `npm start` runs it (startDevnet in process, 10 s
 * windows): a company registers through the dApp with an injected wallet, reloads, signs in and reads its decrypted
 * profile; an installer creates an organisation, manages its electricians and certifies a new meter through the
 * console; the meter (driven from here: protocol's encodeReading + signReadingBytes, POST /v1/readings) streams and
 * its readings appear in the next anchored window, verified in the dApp; the installer revokes it and its next
 * readings are refused with DEVICE_REVOKED. The wallet is a fake EIP-1193 provider (addInitScript) that forwards to
 * anvil, whose dev accounts are unlocked: anvil signs the transactions and the SIWE messages.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDevnet, type Devnet } from '@gridproof/devnet';
import { ApiRefusal, createOracleApiClient } from '@gridproof/oracle-api/client';
import {
  companyIdentityAbi,
  concatBytes,
  dataLoggerAbi,
  decodeMemberList,
  deviceIdToBytes,
  deviceRegistryAbi,
  encodeReading,
  fromHex,
  installerRegistryAbi,
  KeyType,
  publicKeyOf,
  signReadingBytes,
  toHex,
} from '@gridproof/protocol';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './fixture.js';
import { createPublicClient, http, keccak256, stringToHex, type Address, type PublicClient } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BUILD = fileURLToPath(new URL('../build', import.meta.url));
/** anvil's dev accounts 8 and 9 (unlocked on anvil; devnet's own roles use the first ones). */
const COMPANY: Address = '0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f';
const INSTALLER: Address = '0xa0Ee7A142d267C1f36714E4a8F75612F20a79720';
/** anvil's account 7: added and removed again as an electrician. */
const OTHER: Address = '0x14dC79964da2C08b23698B3D3cc7Ca32193d9955';
const PASSPHRASE = 'solar harvest on the northern dyke';
const DEVICE = 'SOLR_0917';
const METER_KEY = fromHex(keccak256(stringToHex('gridproof dapp acceptance meter')));

let devnet: Devnet;
let browser: Browser;
let chain: PublicClient;
let dataDir: string;
const pageErrors: string[] = [];
const devnetLog: string[] = [];

beforeAll(async () => {
  if (!existsSync(join(BUILD, 'index.html'))) throw new Error(`No build at ${BUILD}: run \`npm run build -w dapp\` first (npm test does).`);
  dataDir = mkdtempSync(join(tmpdir(), 'gridproof-dapp-identity-'));
  devnet = await startDevnet({
    windowSeconds: 10,
    sealGraceSeconds: 2,
    fleetSize: 2,
    readingIntervalSeconds: 5,
    meterPath: 'http',
    dataDir,
    log: (component, line) => devnetLog.push(`[${component}] ${line}`),
  });
  if (!devnet.urls.dapp) throw new Error('startDevnet served no dApp');
  chain = createPublicClient({ transport: http(devnet.urls.rpc) }) as PublicClient;
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await devnet?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** A browser profile whose injected wallet is `address`: `eth_accounts` is [] until `eth_requestAccounts`; the rest goes to anvil. */
async function walletContext(address: Address): Promise<BrowserContext> {
  const context = await browser.newContext();
  await context.addInitScript(
    ({ rpcUrl, account }) => {
      let connected = false;
      let id = 0;
      const listeners: Record<string, ((...args: unknown[]) => void)[]> = {};
      const rpc = async (method: string, params: unknown) => {
        const res = await fetch(rpcUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ jsonrpc: '2.0', id: ++id, method, params: params ?? [] }),
        });
        const body = await res.json();
        if (body.error) throw Object.assign(new Error(body.error.message), { code: body.error.code, data: body.error.data });
        return body.result;
      };
      (window as unknown as { ethereum: unknown }).ethereum = {
        async request({ method, params }: { method: string; params?: unknown }) {
          switch (method) {
            case 'eth_requestAccounts':
              connected = true;
              return [account];
            case 'eth_accounts':
              return connected ? [account] : [];
            case 'wallet_requestPermissions':
              connected = true;
              return [{ parentCapability: 'eth_accounts' }];
            case 'wallet_revokePermissions':
              connected = false;
              return null;
            default:
              return rpc(method, params);
          }
        },
        on(event: string, fn: (...args: unknown[]) => void) {
          listeners[event] = [...(listeners[event] ?? []), fn];
        },
        removeListener(event: string, fn: (...args: unknown[]) => void) {
          listeners[event] = (listeners[event] ?? []).filter((f) => f !== fn);
        },
      };
    },
    { rpcUrl: devnet.urls.rpc, account: address },
  );
  return context;
}

async function open(context: BrowserContext, route: string): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  await page.goto(`${devnet.urls.dapp}#${route}`);
  return page;
}

async function connect(page: Page, address: Address) {
  await page.locator('[data-testid="connect-button"]').click();
  await page.locator(`[data-testid="wallet-account"][data-address="${address}"]`).waitFor({ timeout: 15_000 });
}

/** The lines of a progress list once its last step is confirmed, or as soon as one fails. */
async function finished(page: Page, testid: string, timeout = 60_000): Promise<{ step: string; status: string; text: string }[]> {
  const list = page.locator(`[data-testid="${testid}"]`);
  await list
    .locator('[data-testid="progress-step"]:last-child[data-status="confirmed"], [data-testid="progress-step"][data-status="failed"]')
    .first()
    .waitFor({ timeout });
  return list
    .locator('[data-testid="progress-step"]')
    .evaluateAll((els) =>
      els.map((e) => ({ step: (e as HTMLElement).dataset.step ?? '', status: (e as HTMLElement).dataset.status ?? '', text: e.textContent ?? '' })),
    );
}

/** `step:status` per line; a failed line carries its sentence, so a failure names its cause. */
const statuses = (lines: { step: string; status: string; text: string }[]) =>
  lines.map((l) => (l.status === 'failed' ? `${l.step}:${l.status} (${l.text})` : `${l.step}:${l.status}`));

describe('identity and installers in the dApp (issue 9)', () => {
  let organisationId: bigint;

  it('a company registers through the dApp: encrypted in the browser, signed in, pinned, minted', async () => {
    const context = await walletContext(COMPANY);
    const page = await open(context, '/company');
    await connect(page, COMPANY);
    const form = page.locator('[data-testid="company-register"]');
    await form.waitFor({ timeout: 15_000 });
    const fields: Record<string, string> = {
      name: 'Solarpark Nord',
      legalForm: 'GmbH',
      registrationNumber: 'HRB 123456 B',
      street: 'Hafenstraße 1',
      postalCode: '20457',
      city: 'Hamburg',
      country: 'DE',
      contactEmail: 'energie@solarpark-nord.example',
      annualProductionKwh: '1250000',
      annualConsumptionKwh: '48000',
      smartMeterIds: `${DEVICE}, HOUS_0007`,
    };
    for (const [name, value] of Object.entries(fields)) await form.locator(`[name="${name}"]`).fill(value);
    await form.locator('[name="passphrase"]').fill(PASSPHRASE);
    // Typed differently the second time: refused before anything runs.
    await form.locator('[name="passphraseRepeat"]').fill(`${PASSPHRASE}!`);
    await page.locator('[data-testid="register-button"]').click();
    expect(await page.locator('[data-testid="form-error"]').textContent()).toContain('The two passphrases differ');
    await form.locator('[name="passphraseRepeat"]').fill(PASSPHRASE);
    await page.locator('[data-testid="register-button"]').click();

    const lines = await finished(page, 'register-progress');
    expect(statuses(lines)).toEqual(['encrypt:confirmed', 'sign-in:confirmed', 'pin:confirmed', 'transaction:confirmed']);
    const cid = lines.find((l) => l.step === 'pin')!.text.match(/bagu[a-z2-7]+/)![0];
    const identity = page.locator('[data-testid="company-identity"]');
    await identity.waitFor({ timeout: 15_000 });
    expect(await identity.getAttribute('data-cid')).toBe(cid);

    // On chain: the identity points at the pinned CID; the pinned bytes hold nothing readable.
    const id = await chain.readContract({ address: devnet.deployment.companyIdentity, abi: companyIdentityAbi, functionName: 'identityOf', args: [COMPANY] });
    expect(id).toBeGreaterThan(0n);
    expect(await chain.readContract({ address: devnet.deployment.companyIdentity, abi: companyIdentityAbi, functionName: 'profileCid', args: [id] })).toBe(cid);
    const pinned = await (await fetch(`${devnet.urls.api}/ipfs/${cid}?format=raw`)).text();
    for (const secret of ['1250000', 'Solarpark', DEVICE, 'Hamburg']) expect(pinned).not.toContain(secret);
    await context.close();
  }, 120_000);

  it('after a reload the company signs in and reads its decrypted profile; a wrong passphrase says so', async () => {
    const context = await walletContext(COMPANY);
    const page = await open(context, '/company');
    await connect(page, COMPANY);
    await page.locator('[data-testid="company-identity"]').waitFor({ timeout: 15_000 });
    await page.locator('[name="openPassphrase"]').fill('not the passphrase at all');
    await page.locator('[data-testid="open-button"]').click();
    const wrong = await finished(page, 'open-progress');
    expect(wrong.map((l) => `${l.step}:${l.status}`)).toEqual(['sign-in:confirmed', 'identity:confirmed', 'fetch:confirmed', 'decrypt:failed']);
    expect(wrong.at(-1)!.text).toContain('does not decrypt with this passphrase');

    await page.locator('[name="openPassphrase"]').fill(PASSPHRASE);
    await page.locator('[data-testid="open-button"]').click();
    const view = page.locator('[data-testid="profile-view"]');
    await view.waitFor({ timeout: 30_000 });
    const field = (name: string) => view.locator(`[data-field="${name}"]`).textContent();
    expect(await field('annualProductionKwh')).toBe('1250000.000 kWh');
    expect(await field('annualConsumptionKwh')).toBe('48000.000 kWh');
    expect(await field('smartMeterIds')).toBe(`${DEVICE}, HOUS_0007`);
    expect(await field('address')).toBe('Hafenstraße 1, 20457 Hamburg, DE');
    // The sign-in of the failed attempt was kept: the second one reused the session.
    expect((await finished(page, 'open-progress')).find((l) => l.step === 'sign-in')!.text).toContain('already signed in');
    await context.close();
  }, 120_000);

  it('an installer creates an organisation and manages its electricians: each change pins the member list whose CID goes on chain', async () => {
    const context = await walletContext(INSTALLER);
    const page = await open(context, '/installers');
    await connect(page, INSTALLER);
    await page.locator('[name="organisationName"]').fill('Elektro Nord');
    await page.locator('[data-testid="create-organisation"]').click();
    expect(statuses(await finished(page, 'installer-progress'))).toEqual([
      'member-list:confirmed',
      'sign-in:confirmed',
      'pin:confirmed',
      'transaction:confirmed',
    ]);
    const org = page.locator('[data-testid="organisation"][data-admin="true"]');
    await org.waitFor({ timeout: 15_000 });
    organisationId = BigInt((await org.getAttribute('data-organisation'))!);

    const change = async (action: () => Promise<void>, account: Address, present: boolean) => {
      await action();
      const lines = await finished(page, 'installer-progress');
      expect(statuses(lines)).toEqual(['member-list:confirmed', 'sign-in:confirmed', 'pin:confirmed', 'transaction:confirmed']);
      const row = page.locator(`[data-testid="member-row"][data-role="electrician"][data-account="${account.toLowerCase()}"]`);
      await (present ? row.waitFor({ timeout: 15_000 }) : row.waitFor({ state: 'detached', timeout: 15_000 }));
      return lines.find((l) => l.step === 'pin')!.text.match(/bagu[a-z2-7]+/)![0];
    };
    const add = (account: Address) => async () => {
      await page.locator('[name="electrician"]').fill(account);
      await page.locator('[data-testid="add-electrician"]').click();
    };
    await change(add(INSTALLER), INSTALLER, true);
    await change(add(OTHER), OTHER, true);
    const lastCid = await change(
      () => page.locator(`[data-testid="member-row"][data-account="${OTHER.toLowerCase()}"] [data-testid="remove-electrician"]`).click(),
      OTHER,
      false,
    );

    const registry = { address: devnet.deployment.installerRegistry, abi: installerRegistryAbi } as const;
    expect(await chain.readContract({ ...registry, functionName: 'isAdmin', args: [organisationId, INSTALLER] })).toBe(true);
    expect(await chain.readContract({ ...registry, functionName: 'isElectrician', args: [organisationId, INSTALLER] })).toBe(true);
    expect(await chain.readContract({ ...registry, functionName: 'isElectrician', args: [organisationId, OTHER] })).toBe(false);
    const onChain = await chain.readContract({
      address: devnet.deployment.installerRegistry,
      abi: installerRegistryAbi,
      functionName: 'getOrganisation',
      args: [organisationId],
    });
    expect(onChain.memberListCid).toBe(lastCid);
    const list = decodeMemberList(new Uint8Array(await (await fetch(`${devnet.urls.api}/ipfs/${lastCid}?format=raw`)).arrayBuffer()));
    expect(list).toMatchObject({
      organisationId: organisationId.toString(),
      name: 'Elektro Nord',
      admins: [INSTALLER.toLowerCase()],
      electricians: [INSTALLER.toLowerCase()],
    });
    await context.close();
  }, 180_000);

  it('the company updates its profile (re-encrypted, pinned, updateProfile) and trusts, then distrusts, the organisation', async () => {
    const context = await walletContext(COMPANY);
    const page = await open(context, '/company');
    await connect(page, COMPANY);
    const before = await page.locator('[data-testid="company-identity"]').getAttribute('data-cid', { timeout: 15_000 });
    await page.locator('[name="openPassphrase"]').fill(PASSPHRASE);
    await page.locator('[data-testid="open-button"]').click();
    await page.locator('[data-testid="edit-button"]').click({ timeout: 30_000 });
    const edit = page.locator('[data-testid="profile-edit"]');
    await edit.locator('[name="annualConsumptionKwh"]').fill('51000');
    await page.locator('[data-testid="update-button"]').click();
    const lines = await finished(page, 'update-progress');
    expect(statuses(lines)).toEqual(['encrypt:confirmed', 'sign-in:confirmed', 'pin:confirmed', 'transaction:confirmed']);
    const after = lines.find((l) => l.step === 'pin')!.text.match(/bagu[a-z2-7]+/)![0];
    expect(after).not.toBe(before);
    expect(await page.locator('[data-testid="profile-view"] [data-field="annualConsumptionKwh"]').textContent()).toBe('51000.000 kWh');
    const id = await chain.readContract({ address: devnet.deployment.companyIdentity, abi: companyIdentityAbi, functionName: 'identityOf', args: [COMPANY] });
    expect(await chain.readContract({ address: devnet.deployment.companyIdentity, abi: companyIdentityAbi, functionName: 'profileCid', args: [id] })).toBe(
      after,
    );

    const trusts = () =>
      chain.readContract({ address: devnet.deployment.installerRegistry, abi: installerRegistryAbi, functionName: 'trusts', args: [COMPANY, organisationId] });
    const row = page.locator(`[data-testid="trust-row"][data-organisation="${organisationId}"]`);
    for (const trusted of [true, false]) {
      await row.locator('[data-testid="trust-button"]').click({ timeout: 15_000 });
      expect(statuses(await finished(page, 'trust-progress'))).toEqual(['transaction:confirmed']);
      await page.locator(`[data-testid="trust-row"][data-organisation="${organisationId}"][data-trusted="${trusted}"]`).waitFor({ timeout: 15_000 });
      expect(await trusts()).toBe(trusted);
    }
    await context.close();
  }, 120_000);

  it('the installer certifies a new meter; it streams, its readings are anchored and verify in the dApp; revoked, its next readings are refused', async () => {
    const context = await walletContext(INSTALLER);
    const page = await open(context, '/installers');
    await connect(page, INSTALLER);
    const certify = page.locator('[data-testid="certify"]');
    await certify.waitFor({ timeout: 15_000 });
    const publicKey = toHex(publicKeyOf(KeyType.P256, METER_KEY));
    await certify.locator('[name="deviceId"]').fill('XXXX_0917');
    await certify.locator('[name="publicKey"]').fill(publicKey);
    await certify.locator('[name="owner"]').fill(COMPANY);
    await certify.locator('[name="ratedCapacityW"]').fill('7200');
    // Checked against the sector table before anything is sent.
    await page.locator('[data-testid="certify-button"]').click();
    expect(await page.locator('[data-testid="form-error"]').textContent()).toContain('Sector code XXXX of XXXX_0917 is not in the sector table');
    await certify.locator('[name="deviceId"]').fill(DEVICE);
    await page.locator('[data-testid="certify-button"]').click();
    expect(statuses(await finished(page, 'installer-progress'))).toEqual(['transaction:confirmed']);
    await page.locator(`[data-testid="org-device-row"][data-device="${DEVICE}"][data-active="true"]`).waitFor({ timeout: 15_000 });

    // The device page shows who certified it, under which organisation, when, its role and capacity.
    const detail = await open(context, `/device/${DEVICE}`);
    const field = (name: string) => detail.locator(`[data-testid="device-detail"] [data-field="${name}"]`).textContent();
    await detail.locator('[data-testid="device-detail"]').waitFor({ timeout: 15_000 });
    expect(await field('certifier')).toBe(INSTALLER);
    expect(await field('organisationId')).toBe(`#${organisationId}`);
    expect(await field('role')).toBe('production');
    expect(await field('ratedCapacityW')).toBe('7200 W');
    expect(await field('owner')).toBe(COMPANY);
    expect(await field('revocation')).toBe('not revoked');
    expect(await field('certifiedAt')).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);

    // The meter streams one signed reading a second.
    const api = createOracleApiClient({ baseUrl: devnet.urls.api });
    let counter = 0;
    let energyWh = 1000;
    const post = (timestamp = Math.floor(Date.now() / 1000)) => {
      counter += 1;
      energyWh += 2;
      const reading = encodeReading({ deviceId: DEVICE, counter, timestamp, powerW: 7000, energyWh, voltageMv: 230_000, status: 'ON' });
      return api.postReadings([concatBytes(reading, signReadingBytes(reading, KeyType.P256, METER_KEY))]);
    };
    const first = await post();
    expect(first).toMatchObject({ accepted: 1, readings: [{ deviceId: DEVICE, counter: 1, duplicate: false }] });
    const windowStart = first.readings[0].windowStart;
    const streaming = setInterval(() => void post().catch(() => {}), 1000);
    try {
      // The next anchored window holds it: the DataLogger records the window (the DON re-verified our signatures).
      for (const deadline = Date.now() + 90_000; ; ) {
        if (await chain.readContract({ address: devnet.deployment.dataLogger, abi: dataLoggerAbi, functionName: 'isRecorded', args: [BigInt(windowStart)] }))
          break;
        if (Date.now() > deadline) throw new Error(`window ${windowStart} was not recorded in 90 s:\n${devnetLog.slice(-40).join('\n')}`);
        await new Promise((r) => setTimeout(r, 1000));
      }
    } finally {
      clearInterval(streaming);
    }
    const windowPage = await open(context, `/window/${windowStart}`);
    const row = windowPage.locator(`[data-testid="reading-row"][data-device="${DEVICE}"][data-counter="1"]`);
    await row.waitFor({ timeout: 30_000 });
    await row.locator('[data-testid="verify-button"]').click();
    const verdict = windowPage.locator(`[data-testid="verification"][data-device="${DEVICE}"][data-counter="1"] [data-testid="verdict"]`);
    await verdict.waitFor({ timeout: 30_000 });
    expect(await verdict.getAttribute('data-verdict')).toBe('pass');

    // The installer's admin revokes it (key compromised) through the console.
    await page.bringToFront();
    await page.locator('[name="revokeDeviceId"]').fill(DEVICE);
    await page.locator('[name="reason"]').selectOption('2');
    await page.locator('[data-testid="revoke-button"]').click();
    expect(statuses(await finished(page, 'installer-progress'))).toEqual(['transaction:confirmed']);
    const device = await chain.readContract({
      address: devnet.deployment.deviceRegistry,
      abi: deviceRegistryAbi,
      functionName: 'getDevice',
      args: [toHex(deviceIdToBytes(DEVICE))],
    });
    expect(device.revocationReason).toBe(2);
    const revokedAt = Number(device.revokedAt);
    await detail.reload();
    await detail.locator('[data-testid="device-detail"][data-active="false"]').waitFor({ timeout: 15_000 });
    expect(await field('revocation')).toBe(
      `revoked ${new Date(revokedAt * 1000).toISOString().slice(0, 19).replace('T', ' ')} UTC, reason: key compromised — readings from then on are invalid`,
    );

    // Its next readings (timestamped from the revocation on) are refused; the API sees the revocation within a sync.
    let refusal: unknown;
    for (const deadline = Date.now() + 20_000; Date.now() < deadline; ) {
      refusal = await post(Math.max(revokedAt, Math.floor(Date.now() / 1000))).then(
        () => undefined,
        (e) => e,
      );
      if (refusal) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(refusal).toBeInstanceOf(ApiRefusal);
    expect(refusal).toMatchObject({ code: 'DEVICE_REVOKED' });
    expect(pageErrors).toEqual([]);
    await context.close();
  }, 240_000);
});
