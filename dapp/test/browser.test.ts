/**
 * The built dApp in Chromium against a real chain (anvil + the project's contracts, window
 * recorded through Chainlink's KeystoneForwarder) and a local trustless gateway.
 * Run after `npm run build` (`npm test` does both).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  anchorVectorWindow,
  commitListWindow,
  freezeDevice,
  launchChromium,
  recordListWindow,
  startChain,
  startGateway,
  startStaticServer,
  tamperedVectorDocument,
  vectorCid,
  vectorDocumentBytes,
  windowVector,
  type Deployment,
  type Stoppable,
} from './fixture.js';

const BUILD = fileURLToPath(new URL('../build', import.meta.url));
/** Served like a gateway serves a directory, to prove the build works below /ipfs/<cid>/. */
const APP_PREFIX = '/ipfs/bafybeigridproofdappbuild/';

const STEP_IDS = ['document', 'cid', 'reading', 'device', 'frozen', 'signature', 'reading-proof', 'summary-proof', 'root', 'contract'];

let stops: Stoppable[] = [];
let browser: Browser;
let appUrl: string;
let tamperingGatewayUrl: string;
let deployment: Deployment;
let rpcUrl: string;
const pageErrors: string[] = [];

beforeAll(async () => {
  if (!existsSync(join(BUILD, 'index.html'))) throw new Error(`No build at ${BUILD}: run \`npm run build -w dapp\` first (npm test does).`);
  const chain = await startChain();
  stops.push(chain);
  deployment = chain.deployment;
  rpcUrl = chain.rpcUrl;
  await anchorVectorWindow(chain.rpcUrl, deployment);

  const gateway = await startGateway();
  stops.push(gateway);
  gateway.serve(vectorCid(), vectorDocumentBytes());
  // A dishonest gateway: same CID, one signature hex digit changed.
  const tampering = await startGateway();
  stops.push(tampering);
  tampering.serve(vectorCid(), tamperedVectorDocument('SOLR_0002'));
  tamperingGatewayUrl = tampering.url;

  const app = await startStaticServer(
    BUILD,
    {
      chainId: chain.chainId,
      rpcUrl: chain.rpcUrl,
      apiUrl: 'http://127.0.0.1:9', // the verification pages do not use the API
      gatewayUrl: gateway.url,
      deviceRegistry: deployment.deviceRegistry,
      dataLogger: deployment.dataLogger,
      startBlock: deployment.startBlock,
    },
    APP_PREFIX,
  );
  stops.push(app);
  appUrl = app.url;

  // playwright gives every launch a fresh temporary profile (its --user-data-dir).
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  for (const s of stops.reverse()) await s.stop();
  stops = [];
});

async function openPage(url: string): Promise<Page> {
  const page = await browser.newPage();
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  await page.goto(url);
  return page;
}

async function verifyAndReadSteps(page: Page, deviceId: string, counter: number) {
  const row = page.locator(`[data-testid="reading-row"][data-device="${deviceId}"][data-counter="${counter}"]`);
  await row.locator('[data-testid="verify-button"]').click();
  const panel = page.locator(`[data-testid="verification"][data-device="${deviceId}"][data-counter="${counter}"]`);
  await panel.locator('[data-testid="verdict"]').waitFor({ timeout: 30_000 });
  const steps = await panel
    .locator('[data-testid="verify-step"]')
    .evaluateAll((els) => els.map((e) => ({ step: (e as HTMLElement).dataset.step, status: (e as HTMLElement).dataset.status, text: e.textContent ?? '' })));
  const verdict = await panel.locator('[data-testid="verdict"]').evaluate((e) => ({ verdict: (e as HTMLElement).dataset.verdict, text: e.textContent ?? '' }));
  return { steps, verdict };
}

describe('dApp in Chromium', () => {
  it('lists the window anchored on chain, with the CID rebuilt from the on-chain digest', async () => {
    const page = await openPage(appUrl);
    const rows = page.locator('[data-testid="window-row"]');
    await rows.first().waitFor({ timeout: 30_000 });
    expect(await rows.count()).toBe(1);
    const cells = await rows.first().locator('td').allTextContents();
    expect(cells).toEqual(['2026-01-01 00:00–00:05 UTC', '12', '3', '0.235 kWh', expect.stringMatching(/^0x10a94bb9/), windowVector.cid]);
    await page.close();
  });

  it('the window list refreshes by itself when a window is recorded; the devices page lists the registry', async () => {
    const page = await openPage(appUrl);
    const rows = page.locator('[data-testid="window-row"]');
    await rows.first().waitFor({ timeout: 30_000 });
    expect(await rows.count()).toBe(1);
    const later = windowVector.windowStart + 3000;
    await recordListWindow(rpcUrl, deployment, later);
    await page.locator(`[data-testid="window-row"][data-window-start="${later}"]`).waitFor({ timeout: 15_000 });
    expect(await rows.evaluateAll((els) => els.map((e) => Number((e as HTMLElement).dataset.windowStart)))).toEqual([later, windowVector.windowStart]);

    await page.locator('nav a[href="#/devices"]').click();
    const devices = page.locator('[data-testid="device-row"]');
    await devices.first().waitFor({ timeout: 30_000 });
    expect(await devices.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.device))).toEqual(
      windowVector.devices.map((d) => d.deviceId).reverse(),
    );
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('opens the window from the list and verifies a P-256 and an Ed25519 reading: every step passes', async () => {
    const page = await openPage(appUrl);
    await page.locator(`[data-testid="window-row"][data-window-start="${windowVector.windowStart}"] a`).click();
    await page.waitForURL(`**#/window/${windowVector.windowStart}`);
    const readings = page.locator('[data-testid="reading-row"]');
    await readings.first().waitFor({ timeout: 30_000 });
    expect(await readings.count()).toBe(12);
    expect(await page.locator('[data-testid="window-cid"]').textContent()).toBe(windowVector.cid);

    for (const [deviceId, counter, method] of [
      ['SOLR_0001', 11, 'WebCrypto ECDSA P-256 / SHA-256'],
      ['INDU_0042', 14, 'WebCrypto Ed25519 over SHA-256(reading)'],
    ] as const) {
      const { steps, verdict } = await verifyAndReadSteps(page, deviceId, counter);
      expect(steps.map((s) => [s.step, s.status])).toEqual(STEP_IDS.map((id) => [id, 'pass']));
      expect(verdict.verdict).toBe('pass');
      // The compared values are on screen: on-chain digest and root, the registry key type.
      expect(steps.find((s) => s.step === 'cid')!.text).toContain(windowVector.cidDigest);
      expect(steps.find((s) => s.step === 'root')!.text).toContain(windowVector.root);
      expect(steps.find((s) => s.step === 'signature')!.text).toContain(method);
    }
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('a gateway serving a tampered document (one signature digit flipped): step cid fails and is named', async () => {
    const page = await openPage(`${appUrl}?gateway=${encodeURIComponent(tamperingGatewayUrl)}#/window/${windowVector.windowStart}`);
    await page.locator('[data-testid="reading-row"]').first().waitFor({ timeout: 30_000 });

    const tampered = await verifyAndReadSteps(page, 'SOLR_0002', 10);
    const status = Object.fromEntries(tampered.steps.map((s) => [s.step, s.status]));
    expect(status).toMatchObject({ document: 'pass', cid: 'fail', signature: 'fail', 'reading-proof': 'fail' });
    expect(tampered.verdict.verdict).toBe('fail');
    expect(tampered.verdict.text).toContain('SHA-256 of the document equals the on-chain CID digest');
    expect(tampered.steps.find((s) => s.step === 'cid')!.text).toContain('the gateway served other bytes than were anchored');

    // An untouched reading of the same tampered document still proves against the chain; only cid fails.
    const untouched = await verifyAndReadSteps(page, 'SOLR_0001', 10);
    expect(untouched.steps.filter((s) => s.status !== 'pass').map((s) => `${s.step}:${s.status}`)).toEqual(['cid:fail']);
    await page.close();
  });

  it('shows the contract error when the window is not on chain', async () => {
    const page = await openPage(`${appUrl}#/window/${windowVector.windowStart + 300}`);
    const error = page.locator('[data-testid="load-error"]');
    await error.waitFor({ timeout: 30_000 });
    expect(await error.textContent()).toBe(`The contract refused getWindow: DataLoggerUnknownWindow(windowStart: ${windowVector.windowStart + 300}).`);
    await page.close();
  });

  // Last: it freezes a device of the vector window for good.
  it('shows a withheld window and a frozen device; verification refuses the frozen device, naming it and the reason, and not the others', async () => {
    const withheld = windowVector.windowStart + 6000;
    await commitListWindow(rpcUrl, deployment, withheld);
    await freezeDevice(rpcUrl, deployment, windowVector.windowStart, 'SOLR_0002', 1);

    const list = await openPage(appUrl);
    await list.locator(`[data-testid="commit-row"][data-window-start="${withheld}"]`).waitFor({ timeout: 30_000 });
    const badge = list.locator(`[data-testid="window-row"][data-window-start="${windowVector.windowStart}"] [data-testid="window-frozen-devices"]`);
    await badge.waitFor({ timeout: 15_000 });
    expect((await badge.textContent())!.trim()).toBe('1 device frozen');
    expect(await list.locator(`[data-testid="window-row"][data-window-start="${withheld}"]`).count()).toBe(0);
    await list.close();

    const page = await openPage(`${appUrl}#/window/${windowVector.windowStart}`);
    await page.locator('[data-testid="reading-row"]').first().waitFor({ timeout: 30_000 });
    const frozenRow = page.locator('[data-testid="frozen-device"][data-device="SOLR_0002"]');
    await frozenRow.waitFor({ timeout: 15_000 });
    expect(await frozenRow.getAttribute('data-reason')).toBe('1');
    expect(await page.locator('[data-testid="device-frozen"]').count()).toBe(1);

    const refused = await verifyAndReadSteps(page, 'SOLR_0002', 10);
    expect(refused.verdict.verdict).toBe('fail');
    const frozenStep = refused.steps.find((s) => s.step === 'frozen')!;
    expect(frozenStep.status).toBe('fail');
    expect(frozenStep.text).toContain(
      "Device SOLR_0002 is frozen in this window: a fraud proof on chain showed that a signature does not verify against the device's registered P-256 key (reason 1).",
    );
    // The contract agrees: verifyReading reverts for the frozen device.
    expect(refused.steps.find((s) => s.step === 'contract')).toMatchObject({ status: 'fail', text: expect.stringContaining('DataLoggerDeviceFrozen') });

    // Another device of the same window stays provable.
    const honest = await verifyAndReadSteps(page, 'SOLR_0001', 11);
    expect(honest.steps.map((s) => [s.step, s.status])).toEqual(STEP_IDS.map((id) => [id, 'pass']));
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
