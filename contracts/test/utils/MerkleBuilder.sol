// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {Hashes} from "@openzeppelin/contracts/utils/cryptography/Hashes.sol";

/// @notice Builds Merkle trees in OpenZeppelin's merkle-tree layout (the layout protocol/src/merkle.ts uses), so
/// tests compute roots and proofs in Solidity independently of the TypeScript implementation.
library MerkleBuilder {
    /// @notice The complete tree as an array: leaves sorted ascending, tree[len-1-i] = sorted[i],
    /// tree[i] = commutativeKeccak256(tree[2i+1], tree[2i+2]).
    function tree(bytes32[] memory leaves) internal pure returns (bytes32[] memory t) {
        require(leaves.length > 0, "MerkleBuilder: no leaves");
        bytes32[] memory sorted = _sorted(leaves);
        t = new bytes32[](2 * sorted.length - 1);
        for (uint256 i; i < sorted.length; ++i) {
            t[t.length - 1 - i] = sorted[i];
        }
        for (uint256 i = t.length - sorted.length; i > 0; --i) {
            t[i - 1] = Hashes.commutativeKeccak256(t[2 * i - 1], t[2 * i]);
        }
    }

    function root(bytes32[] memory leaves) internal pure returns (bytes32) {
        return tree(leaves)[0];
    }

    /// @notice Sibling path from `leaf` to the root (its last place in the tree when it is there twice).
    function proof(bytes32[] memory leaves, bytes32 leaf) internal pure returns (bytes32[] memory p) {
        bytes32[] memory t = tree(leaves);
        uint256 j = type(uint256).max;
        for (uint256 i = t.length - leaves.length; i < t.length; ++i) {
            if (t[i] == leaf) j = i;
        }
        require(j != type(uint256).max, "MerkleBuilder: leaf not in tree");
        p = _path(t, j);
    }

    /// @notice Sibling path from the `nth` place (0-based, in tree order) of `leaf`: a tree holding one leaf twice
    /// has two valid paths for it, which is what a duplicate-leaf fraud proof shows.
    function proofOf(bytes32[] memory leaves, bytes32 leaf, uint256 nth) internal pure returns (bytes32[] memory) {
        bytes32[] memory t = tree(leaves);
        for (uint256 i = t.length - leaves.length; i < t.length; ++i) {
            if (t[i] == leaf) {
                if (nth == 0) return _path(t, i);
                --nth;
            }
        }
        revert("MerkleBuilder: leaf not in tree");
    }

    /// @notice The leaves in the order an OZ multiproof of every leaf takes them (ascending), with its flags: with all
    /// leaves given no proof hash is needed and every one of the n - 1 flags is true.
    function completeMultiproof(bytes32[] memory leaves)
        internal
        pure
        returns (bytes32[] memory ordered, bool[] memory flags)
    {
        ordered = _sorted(leaves);
        flags = new bool[](leaves.length - 1);
        for (uint256 i; i < flags.length; ++i) {
            flags[i] = true;
        }
    }

    function _path(bytes32[] memory t, uint256 j) private pure returns (bytes32[] memory p) {
        uint256 depth;
        for (uint256 k = j; k > 0; k = (k - 1) / 2) {
            ++depth;
        }
        p = new bytes32[](depth);
        for (uint256 d; j > 0; ++d) {
            p[d] = t[j % 2 == 1 ? j + 1 : j - 1];
            j = (j - 1) / 2;
        }
    }

    function _sorted(bytes32[] memory a) private pure returns (bytes32[] memory s) {
        s = new bytes32[](a.length);
        for (uint256 i; i < a.length; ++i) {
            bytes32 v = a[i];
            uint256 j = i;
            for (; j > 0 && s[j - 1] > v; --j) {
                s[j] = s[j - 1];
            }
            s[j] = v;
        }
    }
}
