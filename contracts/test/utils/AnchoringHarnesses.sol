// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {AnchoredBatchStore} from "../../src/base/AnchoredBatchStore.sol";
import {KeystoneReceiver} from "../../src/base/KeystoneReceiver.sol";

/// @notice A second batch kind on the anchoring base, as grid-status batches will be: keyed by (area, start), with
/// its own error names. Exposes the internal store API to tests.
contract AreaBatchStoreHarness is AnchoredBatchStore {
    error AreaBatchUnknown(bytes32 key);
    error AreaBatchFrozen(bytes32 key, uint8 reason);
    error AreaGroupFrozen(bytes32 key, bytes32 group, uint8 reason);
    error AreaGroupNotCorrectable(bytes32 key, bytes32 group, uint8 reason, bool corrected);
    error AreaBatchAlreadyCommitted(bytes32 key, bytes32 cidDigest);
    error AreaBatchNotCommitted(bytes32 key);
    error AreaBatchCommitmentMismatch(bytes32 key, bytes32 committed, bytes32 reported);
    error AreaBatchDrawPending(bytes32 key, uint256 seedBlock, uint256 blockNumber);
    error AreaBatchAlreadyRecorded(bytes32 key);
    error AreaBatchEmptyRoot(bytes32 key);
    error AreaBatchInvalidFreezeReason(uint8 reason);

    function keyOf(bytes32 area, uint64 start) public pure returns (bytes32) {
        return keccak256(abi.encode(area, start));
    }

    function commit(bytes32 key, bytes32 cidDigest) external {
        _commitBatch(key, cidDigest);
    }

    function record(bytes32 key, bytes32 root, bytes32 cidDigest, uint128 tally) external {
        _recordBatch(key, root, cidDigest, tally);
    }

    function freeze(bytes32 key, uint8 reason) external {
        _freezeBatch(key, reason);
    }

    function freezeGroup(bytes32 key, bytes32 group, uint8 reason) external {
        _freezeGroup(key, group, reason);
    }

    function correctGroup(bytes32 key, bytes32 group, bytes32 leaf) external {
        _correctGroup(key, group, leaf);
    }

    function batch(bytes32 key) external view returns (Batch memory) {
        return _recordedBatch(key);
    }

    function commitment(bytes32 key) external view returns (bytes32, uint64) {
        return _commitment(key);
    }

    function isCommitted(bytes32 key) external view returns (bool) {
        return _isCommitted(key);
    }

    function isRecorded(bytes32 key) external view returns (bool) {
        return _isRecorded(key);
    }

    function frozenReason(bytes32 key) external view returns (uint8) {
        return _frozenReason(key);
    }

    function groupState(bytes32 key, bytes32 group) external view returns (GroupState memory) {
        return _groupState(key, group);
    }

    function verifyGroupLeaf(bytes32 key, bytes32 group, bytes32[] calldata proof, bytes memory preimage)
        external
        view
        returns (bool)
    {
        return _verifyGroupLeaf(key, group, proof, _leafOf(preimage));
    }

    function inRecordedRoot(bytes32 key, bytes32[] calldata proof, bytes memory preimage) external view returns (bool) {
        return _inRecordedRoot(key, proof, _leafOf(preimage));
    }

    function leafOf(bytes memory preimage) external pure returns (bytes32) {
        return _leafOf(preimage);
    }

    function _revertUnknownBatch(bytes32 key) internal pure override {
        revert AreaBatchUnknown(key);
    }

    function _revertBatchFrozen(bytes32 key, uint8 reason) internal pure override {
        revert AreaBatchFrozen(key, reason);
    }

    function _revertGroupFrozen(bytes32 key, bytes32 group, uint8 reason) internal pure override {
        revert AreaGroupFrozen(key, group, reason);
    }

    function _revertNotCorrectable(bytes32 key, bytes32 group, uint8 reason, bool corrected) internal pure override {
        revert AreaGroupNotCorrectable(key, group, reason, corrected);
    }

    function _revertBatchAlreadyCommitted(bytes32 key, bytes32 cidDigest) internal pure override {
        revert AreaBatchAlreadyCommitted(key, cidDigest);
    }

    function _revertBatchNotCommitted(bytes32 key) internal pure override {
        revert AreaBatchNotCommitted(key);
    }

    function _revertCommitmentMismatch(bytes32 key, bytes32 committed, bytes32 reported) internal pure override {
        revert AreaBatchCommitmentMismatch(key, committed, reported);
    }

    function _revertDrawPending(bytes32 key, uint256 seedBlock) internal view override {
        revert AreaBatchDrawPending(key, seedBlock, block.number);
    }

    function _revertBatchAlreadyRecorded(bytes32 key) internal pure override {
        revert AreaBatchAlreadyRecorded(key);
    }

    function _revertEmptyRoot(bytes32 key) internal pure override {
        revert AreaBatchEmptyRoot(key);
    }

    function _revertInvalidFreezeReason(uint8 reason) internal pure override {
        revert AreaBatchInvalidFreezeReason(reason);
    }
}

/// @notice The smallest receiver on the base: keeps the last report; one admin may re-point it.
contract ReceiverHarness is KeystoneReceiver {
    error ReceiverHarnessNotAdmin(address sender);

    address public immutable admin;
    bytes public lastReport;
    uint256 public reports;

    constructor(address admin_, address forwarder_, bytes32 workflowId, bytes10 workflowName, address workflowOwner)
        KeystoneReceiver(forwarder_, workflowId, workflowName, workflowOwner)
    {
        admin = admin_;
    }

    function _processReport(bytes calldata report) internal override {
        lastReport = report;
        ++reports;
    }

    function _authorizeReceiverUpdate() internal view override {
        if (msg.sender != admin) revert ReceiverHarnessNotAdmin(msg.sender);
    }
}
