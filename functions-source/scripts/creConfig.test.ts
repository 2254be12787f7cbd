import { describe, expect, test } from 'bun:test';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { CRE_CHAIN_NAMES, creConfigFor } from './creConfig.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** A scratch repo root with the real network configs and a deployment file per network. */
function scratchRoot(): string {
  const dir = mkdtempSync(`${tmpdir()}/cre-config-`);
  mkdirSync(`${dir}/contracts/deployments`, { recursive: true });
  cpSync(`${root}contracts/script/networks`, `${dir}/contracts/script/networks`, { recursive: true });
  for (const network of Object.keys(CRE_CHAIN_NAMES)) {
    const { chainId } = JSON.parse(readFileSync(`${dir}/contracts/script/networks/${network}.json`, 'utf8'));
    writeFileSync(
      `${dir}/contracts/deployments/${chainId}.json`,
      JSON.stringify({ chainId, deviceRegistry: `0x${'1'.repeat(40)}`, dataLogger: `0x${'2'.repeat(40)}` }),
    );
  }
  return dir;
}

describe('CRE config per network', () => {
  const dir = scratchRoot();
  test.each(Object.entries(CRE_CHAIN_NAMES))(
    '%s: addresses from the deployment, the CRE chain name, and a config the workflow accepts',
    (network, chainName) => {
      const config = creConfigFor({ network, apiUrl: 'https://api.gridproof.example', root: dir });
      expect(config.chainSelectorName).toBe(chainName);
      expect(config.dataLoggerAddress).toBe(`0x${'2'.repeat(40)}`);
      expect(config.deviceRegistryAddress).toBe(`0x${'1'.repeat(40)}`);
    },
  );

  test('refuses a network that was not deployed, and one it does not know', () => {
    const empty = mkdtempSync(`${tmpdir()}/cre-config-empty-`);
    cpSync(`${root}contracts/script/networks`, `${empty}/contracts/script/networks`, { recursive: true });
    expect(() => creConfigFor({ network: 'sepolia', apiUrl: 'https://a.example', root: empty })).toThrow(/No deployment/);
    expect(() => creConfigFor({ network: 'mainnet', apiUrl: 'https://a.example', root: dir })).toThrow(/Unknown network/);
  });
});
