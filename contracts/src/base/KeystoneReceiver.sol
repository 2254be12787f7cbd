// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {IERC165} from "@openzeppelin/contracts@5.0.2/utils/introspection/IERC165.sol";
import {IReceiver} from "@chainlink/contracts/src/v0.8/keystone/interfaces/IReceiver.sol";
import {IKeystoneReceiver} from "../interfaces/IKeystoneReceiver.sol";

/// @title KeystoneReceiver
/// @notice Base of every contract the CRE workflow writes to: onReport passes a report on to `_processReport` only
/// when it comes from the configured KeystoneForwarder and carries the configured workflow id, name and owner.
/// @dev Chainlink's ReceiverTemplate is a documentation sample; these checks are the project's own. The concrete
/// contract implements `_processReport` (what a report does) and `_authorizeReceiverUpdate` (who may re-point
/// forwarder and workflow).
abstract contract KeystoneReceiver is IKeystoneReceiver {
    /// @notice Length of the forwarder metadata: workflowId ‖ workflowName ‖ workflowOwner ‖ reportId.
    uint256 public constant METADATA_LENGTH = 64;

    address private _forwarder;
    /// @dev keccak256(workflowId ‖ workflowName ‖ workflowOwner): the one slot a report's check reads.
    bytes32 private _workflowIdentityHash;
    bytes32 private _workflowId;
    bytes10 private _workflowName;
    address private _workflowOwner;

    /// @param forwarder_ The KeystoneForwarder allowed to call onReport.
    /// @param workflowId The accepted workflow id.
    /// @param workflowName The accepted workflow name (bytes10 as CRE encodes it).
    /// @param workflowOwner The accepted workflow owner.
    constructor(address forwarder_, bytes32 workflowId, bytes10 workflowName, address workflowOwner) {
        _setForwarder(forwarder_);
        _setWorkflowIdentity(workflowId, workflowName, workflowOwner);
    }

    /// @inheritdoc IReceiver
    /// @dev Reverts KeystoneReceiverUnauthorizedForwarder, ...InvalidMetadataLength or ...InvalidWorkflowId/Name/Owner;
    /// the forwarder turns any revert into `ReportProcessed(false)`.
    function onReport(bytes calldata metadata, bytes calldata report) external {
        if (msg.sender != _forwarder) revert KeystoneReceiverUnauthorizedForwarder(msg.sender, _forwarder);
        _checkMetadata(metadata);
        _processReport(report);
    }

    /// @notice ERC-165: the forwarder only delivers to receivers that announce IReceiver.
    function supportsInterface(bytes4 interfaceId) public view virtual returns (bool) {
        // IERC165 of the OZ copy IReceiver pins, so both ids are the ones the forwarder asks for.
        return interfaceId == type(IReceiver).interfaceId || interfaceId == type(IERC165).interfaceId;
    }

    /// @inheritdoc IKeystoneReceiver
    function forwarder() external view returns (address) {
        return _forwarder;
    }

    /// @inheritdoc IKeystoneReceiver
    function workflowIdentity() external view returns (bytes32, bytes10, address) {
        return (_workflowId, _workflowName, _workflowOwner);
    }

    /// @inheritdoc IKeystoneReceiver
    function setForwarder(address newForwarder) external {
        _authorizeReceiverUpdate();
        _setForwarder(newForwarder);
    }

    /// @inheritdoc IKeystoneReceiver
    function setWorkflowIdentity(bytes32 workflowId, bytes10 workflowName, address workflowOwner) external {
        _authorizeReceiverUpdate();
        _setWorkflowIdentity(workflowId, workflowName, workflowOwner);
    }

    /// @dev Handles a report of the configured workflow, delivered by the configured forwarder.
    function _processReport(bytes calldata report) internal virtual;

    /// @dev MUST revert unless the caller may change forwarder and workflow identity.
    function _authorizeReceiverUpdate() internal view virtual;

    function _setForwarder(address newForwarder) private {
        if (newForwarder == address(0)) revert KeystoneReceiverZeroAddress();
        address previous = _forwarder;
        _forwarder = newForwarder;
        emit ForwarderUpdated(previous, newForwarder);
    }

    function _setWorkflowIdentity(bytes32 workflowId, bytes10 workflowName, address workflowOwner) private {
        // All three are always checked, so none may be a "don't care" zero.
        if (workflowOwner == address(0)) revert KeystoneReceiverZeroAddress();
        _workflowIdentityHash = keccak256(abi.encodePacked(workflowId, workflowName, workflowOwner));
        _workflowId = workflowId;
        _workflowName = workflowName;
        _workflowOwner = workflowOwner;
        emit WorkflowIdentityUpdated(workflowId, workflowName, workflowOwner);
    }

    function _checkMetadata(bytes calldata metadata) private view {
        if (metadata.length != METADATA_LENGTH) revert KeystoneReceiverInvalidMetadataLength(metadata.length);
        // One hash compare on the hot path; the fields are read only to name the one that differs.
        if (keccak256(metadata[0:62]) == _workflowIdentityHash) return;
        bytes32 workflowId = bytes32(metadata[0:32]);
        bytes10 workflowName = bytes10(metadata[32:42]);
        address workflowOwner = address(bytes20(metadata[42:62]));
        if (workflowId != _workflowId) revert KeystoneReceiverInvalidWorkflowId(workflowId, _workflowId);
        if (workflowName != _workflowName) revert KeystoneReceiverInvalidWorkflowName(workflowName, _workflowName);
        revert KeystoneReceiverInvalidWorkflowOwner(workflowOwner, _workflowOwner);
    }
}
