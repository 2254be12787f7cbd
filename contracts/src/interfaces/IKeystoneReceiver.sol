// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {IReceiver} from "@chainlink/contracts/src/v0.8/keystone/interfaces/IReceiver.sol";

/// @title IKeystoneReceiver
/// @notice A receiver of Chainlink CRE reports that accepts them only from one KeystoneForwarder and one workflow
/// (id, name and owner, all three checked). The forwarder has already checked f+1 DON signatures over the report.
interface IKeystoneReceiver is IReceiver {
    /// @notice Emitted after the forwarder allowed to call onReport changed.
    event ForwarderUpdated(address indexed previousForwarder, address indexed newForwarder);

    /// @notice Emitted after the workflow whose reports are accepted changed.
    event WorkflowIdentityUpdated(bytes32 workflowId, bytes10 workflowName, address indexed workflowOwner);

    /// @notice Thrown when onReport is called by anything but the configured forwarder.
    error KeystoneReceiverUnauthorizedForwarder(address sender, address expected);

    /// @notice Thrown when the forwarder metadata is not 64 bytes (id ‖ name ‖ owner ‖ report id).
    error KeystoneReceiverInvalidMetadataLength(uint256 length);

    /// @notice Thrown when the report comes from another workflow id.
    error KeystoneReceiverInvalidWorkflowId(bytes32 workflowId, bytes32 expected);

    /// @notice Thrown when the report comes from another workflow name.
    error KeystoneReceiverInvalidWorkflowName(bytes10 workflowName, bytes10 expected);

    /// @notice Thrown when the report comes from another workflow owner.
    error KeystoneReceiverInvalidWorkflowOwner(address workflowOwner, address expected);

    /// @notice Thrown when the forwarder or the workflow owner is set to the zero address.
    error KeystoneReceiverZeroAddress();

    /// @notice The forwarder allowed to call onReport.
    function forwarder() external view returns (address);

    /// @notice The workflow whose reports are accepted.
    function workflowIdentity() external view returns (bytes32 workflowId, bytes10 workflowName, address workflowOwner);

    /// @notice Changes the forwarder (non-zero). Receiver admin only (the concrete contract says who).
    function setForwarder(address newForwarder) external;

    /// @notice Changes the accepted workflow (owner non-zero). Receiver admin only.
    function setWorkflowIdentity(bytes32 workflowId, bytes10 workflowName, address workflowOwner) external;
}
