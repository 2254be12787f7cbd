/**
 * A contract's refusal reaches the person as one sentence naming its custom error and arguments:
 * real reverts from a real anvil, through viem, walked by describeError.
 */
import { companyIdentityAbi, deviceRegistryAbi, GridProofError, installerRegistryAbi } from '@gridproof/protocol';
import { createPublicClient, http, UserRejectedRequestError, type Hex } from 'viem';
import { privateKeyToAddress } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeError, GatewayFetchError, InvalidAppConfigError } from '../src/lib/errors.js';
import { ANVIL_KEYS } from '@gridproof/test-support';
import { startChain, type Deployment, type Stoppable } from './fixture.js';

let chain: Stoppable & { rpcUrl: string; chainId: number; deployment: Deployment };
beforeAll(async () => {
  chain = await startChain();
});
afterAll(() => chain?.stop());

async function refusal(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  throw new Error('the call did not revert');
}

describe('describeError', () => {
  it('names a custom error with its named arguments and the refused function', async () => {
    const client = createPublicClient({ transport: http(chain.rpcUrl) });
    const unknown = '0x414243445f31323334' as Hex; // 'ABCD_1234'
    const error = await refusal(() =>
      client.simulateContract({
        address: chain.deployment.deviceRegistry,
        abi: deviceRegistryAbi,
        functionName: 'revokeDevice',
        args: [unknown, 1],
        account: privateKeyToAddress(ANVIL_KEYS.deployer),
      }),
    );
    // An issue-9 registry error reads as a sentence, the device id decoded, the error's name kept.
    expect(describeError(error)).toBe('The contract refused revokeDevice: device ABCD_1234 was never certified (DeviceRegistryUnknownDevice).');
  });

  it('names every argument of a multi-argument error', async () => {
    const client = createPublicClient({ transport: http(chain.rpcUrl) });
    const count = await client.readContract({ address: chain.deployment.deviceRegistry, abi: deviceRegistryAbi, functionName: 'deviceCount' });
    const error = await refusal(() =>
      client.readContract({ address: chain.deployment.deviceRegistry, abi: deviceRegistryAbi, functionName: 'deviceIdAt', args: [99n] }),
    );
    expect(describeError(error)).toBe(`The contract refused deviceIdAt: DeviceRegistryIndexOutOfBounds(index: 99, count: ${count}).`);
  });

  it('identity and installer errors read as sentences with their values and the error name', async () => {
    const client = createPublicClient({ transport: http(chain.rpcUrl) });
    const account = privateKeyToAddress(ANVIL_KEYS.deployer);
    const notElectrician = await refusal(() =>
      client.simulateContract({
        address: chain.deployment.deviceRegistry,
        abi: deviceRegistryAbi,
        functionName: 'certifyDevice',
        args: [5n, '0x534f4c525f30313031', 1, `0x${'11'.repeat(64)}`, account, 1, 5000],
        account,
      }),
    );
    expect(describeError(notElectrician)).toBe(
      `The contract refused certifyDevice: ${account} is not an electrician of organisation #5 (DeviceRegistryNotElectrician).`,
    );
    const unknownOrg = await refusal(() =>
      client.readContract({ address: chain.deployment.installerRegistry, abi: installerRegistryAbi, functionName: 'getOrganisation', args: [42n] }),
    );
    expect(describeError(unknownOrg)).toBe(
      'The contract refused getOrganisation: no installer organisation #42 exists (InstallerRegistryUnknownOrganisation).',
    );
    const noIdentity = await refusal(() =>
      client.simulateContract({ address: chain.deployment.companyIdentity, abi: companyIdentityAbi, functionName: 'updateProfile', args: ['bafy'], account }),
    );
    expect(describeError(noIdentity)).toBe(
      `The contract refused updateProfile: account ${account} holds no company identity; register the company first (CompanyIdentityNotRegistered).`,
    );
  });

  it('a request rejected in the wallet says so', () => {
    expect(describeError(new Error('wrapped', { cause: new UserRejectedRequestError(new Error('User denied')) }))).toBe(
      'You rejected the request in your wallet.',
    );
  });

  it("the dApp's own errors are GridProofErrors with a stable code, shown by their short message", () => {
    const cause = new TypeError('fetch failed');
    const error = new GatewayFetchError('Gateway http://127.0.0.1:9 did not answer.', { cause, details: { cid: 'bafy' } });
    expect(error).toBeInstanceOf(GridProofError);
    expect(error.code).toBe('GATEWAY_FETCH_FAILED');
    expect(error.walk()).toBe(cause);
    expect(new InvalidAppConfigError('config.json: chainId must be a positive integer.').code).toBe('INVALID_APP_CONFIG');
    expect(describeError(error)).toBe('Gateway http://127.0.0.1:9 did not answer.');
  });
});
