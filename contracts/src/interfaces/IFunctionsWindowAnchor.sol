// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {
    AutomationCompatibleInterface
} from "@chainlink/contracts/src/v0.8/automation/interfaces/AutomationCompatibleInterface.sol";
import {IDataLogger} from "./IDataLogger.sol";

/// @title IFunctionsWindowAnchor
/// @notice The second oracle path (the original design's): a Chainlink Automation upkeep says which window is due,
/// sends a Chainlink Functions request for it, and records the DON's answer, the same 224-byte window report the CRE
/// workflow delivers, in the DataLogger through `recordWindow`. Both paths therefore leave identical records.
/// @dev checkUpkeep (view) returns `(true, abi.encode(uint64 windowStart))` when the latest window whose end plus the
/// seal delay has passed is neither recorded nor pending (or its request is older than retryAfterSeconds).
/// performUpkeep MUST be called by the configured Automation forwarder (registry); it re-checks the window and reverts
/// FunctionsWindowAnchorMisalignedWindow, ...WindowNotSealed, ...WindowAlreadyRecorded or ...RequestPending.
/// Functions args, in order: windowStart (decimal), windowSeconds (decimal), apiUrl, deviceRegistry (0x hex);
/// bytesArgs[0]: the 32-byte sampling seed (see WindowRequested).
interface IFunctionsWindowAnchor is AutomationCompatibleInterface {
    /// @notice Request settings.
    /// @param subscriptionId Functions subscription paying for the requests.
    /// @param callbackGasLimit Gas the router gives fulfillRequest; at least MIN_CALLBACK_GAS_LIMIT (a recording
    /// measures about 145k in fulfillRequest).
    /// @param donId Functions DON id (e.g. bytes32("fun-ethereum-sepolia-1")).
    /// @param windowSeconds Window length: MUST be the DataLogger's fixed `windowSeconds()`.
    /// @param sealDelaySeconds How long after a window's end the oracle API has sealed it.
    /// @param retryAfterSeconds How long a request may stay unanswered (or answered with an error) before the
    /// upkeep asks again for the same window; at least MIN_RETRY_AFTER_SECONDS (live networks: minutes).
    /// @param deviceRegistry Passed to the source, which reads the device keys there.
    /// @param apiUrl Base URL of the oracle API, passed to the source.
    struct AnchorConfig {
        uint64 subscriptionId;
        uint32 callbackGasLimit;
        bytes32 donId;
        uint32 windowSeconds;
        uint32 sealDelaySeconds;
        uint32 retryAfterSeconds;
        address deviceRegistry;
        string apiUrl;
    }

    /// @notice Emitted after a Functions request for a window was sent.
    /// @param samplingSeed bytesArgs[0] of the request: keccak256(previous block hash, windowStart), fixed on chain
    /// before the oracle API could see it, so the DON's signature sample of a large window is not the API's choice.
    /// @param phase PHASE_COMMIT (the DON answers the document digest) or PHASE_RECORD (the DON answers the report).
    /// @param samplingSeed The seed block's hash (record phase); zero in the commit phase.
    event WindowRequested(uint64 indexed windowStart, bytes32 indexed requestId, uint8 phase, bytes32 samplingSeed);

    /// @notice Emitted after the DON's answer was recorded in the DataLogger.
    /// @param phase The phase the answer completed (the DataLogger's WindowCommitted / WindowRecorded say what).
    event WindowAnchored(uint64 indexed windowStart, bytes32 indexed requestId, uint8 phase);

    /// @notice Emitted when the DON answered with an error (nothing recorded; the window is retried later).
    event WindowRequestFailed(uint64 indexed windowStart, bytes32 indexed requestId, bytes err);

    /// @notice Emitted when the DataLogger refused the DON's answer; `reason` is the revert data (e.g.
    /// DataLoggerWindowAlreadyRecorded when the CRE path was first) or FunctionsWindowAnchorWindowMismatch.
    event WindowResponseRejected(uint64 indexed windowStart, bytes32 indexed requestId, bytes reason);

    /// @notice Emitted for an answer to a request that is unknown, already answered or superseded by a retry.
    event WindowResponseIgnored(bytes32 indexed requestId);

    /// @notice Emitted after the owner changes the request settings.
    event AnchorConfigUpdated(AnchorConfig config);

    /// @notice Emitted after the owner changes the Functions source.
    event SourceUpdated(bytes32 sourceHash);

    /// @notice Emitted after the owner changes the Automation forwarder allowed to call performUpkeep.
    event UpkeepForwarderUpdated(address indexed previousForwarder, address indexed newForwarder);

    /// @notice Thrown when performUpkeep is called by anything but the configured Automation forwarder.
    error FunctionsWindowAnchorUnauthorizedUpkeep(address sender, address expected);

    /// @notice Thrown when windowStart is not a multiple of windowSeconds.
    error FunctionsWindowAnchorMisalignedWindow(uint64 windowStart, uint32 windowSeconds);

    /// @notice Thrown when the window is not sealed yet (its end plus the seal delay is later than this block).
    error FunctionsWindowAnchorWindowNotSealed(uint64 windowStart, uint256 readyAt, uint256 blockTimestamp);

    /// @notice Thrown when the window is already in the DataLogger.
    error FunctionsWindowAnchorWindowAlreadyRecorded(uint64 windowStart);

    /// @notice Thrown when a request for the window is in flight and may not be retried before `retryAt`.
    error FunctionsWindowAnchorRequestPending(uint64 windowStart, bytes32 requestId, uint256 retryAt);

    /// @notice Reason (in WindowResponseRejected) when the DON answered for another window than requested.
    error FunctionsWindowAnchorWindowMismatch(uint64 requested, uint256 reported);

    /// @notice Thrown when the configured windowSeconds is not the DataLogger's fixed window length.
    error FunctionsWindowAnchorWindowLengthMismatch(uint32 windowSeconds, uint32 expected);

    /// @notice Thrown when the callback gas limit is below the minimum a recording needs (every answer would fail).
    error FunctionsWindowAnchorInvalidCallbackGasLimit(uint32 callbackGasLimit, uint32 minimum);

    /// @notice Thrown when retryAfterSeconds is below the minimum: every upkeep tick would replace the pending
    /// request before the DON can answer it, and no window would ever be recorded.
    error FunctionsWindowAnchorRetryTooSoon(uint32 retryAfterSeconds, uint32 minimum);

    /// @notice Thrown when the source or the API URL is empty.
    error FunctionsWindowAnchorEmptyString();

    /// @notice Thrown when a required address is zero.
    error FunctionsWindowAnchorZeroAddress();

    /// @notice Thrown when a window is asked for while its seed block is not mined yet (commit, then draw).
    error FunctionsWindowAnchorDrawPending(uint64 windowStart, uint256 seedBlock, uint256 blockNumber);

    /// @notice Owner-triggered request for any sealed window (backfill of windows the upkeep passed by).
    /// @dev Same checks as performUpkeep.
    function requestWindow(uint64 windowStart) external returns (bytes32 requestId);

    /// @notice The latest window whose end plus the seal delay has passed (false before the first one).
    function dueWindow() external view returns (bool exists, uint64 windowStart);

    /// @notice The last request sent for a window (zero when none).
    function requestOf(uint64 windowStart) external view returns (bytes32 requestId, uint64 requestedAt);

    /// @notice The window an open request asks for; `open` is false once answered, superseded or unknown.
    function windowOfRequest(bytes32 requestId) external view returns (uint64 windowStart, bool open);

    /// @notice The phase a window is in for this anchor: PHASE_COMMIT until its digest is committed, then
    /// PHASE_RECORD (from the block after the seed block on), PHASE_DONE once recorded; PHASE_DRAWING while the
    /// seed block is not yet mined.
    function phaseOf(uint64 windowStart) external view returns (uint8);

    /// @notice keccak256 of the source the next request sends (the DataLogger pins the same hash).
    function sourceHash() external view returns (bytes32);

    /// @notice The DataLogger this anchor records into.
    function dataLogger() external view returns (IDataLogger);

    /// @notice The Functions router.
    function router() external view returns (address);

    /// @notice The request settings.
    function anchorConfig() external view returns (AnchorConfig memory);

    /// @notice The JavaScript source the DON runs.
    function source() external view returns (string memory);

    /// @notice The Automation forwarder allowed to call performUpkeep (zero: none).
    function upkeepForwarder() external view returns (address);

    /// @notice Changes the request settings. Owner only.
    function setAnchorConfig(AnchorConfig calldata config) external;

    /// @notice Changes the Functions source. Owner only.
    function setSource(string calldata newSource) external;

    /// @notice Changes the Automation forwarder. Owner only.
    function setUpkeepForwarder(address newForwarder) external;
}
