// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import "forge-std/Test.sol";
import {AnchoredBatchStore} from "../../src/base/AnchoredBatchStore.sol";
import {AreaBatchStoreHarness} from "../utils/AnchoringHarnesses.sol";
import {MerkleBuilder} from "../utils/MerkleBuilder.sol";

/// @notice The anchoring base on its own, through a second batch kind (area batches with their own errors):
/// commit then record, per-group freezing and corrections, and the batch-level (tally) freeze.
contract AnchoredBatchStoreTest is Test {
    AreaBatchStoreHarness internal _store;
    bytes32 internal _key;
    bytes32 internal constant DOC = keccak256("doc");
    bytes32 internal constant G1 = "g1";

    function setUp() public {
        _store = new AreaBatchStoreHarness();
        _key = _store.keyOf("area-7", 1_767_225_600);
        vm.warp(1_767_300_000);
        vm.roll(100);
    }

    /// @dev Three groups; returns the batch root, the group preimages and the proofs.
    function _groups() internal view returns (bytes32 root, bytes[] memory preimages, bytes32[][] memory proofs) {
        bytes32[] memory leaves = new bytes32[](3);
        preimages = new bytes[](3);
        proofs = new bytes32[][](3);
        for (uint256 g; g < 3; ++g) {
            preimages[g] = abi.encode("group", g);
            leaves[g] = _store.leafOf(preimages[g]);
        }
        root = MerkleBuilder.root(leaves);
        for (uint256 g; g < 3; ++g) {
            proofs[g] = MerkleBuilder.proof(leaves, leaves[g]);
        }
    }

    function _commitAndRecord(bytes32 root) internal {
        _store.commit(_key, DOC);
        vm.roll(block.number + 2);
        _store.record(_key, root, DOC, 42);
    }

    function test_commitThenRecord_keepsDigestRootTallyAndTime() public {
        _store.commit(_key, DOC);
        (bytes32 digest, uint64 commitBlock) = _store.commitment(_key);
        assertEq(digest, DOC);
        assertEq(commitBlock, 100);
        assertTrue(_store.isCommitted(_key));
        assertFalse(_store.isRecorded(_key));
        vm.roll(102);
        _store.record(_key, keccak256("root"), DOC, 42);
        AnchoredBatchStore.Batch memory b = _store.batch(_key);
        assertEq(b.root, keccak256("root"));
        assertEq(b.cidDigest, DOC);
        assertEq(b.recordedAt, block.timestamp);
        assertEq(b.commitBlock, 100);
        assertEq(b.tally, 42);
        assertEq(b.frozenReason, 0);
        assertTrue(_store.isRecorded(_key));
    }

    function test_RevertWhen_recordBeforeTheSeedBlockIsMined() public {
        _store.commit(_key, DOC);
        vm.roll(101);
        vm.expectRevert(abi.encodeWithSelector(AreaBatchStoreHarness.AreaBatchDrawPending.selector, _key, 101, 101));
        _store.record(_key, keccak256("root"), DOC, 0);
        assertFalse(_store.isRecorded(_key));
    }

    function test_RevertWhen_recordWithoutCommit() public {
        vm.expectRevert(abi.encodeWithSelector(AreaBatchStoreHarness.AreaBatchNotCommitted.selector, _key));
        _store.record(_key, keccak256("root"), DOC, 0);
    }

    function test_RevertWhen_recordOfAnotherDigest() public {
        _store.commit(_key, DOC);
        vm.roll(102);
        bytes32 other = keccak256("other doc");
        vm.expectRevert(
            abi.encodeWithSelector(AreaBatchStoreHarness.AreaBatchCommitmentMismatch.selector, _key, DOC, other)
        );
        _store.record(_key, keccak256("root"), other, 0);
    }

    function test_RevertWhen_committedTwice() public {
        _store.commit(_key, DOC);
        vm.expectRevert(abi.encodeWithSelector(AreaBatchStoreHarness.AreaBatchAlreadyCommitted.selector, _key, DOC));
        _store.commit(_key, keccak256("regrind"));
        (bytes32 digest,) = _store.commitment(_key);
        assertEq(digest, DOC);
    }

    function test_RevertWhen_recordedTwice() public {
        _commitAndRecord(keccak256("root"));
        vm.expectRevert(abi.encodeWithSelector(AreaBatchStoreHarness.AreaBatchAlreadyRecorded.selector, _key));
        _store.record(_key, keccak256("other"), DOC, 0);
        assertEq(_store.batch(_key).root, keccak256("root"));
    }

    function test_RevertWhen_rootOrDigestEmpty() public {
        vm.expectRevert(abi.encodeWithSelector(AreaBatchStoreHarness.AreaBatchEmptyRoot.selector, _key));
        _store.commit(_key, bytes32(0));
        _store.commit(_key, DOC);
        vm.roll(102);
        vm.expectRevert(abi.encodeWithSelector(AreaBatchStoreHarness.AreaBatchEmptyRoot.selector, _key));
        _store.record(_key, bytes32(0), DOC, 0);
    }

    function test_RevertWhen_unknownBatch() public {
        vm.expectRevert(abi.encodeWithSelector(AreaBatchStoreHarness.AreaBatchUnknown.selector, _key));
        _store.batch(_key);
        vm.expectRevert(abi.encodeWithSelector(AreaBatchStoreHarness.AreaBatchUnknown.selector, _key));
        _store.freezeGroup(_key, "g", 1);
    }

    function test_freezeGroup_stopsThatGroupOnly() public {
        (bytes32 root, bytes[] memory pre, bytes32[][] memory proofs) = _groups();
        _commitAndRecord(root);
        _store.freezeGroup(_key, "g1", 3);
        vm.expectRevert(abi.encodeWithSelector(AreaBatchStoreHarness.AreaGroupFrozen.selector, _key, G1, 3));
        _store.verifyGroupLeaf(_key, "g1", proofs[1], pre[1]);
        assertTrue(_store.verifyGroupLeaf(_key, "g0", proofs[0], pre[0]));
        assertTrue(_store.verifyGroupLeaf(_key, "g2", proofs[2], pre[2]));
        // The original attestation stays readable, for challenges that compare leaves.
        assertTrue(_store.inRecordedRoot(_key, proofs[1], pre[1]));
        vm.expectRevert(abi.encodeWithSelector(AreaBatchStoreHarness.AreaGroupFrozen.selector, _key, G1, 3));
        _store.freezeGroup(_key, "g1", 4);
    }

    function test_correctGroup_replacesTheFrozenLeafOnce() public {
        (bytes32 root, bytes[] memory pre, bytes32[][] memory proofs) = _groups();
        _commitAndRecord(root);
        vm.expectRevert(
            abi.encodeWithSelector(AreaBatchStoreHarness.AreaGroupNotCorrectable.selector, _key, G1, 0, false)
        );
        _store.correctGroup(_key, "g1", keccak256("fixed"));

        _store.freezeGroup(_key, "g1", 3);
        bytes memory fixedPreimage = abi.encode("group", uint256(1), "fixed");
        _store.correctGroup(_key, "g1", _store.leafOf(fixedPreimage));
        assertTrue(_store.verifyGroupLeaf(_key, "g1", new bytes32[](0), fixedPreimage));
        assertFalse(_store.verifyGroupLeaf(_key, "g1", proofs[1], pre[1]));
        AnchoredBatchStore.GroupState memory st = _store.groupState(_key, "g1");
        assertTrue(st.corrected);
        assertEq(st.frozenReason, 0);

        // A correction frozen again stays frozen: there is no second correction.
        _store.freezeGroup(_key, "g1", 5);
        vm.expectRevert(
            abi.encodeWithSelector(AreaBatchStoreHarness.AreaGroupNotCorrectable.selector, _key, G1, 5, true)
        );
        _store.correctGroup(_key, "g1", keccak256("again"));
    }

    function test_freezeBatch_marksTheTallyAndLeavesGroupsProvable() public {
        (bytes32 root, bytes[] memory pre, bytes32[][] memory proofs) = _groups();
        _commitAndRecord(root);
        _store.freeze(_key, 14);
        assertEq(_store.frozenReason(_key), 14);
        assertTrue(_store.verifyGroupLeaf(_key, "g0", proofs[0], pre[0]));
        vm.expectRevert(abi.encodeWithSelector(AreaBatchStoreHarness.AreaBatchFrozen.selector, _key, 14));
        _store.freeze(_key, 1);
    }

    function test_RevertWhen_freezeReasonZero() public {
        _commitAndRecord(keccak256("root"));
        vm.expectRevert(abi.encodeWithSelector(AreaBatchStoreHarness.AreaBatchInvalidFreezeReason.selector, 0));
        _store.freeze(_key, 0);
        vm.expectRevert(abi.encodeWithSelector(AreaBatchStoreHarness.AreaBatchInvalidFreezeReason.selector, 0));
        _store.freezeGroup(_key, "g", 0);
    }

    function testFuzz_keysAreSeparate(bytes32 areaA, bytes32 areaB, uint64 start) public {
        vm.assume(areaA != areaB);
        bytes32 a = _store.keyOf(areaA, start);
        bytes32 b = _store.keyOf(areaB, start);
        _store.commit(a, DOC);
        assertFalse(_store.isCommitted(b));
        vm.roll(block.number + 2);
        _store.record(a, keccak256("root"), DOC, 1);
        assertFalse(_store.isRecorded(b));
    }
}
