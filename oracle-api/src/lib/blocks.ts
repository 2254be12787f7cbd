import type { CID } from 'multiformats/cid';
import { sha256 } from 'multiformats/hashes/sha2';
import { equals } from 'multiformats/bytes';
import { concatBytes } from '@gridproof/protocol';
import type { BlockStore } from '../context.js';

/** Reads a whole block (blockstore-fs yields chunks); undefined when it is not there. */
export async function readBlock(blocks: BlockStore, cid: CID): Promise<Uint8Array | undefined> {
  if (!(await blocks.has(cid))) return undefined;
  const got = blocks.get(cid);
  if (got instanceof Promise) return got;
  const chunks: Uint8Array[] = [];
  for await (const chunk of got) chunks.push(chunk);
  return concatBytes(...chunks);
}

/**
 * Reads a block and checks it hashes to its CID (sha2-256 only), so a damaged file on disk is
 * never served as the sealed document.
 */
export async function readVerifiedBlock(blocks: BlockStore, cid: CID): Promise<Uint8Array | undefined> {
  if (cid.multihash.code !== sha256.code) return undefined;
  const bytes = await readBlock(blocks, cid);
  if (!bytes) return undefined;
  const digest = await sha256.digest(bytes);
  if (!equals(digest.digest, cid.multihash.digest)) throw new Error(`Block ${cid} in the blockstore does not hash to its CID.`);
  return bytes;
}
