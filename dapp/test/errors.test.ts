/**
 * A contract's refusal reaches the person as one sentence naming its custom error and arguments:
 * real reverts from a real anvil, through viem, walked by describeError.
 */
import { deviceRegistryAbi, GridProofError } from '@gridproof/protocol';
import { createPublicClient, http, type Hex } from 'viem';
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
    const unknown = '0x4142434400000004d2' as Hex;
    const error = await refusal(() =>
      client.simulateContract({
        address: chain.deployment.deviceRegistry,
        abi: deviceRegistryAbi,
        functionName: 'revokeDevice',
        args: [unknown],
        account: privateKeyToAddress(ANVIL_KEYS.deployer),
      }),
    );
    expect(describeError(error)).toBe(`The contract refused revokeDevice: DeviceRegistryUnknownDevice(deviceId: ${unknown}).`);
  });

  it('names every argument of a multi-argument error', async () => {
    const client = createPublicClient({ transport: http(chain.rpcUrl) });
    const count = await client.readContract({ address: chain.deployment.deviceRegistry, abi: deviceRegistryAbi, functionName: 'deviceCount' });
    const error = await refusal(() =>
      client.readContract({ address: chain.deployment.deviceRegistry, abi: deviceRegistryAbi, functionName: 'deviceIdAt', args: [99n] }),
    );
    expect(describeError(error)).toBe(`The contract refused deviceIdAt: DeviceRegistryIndexOutOfBounds(index: 99, count: ${count}).`);
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
