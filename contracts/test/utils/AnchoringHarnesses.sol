// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {AnchoredBatchStore} from "../../src/base/AnchoredBatchStore.sol";
import {KeystoneReceiver} from "../../src/base/KeystoneReceiver.sol";

/// @notice A second batch kind on the anchoring base, as grid-status batches will be: keyed by (area, start), with
/// its own error names. Exposes the internal store API to tests.
contract AreaBatchStoreHarness is AnchoredBatchStore {
    error AreaBatchUnknown(bytes32 key);
    error AreaBatchFrozen(bytes32 key, uint8 reason);
    error AreaBatchAlreadyRecorded(bytes32 key);
    error AreaBatchEmptyRoot(bytes32 key);
    error AreaBatchInvalidFreezeReason(uint8 reason);

    function keyOf(bytes32 area, uint64 start) public pure returns (bytes32) {
        return keccak256(abi.encode(area, start));
    }

    function record(bytes32 key, bytes32 root, bytes32 cidDigest) external {
        _recordBatch(key, root, cidDigest);
    }

    function freeze(bytes32 key, uint8 reason) external {
        _freezeBatch(key, reason);
    }

    function batch(bytes32 key) external view returns (Batch memory) {
        return _recordedBatch(key);
    }

    function isRecorded(bytes32 key) external view returns (bool) {
        return _isRecorded(key);
    }

    function frozenReason(bytes32 key) external view returns (uint8) {
        return _frozenReason(key);
    }

    function count() external view returns (uint256) {
        return _batchCount();
    }

    function keyAt(uint256 index) external view returns (bytes32) {
        return _batchKeyAt(index);
    }

    function verifyLeaf(bytes32 key, bytes32[] calldata proof, bytes memory preimage) external view returns (bool) {
        return _verifyLeaf(_provableRoot(key), proof, _leafOf(preimage));
    }

    function verifyNested(
        bytes32 key,
        bytes32[] calldata itemProof,
        bytes memory item,
        bytes32 groupRoot,
        bytes32[] calldata groupProof,
        bytes memory group
    ) external view returns (bool) {
        return _verifyNested(_provableRoot(key), itemProof, _leafOf(item), groupRoot, groupProof, _leafOf(group));
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
