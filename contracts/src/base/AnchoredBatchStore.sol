// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";

/// @title AnchoredBatchStore
/// @notice Base of every contract that anchors batches of signed data: one record per key (Merkle root, digest of the
/// batch document, recording time), proofs against a recorded root, and freezing after a successful fraud proof, from
/// which on no proof against that batch succeeds any more. Readings windows are one kind; grid-status batches another.
/// @dev Leaves are OZ StandardMerkleTree leaves, `keccak256(bytes.concat(keccak256(preimage)))` (`_leafOf`), and
/// nodes are sorted pairs (OZ MerkleProof). A batch may nest groups (a window's device batches): an item is proven in
/// its group's root, and the group's leaf in the batch root (`_verifyNested`).
/// The concrete store names each fault in its own terms (a window start, not a key): the `_revert*` hooks MUST revert.
abstract contract AnchoredBatchStore {
    /// @dev `frozenReason` 0 means "not frozen"; `root` 0 means "never recorded" (an empty root is refused).
    struct Batch {
        bytes32 root;
        bytes32 cidDigest;
        uint64 recordedAt;
        uint8 frozenReason;
    }

    mapping(bytes32 key => Batch) private _batches;
    bytes32[] private _keys;

    /*//////////////////////////////////////////////////////////////
                                 WRITES
    //////////////////////////////////////////////////////////////*/

    /// @dev Records a batch once; callers MUST have authenticated its source and checked its kind's rules.
    function _recordBatch(bytes32 key, bytes32 root, bytes32 cidDigest) internal {
        Batch storage batch = _batches[key];
        if (batch.root != bytes32(0)) _revertBatchAlreadyRecorded(key);
        if (root == bytes32(0)) _revertEmptyRoot(key);
        batch.root = root;
        batch.cidDigest = cidDigest;
        batch.recordedAt = uint64(block.timestamp);
        _keys.push(key);
    }

    /// @dev Freezes a recorded batch for `reason` (non-zero); callers MUST have checked the fraud proof.
    function _freezeBatch(bytes32 key, uint8 reason) internal {
        Batch storage batch = _recordedBatch(key);
        if (reason == 0) _revertInvalidFreezeReason(reason);
        uint8 previous = batch.frozenReason;
        if (previous != 0) _revertBatchFrozen(key, previous);
        batch.frozenReason = reason;
    }

    /*//////////////////////////////////////////////////////////////
                                 READS
    //////////////////////////////////////////////////////////////*/

    function _isRecorded(bytes32 key) internal view returns (bool) {
        return _batches[key].root != bytes32(0);
    }

    /// @dev Why the batch was frozen; 0 when it is not frozen or not recorded.
    function _frozenReason(bytes32 key) internal view returns (uint8) {
        return _batches[key].frozenReason;
    }

    /// @dev The record of `key`; reverts through `_revertUnknownBatch` when it was never recorded.
    function _recordedBatch(bytes32 key) internal view returns (Batch storage batch) {
        batch = _batches[key];
        if (batch.root == bytes32(0)) _revertUnknownBatch(key);
    }

    function _batchCount() internal view returns (uint256) {
        return _keys.length;
    }

    /// @dev Key of the batch recorded at `index`, in recording order; `index` MUST be below `_batchCount()`.
    function _batchKeyAt(uint256 index) internal view returns (bytes32) {
        return _keys[index];
    }

    /*//////////////////////////////////////////////////////////////
                                 PROOFS
    //////////////////////////////////////////////////////////////*/

    /// @dev The root a proof about `key` may rest on. Reverts for an unknown batch and for a frozen one, so no
    /// claim can rest on a batch proven fraudulent.
    function _provableRoot(bytes32 key) internal view returns (bytes32) {
        Batch storage batch = _recordedBatch(key);
        uint8 reason = batch.frozenReason;
        if (reason != 0) _revertBatchFrozen(key, reason);
        return batch.root;
    }

    /// @dev True when `leaf` is in `root` (from `_provableRoot`) under `proof`.
    function _verifyLeaf(bytes32 root, bytes32[] calldata proof, bytes32 leaf) internal pure returns (bool) {
        return MerkleProof.verifyCalldata(proof, root, leaf);
    }

    /// @dev True when `itemLeaf` is in `groupRoot` under `itemProof` and `groupLeaf` is in `root` (from
    /// `_provableRoot`) under `groupProof`. The caller MUST have derived `groupLeaf` from a preimage holding
    /// `groupRoot`, which ties the two levels together.
    function _verifyNested(
        bytes32 root,
        bytes32[] calldata itemProof,
        bytes32 itemLeaf,
        bytes32 groupRoot,
        bytes32[] calldata groupProof,
        bytes32 groupLeaf
    ) internal pure returns (bool) {
        return MerkleProof.verifyCalldata(itemProof, groupRoot, itemLeaf)
            && MerkleProof.verifyCalldata(groupProof, root, groupLeaf);
    }

    /// @dev The protocol's leaf: hashed twice, so no leaf can pass for an inner node (64-byte preimage).
    function _leafOf(bytes memory preimage) internal pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(preimage)));
    }

    /*//////////////////////////////////////////////////////////////
                          FAULTS (MUST REVERT)
    //////////////////////////////////////////////////////////////*/

    /// @dev A read or freeze of a key never recorded.
    function _revertUnknownBatch(bytes32 key) internal pure virtual;

    /// @dev A proof against, or a second freeze of, a frozen batch.
    function _revertBatchFrozen(bytes32 key, uint8 reason) internal pure virtual;

    /// @dev A second record under the same key.
    function _revertBatchAlreadyRecorded(bytes32 key) internal pure virtual;

    /// @dev A record with a zero root.
    function _revertEmptyRoot(bytes32 key) internal pure virtual;

    /// @dev A freeze with reason 0.
    function _revertInvalidFreezeReason(uint8 reason) internal pure virtual;
}
