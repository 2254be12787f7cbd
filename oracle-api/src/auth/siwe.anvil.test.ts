// The production path: RPC_URL set, so the chain id is read from the chain and signatures go through viem's
// verifySiweMessage (ERC-6492 universal validator by eth_call, ERC-1271 for contract wallets), on a real anvil.
import { type AnvilHandle, startAnvil } from '@gridproof/test-support';
import { createPublicClient, createWalletClient, http, type Hex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, errorOf, type TestApi } from '../test/fixtures.js';
import { alice, bob, fetchNonce, postSignIn, siweMessage, TEST_DOMAIN, TEST_URI } from './signInForTests.js';

/**
 * OwnerWallet, an ERC-1271 test wallet (valid = its owner's ECDSA signature of the hash), compiled with solc 0.8.34
 * (optimizer 200 runs, evm osaka) from:
 *   contract OwnerWallet {
 *     address public immutable owner;
 *     constructor(address owner_) { owner = owner_; }
 *     function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
 *       if (signature.length != 65) return 0xffffffff;
 *       bytes32 r = bytes32(signature[0:32]); bytes32 s = bytes32(signature[32:64]); uint8 v = uint8(signature[64]);
 *       return ecrecover(hash, v, r, s) == owner ? bytes4(0x1626ba7e) : bytes4(0xffffffff);
 *     }
 *   }
 */
const OWNER_WALLET_BYTECODE: Hex =
  '0x60a0604052348015600e575f5ffd5b5060405161034e38038061034e833981016040819052602b91603b565b6001600160a01b03166080526066565b5f60208284031215604a575f5ffd5b81516001600160a01b0381168114605f575f5ffd5b9392505050565b6080516102ca6100845f395f8181606e015261014101526102ca5ff3fe608060405234801561000f575f5ffd5b5060043610610034575f3560e01c80631626ba7e146100385780638da5cb5b14610069575b5f5ffd5b61004b6100463660046101c4565b6100a8565b6040516001600160e01b031990911681526020015b60405180910390f35b6100907f000000000000000000000000000000000000000000000000000000000000000081565b6040516001600160a01b039091168152602001610060565b5f604182146100c057506001600160e01b03196101bd565b5f6100ce602082858761023b565b6100d791610262565b90505f6100e860406020868861023b565b6100f191610262565b90505f8585604081811061010757610107610280565b604080515f8152602081018083528c9052939091013560f81c90830181905260608301869052608083018590529250506001600160a01b037f0000000000000000000000000000000000000000000000000000000000000000169060019060a0016020604051602081039080840390855afa158015610188573d5f5f3e3d5ffd5b505050602060405103516001600160a01b0316146101ae576001600160e01b03196101b7565b630b135d3f60e11b5b93505050505b9392505050565b5f5f5f604084860312156101d6575f5ffd5b83359250602084013567ffffffffffffffff8111156101f3575f5ffd5b8401601f81018613610203575f5ffd5b803567ffffffffffffffff811115610219575f5ffd5b86602082840101111561022a575f5ffd5b939660209190910195509293505050565b5f5f85851115610249575f5ffd5b83861115610255575f5ffd5b5050820193919092039150565b8035602083101561027a575f19602084900360031b1b165b92915050565b634e487b7160e01b5f52603260045260245ffdfea26469706673582212202e143953d846da18ac7c22e81a0f9f09cfadb5db3f093d8e2ef82959f57b3a9664736f6c63430008220033';
const OWNER_WALLET_ABI = [{ type: 'constructor', inputs: [{ name: 'owner_', type: 'address' }], stateMutability: 'nonpayable' }] as const;

let anvil: AnvilHandle;
let api: TestApi;
let wallet: `0x${string}`;

beforeAll(async () => {
  anvil = await startAnvil({ chainId: 31337 });
  const deployer = createWalletClient({ account: alice, transport: http(anvil.rpcUrl) });
  const chain = createPublicClient({ transport: http(anvil.rpcUrl) });
  const hash = await deployer.deployContract({ abi: OWNER_WALLET_ABI, bytecode: OWNER_WALLET_BYTECODE, args: [bob.address], chain: null });
  const receipt = await chain.waitForTransactionReceipt({ hash, pollingInterval: 50 });
  wallet = receipt.contractAddress as `0x${string}`;
  // No chainId configured: the service reads it from the RPC.
  api = await createTestApi({ rpcUrl: anvil.rpcUrl, auth: { siweDomain: TEST_DOMAIN, siweUri: TEST_URI } });
});
afterAll(async () => {
  await api?.close();
  await anvil?.stop();
});

describe('SIWE through the chain (anvil)', () => {
  it('an EOA signs in; the chain id comes from the RPC (a message for chain 1 is refused)', async () => {
    const wrongChain = siweMessage(alice, await fetchNonce(api.app), api.clock.t, { chainId: 1 });
    const refused = await errorOf(await postSignIn(api.app, wrongChain, await alice.signMessage({ message: wrongChain })), 401);
    expect(refused).toMatchObject({ code: 'SIWE_CHAIN_MISMATCH', details: { expected: 31337, got: 1 } });
    const message = siweMessage(alice, await fetchNonce(api.app), api.clock.t);
    const res = await postSignIn(api.app, message, await alice.signMessage({ message }));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ address: alice.address.toLowerCase(), chainId: 31337 });
  });

  it('an ERC-1271 contract wallet signs in with its owner signature; anyone else is refused', async () => {
    const message = siweMessage({ address: wallet } as typeof alice, await fetchNonce(api.app), api.clock.t);
    const byStranger = await postSignIn(api.app, message, await alice.signMessage({ message }));
    expect((await errorOf(byStranger, 401)).code).toBe('SIWE_BAD_SIGNATURE');
    const byOwner = await postSignIn(api.app, message, await bob.signMessage({ message }));
    expect(byOwner.status).toBe(200);
    expect(await byOwner.json()).toMatchObject({ address: wallet.toLowerCase(), chainId: 31337 });
  });

  it('an EOA signature for an address that is neither signer nor wallet is refused', async () => {
    const message = siweMessage(alice, await fetchNonce(api.app), api.clock.t);
    expect((await errorOf(await postSignIn(api.app, message, await bob.signMessage({ message })), 401)).code).toBe('SIWE_BAD_SIGNATURE');
  });
});
