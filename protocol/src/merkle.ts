import { keccak_256 } from '@noble/hashes/sha3.js';
import { concatBytes, fromHex, toHex, type Hex } from './bytes.js';
import { ProtocolError } from './errors.js';

/**
 * Merkle trees in the layout of OpenZeppelin's merkle-tree library (complete binary tree in an
 * array, leaves sorted ascending, commutative keccak256 pair hash), so `MerkleProof.verify`
 * accepts every proof and `SimpleMerkleTree.of(leaves)` gives the same root (tested).
 */
export interface MerkleTree {
  root: Hex;
  /** Leaves in tree order (sorted ascending). */
  leaves: Hex[];
  /** Sibling path from `leaf` to the root. Throws if the leaf is not in the tree. */
  proof(leaf: Hex): Hex[];
}

function compare(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < 32; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/** keccak256 of the two nodes in ascending order (OpenZeppelin `Hashes.commutativeKeccak256`). */
export function hashPair(a: Uint8Array, b: Uint8Array): Uint8Array {
  return keccak_256(compare(a, b) <= 0 ? concatBytes(a, b) : concatBytes(b, a));
}

/** Builds the tree; an empty leaf set has no tree (a window with no readings is never sealed). */
export function buildMerkleTree(leaves: Hex[]): MerkleTree {
  if (leaves.length === 0) throw new ProtocolError('EMPTY_TREE', 'A Merkle tree needs at least one leaf.');
  const sorted = leaves.map((l) => fromHex(l, 32)).sort(compare);
  const tree: Uint8Array[] = new Array(2 * sorted.length - 1);
  for (const [i, leaf] of sorted.entries()) tree[tree.length - 1 - i] = leaf;
  for (let i = tree.length - 1 - sorted.length; i >= 0; i--) tree[i] = hashPair(tree[2 * i + 1], tree[2 * i + 2]);
  const sortedHex = sorted.map(toHex);
  return {
    root: toHex(tree[0]),
    leaves: sortedHex,
    proof(leaf: Hex): Hex[] {
      const at = sortedHex.indexOf(leaf.toLowerCase() as Hex);
      if (at < 0) throw new ProtocolError('LEAF_NOT_IN_TREE', `Leaf ${leaf} is not in the tree.`);
      const proof: Hex[] = [];
      for (let j = tree.length - 1 - at; j > 0; j = Math.floor((j - 1) / 2)) proof.push(toHex(tree[j % 2 === 1 ? j + 1 : j - 1]));
      return proof;
    },
  };
}

/** Walks a proof from `leaf` and compares with `root` (same rule as OpenZeppelin `MerkleProof.verify`). */
export function verifyMerkleProof(proof: Hex[], root: Hex, leaf: Hex): boolean {
  let node = fromHex(leaf, 32);
  for (const sibling of proof) node = hashPair(node, fromHex(sibling, 32));
  return toHex(node) === root.toLowerCase();
}

/** The hash after each step of a proof (the dApp shows them). */
export function merkleProofPath(proof: Hex[], leaf: Hex): Hex[] {
  const path: Hex[] = [];
  let node = fromHex(leaf, 32);
  for (const sibling of proof) {
    node = hashPair(node, fromHex(sibling, 32));
    path.push(toHex(node));
  }
  return path;
}
