// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";

/// @title AnchoredBatchStore
/// @notice Base of every contract that anchors batches of signed data, in two phases: commit the batch document's
/// digest, then (from two blocks later, so the block in between can seed any sampling the DON does) record the Merkle
/// root of that same document. A batch holds groups (a window holds one summary per device): a fraud proof freezes one
/// group, never the rest, and one corrected group leaf may later replace a frozen one. The batch's own claims (its
/// kind's tally) can be frozen apart from its groups. Readings windows are one kind; grid-status batches another.
/// @dev Leaves are OZ StandardMerkleTree leaves, `keccak256(bytes.concat(keccak256(preimage)))` (`_leafOf`), and
/// nodes are sorted pairs (OZ MerkleProof). Storage per batch: 3 slots, the commit writes two of them, the record
/// one new slot and one rewrite; a group's state costs nothing until it is frozen.
/// The concrete store names each fault in its own terms (a window start, not a key): the `_revert*` hooks MUST revert.
abstract contract AnchoredBatchStore {
    /// @notice Blocks between the commit and the first block a record is accepted in: the commit's block, then the
    /// seed block (`commitBlock + 1`), whose hash nobody knew when the digest was fixed.
    uint256 internal constant _DRAW_DELAY_BLOCKS = 2;

    /// @dev `commitBlock` 0 means "never committed", `recordedAt` 0 "not recorded", `frozenReason` 0 "not frozen".
    struct Batch {
        bytes32 cidDigest;
        bytes32 root;
        uint48 commitBlock;
        uint64 recordedAt;
        uint8 frozenReason;
        uint128 tally;
        /// @dev Set by the first group freeze: until then proofs read no group state (one slot less per proof).
        bool groupFrozen;
    }

    /// @dev A group that was never frozen is all zeros. `corrected` with `frozenReason` 0: provable under
    /// `correctedLeaf`; `corrected` with a reason: frozen for good.
    struct GroupState {
        uint8 frozenReason;
        bool corrected;
        bytes32 correctedLeaf;
    }

    mapping(bytes32 key => Batch) private _batches;
    mapping(bytes32 key => mapping(bytes32 group => GroupState)) private _groups;

    /*//////////////////////////////////////////////////////////////
                                 WRITES
    //////////////////////////////////////////////////////////////*/

    /// @dev Phase one: fixes the document digest, once. Callers MUST have authenticated the source.
    function _commitBatch(bytes32 key, bytes32 cidDigest) internal {
        Batch storage batch = _batches[key];
        if (batch.commitBlock != 0) _revertBatchAlreadyCommitted(key, batch.cidDigest);
        if (cidDigest == bytes32(0)) _revertEmptyRoot(key);
        batch.cidDigest = cidDigest;
        // Block numbers fit 48 bits for millions of years.
        // forge-lint: disable-next-line(unsafe-typecast)
        batch.commitBlock = uint48(block.number);
    }

    /// @dev Phase two: records the root of the committed document, once, from `commitBlock + _DRAW_DELAY_BLOCKS` on.
    /// Callers MUST have authenticated the source and checked the kind's rules.
    function _recordBatch(bytes32 key, bytes32 root, bytes32 cidDigest, uint128 tally) internal {
        Batch storage batch = _batches[key];
        uint256 commitBlock = batch.commitBlock;
        if (commitBlock == 0) _revertBatchNotCommitted(key);
        if (batch.recordedAt != 0) _revertBatchAlreadyRecorded(key);
        if (batch.cidDigest != cidDigest) _revertCommitmentMismatch(key, batch.cidDigest, cidDigest);
        if (block.number < commitBlock + _DRAW_DELAY_BLOCKS) _revertDrawPending(key, commitBlock + 1);
        if (root == bytes32(0)) _revertEmptyRoot(key);
        batch.root = root;
        // Timestamps fit 64 bits.
        // forge-lint: disable-next-line(unsafe-typecast)
        batch.recordedAt = uint64(block.timestamp);
        batch.tally = tally;
    }

    /// @dev Marks the batch's own claims (its tally) as proven wrong; callers MUST have checked the fraud proof.
    function _freezeBatch(bytes32 key, uint8 reason) internal {
        Batch storage batch = _recordedBatch(key);
        if (reason == 0) _revertInvalidFreezeReason(reason);
        uint8 previous = batch.frozenReason;
        if (previous != 0) _revertBatchFrozen(key, previous);
        batch.frozenReason = reason;
    }

    /// @dev Freezes one group of a recorded batch; callers MUST have checked the fraud proof.
    function _freezeGroup(bytes32 key, bytes32 group, uint8 reason) internal {
        _recordedBatch(key).groupFrozen = true;
        if (reason == 0) _revertInvalidFreezeReason(reason);
        GroupState storage state = _groups[key][group];
        uint8 previous = state.frozenReason;
        if (previous != 0) _revertGroupFrozen(key, group, previous);
        state.frozenReason = reason;
    }

    /// @dev Replaces a frozen group's leaf, once; callers MUST have authenticated the source (the DON, which verified
    /// the corrected group in full). A corrected group that is frozen again stays frozen.
    function _correctGroup(bytes32 key, bytes32 group, bytes32 leaf) internal {
        _recordedBatch(key);
        GroupState storage state = _groups[key][group];
        if (state.frozenReason == 0 || state.corrected) {
            _revertNotCorrectable(key, group, state.frozenReason, state.corrected);
        }
        if (leaf == bytes32(0)) _revertEmptyRoot(key);
        state.frozenReason = 0;
        state.corrected = true;
        state.correctedLeaf = leaf;
    }

    /*//////////////////////////////////////////////////////////////
                                 READS
    //////////////////////////////////////////////////////////////*/

    function _isCommitted(bytes32 key) internal view returns (bool) {
        return _batches[key].commitBlock != 0;
    }

    function _isRecorded(bytes32 key) internal view returns (bool) {
        return _batches[key].recordedAt != 0;
    }

    /// @dev The committed digest and commit block; zeros when none.
    function _commitment(bytes32 key) internal view returns (bytes32 cidDigest, uint64 commitBlock) {
        Batch storage batch = _batches[key];
        return (batch.cidDigest, batch.commitBlock);
    }

    /// @dev The record of `key`; reverts through `_revertUnknownBatch` when it was never recorded.
    function _recordedBatch(bytes32 key) internal view returns (Batch storage batch) {
        batch = _batches[key];
        // root is set exactly when recordedAt is (_recordBatch refuses a zero root); proofs read root anyway.
        if (batch.root == bytes32(0)) _revertUnknownBatch(key);
    }

    /// @dev Why the batch's tally was frozen; 0 when it is not.
    function _frozenReason(bytes32 key) internal view returns (uint8) {
        return _batches[key].frozenReason;
    }

    function _groupState(bytes32 key, bytes32 group) internal view returns (GroupState memory) {
        return _groups[key][group];
    }

    /*//////////////////////////////////////////////////////////////
                                 PROOFS
    //////////////////////////////////////////////////////////////*/

    /// @dev True when `leaf` is group `group`'s provable leaf in batch `key`: in the recorded root under `proof`, or
    /// the stored corrected leaf. Reverts for an unknown batch and for a frozen group, so no claim rests on a group
    /// proven fraudulent.
    function _verifyGroupLeaf(bytes32 key, bytes32 group, bytes32[] calldata proof, bytes32 leaf)
        internal
        view
        returns (bool)
    {
        Batch storage batch = _recordedBatch(key);
        if (!batch.groupFrozen) return MerkleProof.verifyCalldata(proof, batch.root, leaf);
        GroupState storage state = _groups[key][group];
        uint8 reason = state.frozenReason;
        if (reason != 0) _revertGroupFrozen(key, group, reason);
        if (state.corrected) return leaf == state.correctedLeaf;
        return MerkleProof.verifyCalldata(proof, batch.root, leaf);
    }

    /// @dev True when `leaf` is in the recorded root under `proof`, whatever was frozen or corrected since.
    function _inRecordedRoot(bytes32 key, bytes32[] calldata proof, bytes32 leaf) internal view returns (bool) {
        return MerkleProof.verifyCalldata(proof, _recordedBatch(key).root, leaf);
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

    /// @dev A second freeze of a batch's tally.
    function _revertBatchFrozen(bytes32 key, uint8 reason) internal pure virtual;

    /// @dev A proof against, or a second freeze of, a frozen group.
    function _revertGroupFrozen(bytes32 key, bytes32 group, uint8 reason) internal pure virtual;

    /// @dev A correction of a group that is not frozen, or was corrected before.
    function _revertNotCorrectable(bytes32 key, bytes32 group, uint8 reason, bool corrected) internal pure virtual;

    /// @dev A second commit under the same key.
    function _revertBatchAlreadyCommitted(bytes32 key, bytes32 cidDigest) internal pure virtual;

    /// @dev A record without a commit.
    function _revertBatchNotCommitted(bytes32 key) internal pure virtual;

    /// @dev A record of another digest than the committed one.
    function _revertCommitmentMismatch(bytes32 key, bytes32 committed, bytes32 reported) internal pure virtual;

    /// @dev A record before the seed block exists.
    function _revertDrawPending(bytes32 key, uint256 seedBlock) internal view virtual;

    /// @dev A second record under the same key.
    function _revertBatchAlreadyRecorded(bytes32 key) internal pure virtual;

    /// @dev A zero root, digest or leaf.
    function _revertEmptyRoot(bytes32 key) internal pure virtual;

    /// @dev A freeze with reason 0.
    function _revertInvalidFreezeReason(uint8 reason) internal pure virtual;
}
