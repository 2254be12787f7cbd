// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import "forge-std/Test.sol";
import {AnchoredBatchStore} from "../../src/base/AnchoredBatchStore.sol";
import {AreaBatchStoreHarness} from "../utils/AnchoringHarnesses.sol";
import {MerkleBuilder} from "../utils/MerkleBuilder.sol";

/// @notice The anchoring base on its own, through a second batch kind (area batches with their own errors).
contract AnchoredBatchStoreTest is Test {
    AreaBatchStoreHarness internal _store;
    bytes32 internal _key;

    function setUp() public {
        _store = new AreaBatchStoreHarness();
        _key = _store.keyOf("area-7", 1_767_225_600);
        vm.warp(1_767_300_000);
    }

    /// @dev Three groups of two items each; returns the batch root and, for group 1 item 0, both proofs.
    function _nestedBatch()
        internal
        view
        returns (bytes32 root, bytes32 groupRoot, bytes32[] memory itemProof, bytes32[] memory groupProof)
    {
        bytes32[] memory groupLeaves = new bytes32[](3);
        for (uint256 g; g < 3; ++g) {
            bytes32[] memory items = new bytes32[](2);
            items[0] = _store.leafOf(abi.encode("item", g, 0));
            items[1] = _store.leafOf(abi.encode("item", g, 1));
            bytes32 r = MerkleBuilder.root(items);
            groupLeaves[g] = _store.leafOf(abi.encode("group", g, r));
            if (g == 1) {
                groupRoot = r;
                itemProof = MerkleBuilder.proof(items, items[0]);
            }
        }
        root = MerkleBuilder.root(groupLeaves);
        groupProof = MerkleBuilder.proof(groupLeaves, groupLeaves[1]);
    }

    function test_record_keepsRootDigestAndTime() public {
        _store.record(_key, keccak256("root"), keccak256("doc"));
        AnchoredBatchStore.Batch memory b = _store.batch(_key);
        assertEq(b.root, keccak256("root"));
        assertEq(b.cidDigest, keccak256("doc"));
        assertEq(b.recordedAt, block.timestamp);
        assertEq(b.frozenReason, 0);
        assertTrue(_store.isRecorded(_key));
        assertEq(_store.count(), 1);
        assertEq(_store.keyAt(0), _key);
    }

    function test_RevertWhen_recordedTwice() public {
        _store.record(_key, keccak256("root"), bytes32(0));
        vm.expectRevert(abi.encodeWithSelector(AreaBatchStoreHarness.AreaBatchAlreadyRecorded.selector, _key));
        _store.record(_key, keccak256("other"), bytes32(0));
        assertEq(_store.batch(_key).root, keccak256("root"));
        assertEq(_store.count(), 1);
    }

    function test_RevertWhen_rootEmpty() public {
        vm.expectRevert(abi.encodeWithSelector(AreaBatchStoreHarness.AreaBatchEmptyRoot.selector, _key));
        _store.record(_key, bytes32(0), keccak256("doc"));
        assertFalse(_store.isRecorded(_key));
    }

    function test_RevertWhen_unknownBatch() public {
        vm.expectRevert(abi.encodeWithSelector(AreaBatchStoreHarness.AreaBatchUnknown.selector, _key));
        _store.batch(_key);
        vm.expectRevert(abi.encodeWithSelector(AreaBatchStoreHarness.AreaBatchUnknown.selector, _key));
        _store.verifyLeaf(_key, new bytes32[](0), "x");
        vm.expectRevert(abi.encodeWithSelector(AreaBatchStoreHarness.AreaBatchUnknown.selector, _key));
        _store.freeze(_key, 1);
        assertEq(_store.frozenReason(_key), 0);
    }

    function test_verifyNested_provesAnItemThroughItsGroup() public {
        (bytes32 root, bytes32 groupRoot, bytes32[] memory itemProof, bytes32[] memory groupProof) = _nestedBatch();
        _store.record(_key, root, bytes32(0));
        bytes memory item = abi.encode("item", uint256(1), uint256(0));
        bytes memory group = abi.encode("group", uint256(1), groupRoot);
        assertTrue(_store.verifyNested(_key, itemProof, item, groupRoot, groupProof, group));
        // Another item, another group, or a group leaf that does not hold the group root: all false.
        assertFalse(
            _store.verifyNested(
                _key, itemProof, abi.encode("item", uint256(1), uint256(1)), groupRoot, groupProof, group
            )
        );
        assertFalse(
            _store.verifyNested(
                _key, itemProof, item, groupRoot, groupProof, abi.encode("group", uint256(2), groupRoot)
            )
        );
        assertFalse(_store.verifyNested(_key, itemProof, item, keccak256("forged"), groupProof, group));
    }

    function test_verifyLeaf_usesTheDoubleHashedLeaf() public {
        bytes32[] memory leaves = new bytes32[](2);
        leaves[0] = keccak256(bytes.concat(keccak256("a")));
        leaves[1] = keccak256(bytes.concat(keccak256("b")));
        _store.record(_key, MerkleBuilder.root(leaves), bytes32(0));
        assertTrue(_store.verifyLeaf(_key, MerkleBuilder.proof(leaves, leaves[0]), "a"));
        assertFalse(_store.verifyLeaf(_key, MerkleBuilder.proof(leaves, leaves[0]), "b"));
        // The 64 bytes under the root hash to the root once; as a preimage they are no leaf (hashed twice).
        (bytes32 lo, bytes32 hi) = leaves[0] < leaves[1] ? (leaves[0], leaves[1]) : (leaves[1], leaves[0]);
        assertEq(keccak256(abi.encodePacked(lo, hi)), MerkleBuilder.root(leaves));
        assertFalse(_store.verifyLeaf(_key, new bytes32[](0), abi.encodePacked(lo, hi)));
    }

    function test_freeze_stopsEveryProofButKeepsTheRecord() public {
        (bytes32 root, bytes32 groupRoot, bytes32[] memory itemProof, bytes32[] memory groupProof) = _nestedBatch();
        _store.record(_key, root, keccak256("doc"));
        _store.freeze(_key, 4);
        assertEq(_store.frozenReason(_key), 4);
        assertEq(_store.batch(_key).root, root);
        vm.expectRevert(abi.encodeWithSelector(AreaBatchStoreHarness.AreaBatchFrozen.selector, _key, 4));
        _store.verifyNested(
            _key,
            itemProof,
            abi.encode("item", uint256(1), uint256(0)),
            groupRoot,
            groupProof,
            abi.encode("group", uint256(1), groupRoot)
        );
        vm.expectRevert(abi.encodeWithSelector(AreaBatchStoreHarness.AreaBatchFrozen.selector, _key, 4));
        _store.freeze(_key, 5);
        assertEq(_store.frozenReason(_key), 4);
    }

    function test_RevertWhen_freezeReasonZero() public {
        _store.record(_key, keccak256("root"), bytes32(0));
        vm.expectRevert(abi.encodeWithSelector(AreaBatchStoreHarness.AreaBatchInvalidFreezeReason.selector, 0));
        _store.freeze(_key, 0);
    }

    function testFuzz_record_keepsRecordingOrderAndSeparatesKeys(bytes32[8] memory areas, uint64 start) public {
        uint256 recorded;
        for (uint256 i; i < areas.length; ++i) {
            bytes32 key = _store.keyOf(areas[i], start);
            if (_store.isRecorded(key)) {
                vm.expectRevert(abi.encodeWithSelector(AreaBatchStoreHarness.AreaBatchAlreadyRecorded.selector, key));
                _store.record(key, keccak256(abi.encode(i)), bytes32(0));
                continue;
            }
            _store.record(key, keccak256(abi.encode(i)), bytes32(i));
            assertEq(_store.keyAt(recorded++), key);
        }
        assertEq(_store.count(), recorded);
        for (uint256 i; i < recorded; ++i) {
            AnchoredBatchStore.Batch memory b = _store.batch(_store.keyAt(i));
            assertEq(b.root, keccak256(abi.encode(uint256(b.cidDigest))));
        }
    }
}
