import { describe, expect, it } from 'vitest';
import { SimpleMerkleTree } from '@openzeppelin/merkle-tree';
import { sha256 } from '@noble/hashes/sha2.js';
import { buildMerkleTree, merkleProofPath, verifyMerkleProof } from './merkle.js';
import { toHex, type Hex } from './bytes.js';

const leaves = (n: number): Hex[] => Array.from({ length: n }, (_, i) => toHex(sha256(new Uint8Array([n, i]))));

describe('merkle tree (OpenZeppelin layout)', () => {
  it.each([1, 2, 3, 4, 5, 7, 8, 13, 64, 101])('%i leaves: same root and proofs as @openzeppelin/merkle-tree', (n) => {
    const ls = leaves(n);
    const ours = buildMerkleTree(ls);
    const oz = SimpleMerkleTree.of(ls);
    expect(ours.root).toBe(oz.root);
    for (const leaf of ls) {
      expect(ours.proof(leaf)).toEqual(oz.getProof(leaf));
      expect(verifyMerkleProof(ours.proof(leaf), ours.root, leaf)).toBe(true);
    }
  });

  it('root does not depend on input order', () => {
    const ls = leaves(9);
    expect(buildMerkleTree([...ls].reverse()).root).toBe(buildMerkleTree(ls).root);
  });

  it('rejects a proof for another leaf or a changed sibling', () => {
    const ls = leaves(6);
    const tree = buildMerkleTree(ls);
    const proof = tree.proof(ls[2]);
    expect(verifyMerkleProof(proof, tree.root, ls[3])).toBe(false);
    const bad = [...proof];
    bad[0] = toHex(sha256(new Uint8Array([0])));
    expect(verifyMerkleProof(bad, tree.root, ls[2])).toBe(false);
    const path = merkleProofPath(proof, ls[2]);
    expect(path.at(-1)).toBe(tree.root);
  });

  it('has no tree for zero leaves and no proof for a missing leaf', () => {
    expect(() => buildMerkleTree([])).toThrow(expect.objectContaining({ code: 'EMPTY_TREE' }));
    expect(() => buildMerkleTree(leaves(2)).proof(leaves(3)[2])).toThrow(expect.objectContaining({ code: 'LEAF_NOT_IN_TREE' }));
  });
});
