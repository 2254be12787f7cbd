import type { Address, PublicClient } from 'viem';
import { ChainError } from './errors.js';

/**
 * The first block at which `address` has code, by bisection over `eth_getCode` (about log2(head)
 * requests, once). For when the deployment's `startBlock` is not known (e.g. a config without it);
 * needs a node that serves historical state (anvil, an archive node).
 * @example const startBlock = await findDeploymentBlock(client, deployment.dataLogger);
 */
export async function findDeploymentBlock(client: PublicClient, address: Address): Promise<bigint> {
  const head = await client.getBlockNumber({ cacheTime: 0 });
  const hasCode = async (blockNumber: bigint) => ((await client.getCode({ address, blockNumber })) ?? '0x') !== '0x';
  if (!(await hasCode(head)))
    throw new ChainError('NO_CONTRACT_CODE', `No contract code at ${address} (block ${head}).`, { details: { address, blockNumber: head } });
  let lo = 0n;
  let hi = head; // hasCode(hi) holds
  while (lo < hi) {
    const mid = (lo + hi) / 2n;
    if (await hasCode(mid)) hi = mid;
    else lo = mid + 1n;
  }
  return hi;
}
