// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";
import {FunctionsClient} from "@chainlink/contracts/src/v0.8/functions/v1_0_0/FunctionsClient.sol";
import {FunctionsRequest} from "@chainlink/contracts/src/v0.8/functions/v1_0_0/libraries/FunctionsRequest.sol";
import {IDataLogger} from "./interfaces/IDataLogger.sol";
import {IFunctionsWindowAnchor} from "./interfaces/IFunctionsWindowAnchor.sol";

/// @title FunctionsWindowAnchor
/// @notice Chainlink Automation upkeep + Chainlink Functions consumer that anchors sealed windows in the DataLogger
/// (whose owner makes this contract the recorder). The DataLogger applies the same checks as on the CRE path.
contract FunctionsWindowAnchor is IFunctionsWindowAnchor, FunctionsClient, Ownable2Step {
    using FunctionsRequest for FunctionsRequest.Request;

    struct WindowRequest {
        bytes32 requestId;
        uint64 requestedAt;
    }

    struct OpenRequest {
        uint64 windowStart;
        bool open;
        uint8 phase;
        bytes32 sourceHash;
    }

    /// @notice Phases of a window (phaseOf): commit the digest, wait for the seed block, record, done.
    uint8 public constant PHASE_COMMIT = 1;
    uint8 public constant PHASE_DRAWING = 2;
    uint8 public constant PHASE_RECORD = 3;
    uint8 public constant PHASE_DONE = 4;

    /// @notice Least callbackGasLimit accepted: fulfillRequest records a window for about 145k (snapshots/), and a
    /// first window's cold slots cost more; below this every answer would run out of gas, forever.
    uint32 public constant MIN_CALLBACK_GAS_LIMIT = 200_000;

    /// @notice Least retryAfterSeconds accepted: a request must live long enough for the DON to answer it (devnet
    /// uses 30 s; live networks should use minutes, Deploy.s.sol defaults to 600 s).
    uint32 public constant MIN_RETRY_AFTER_SECONDS = 30;

    /*//////////////////////////////////////////////////////////////
                                 STORAGE
    //////////////////////////////////////////////////////////////*/

    IDataLogger private immutable _logger;

    AnchorConfig private _config;
    string private _source;
    bytes32 private _sourceHash;
    address private _upkeepForwarder;

    mapping(uint64 windowStart => WindowRequest) private _windowRequests;
    mapping(bytes32 requestId => OpenRequest) private _openRequests;

    /*//////////////////////////////////////////////////////////////
                               CONSTRUCTOR
    //////////////////////////////////////////////////////////////*/

    /// @param initialOwner Account that configures the anchor and may backfill windows.
    /// @param router_ The Chainlink Functions router.
    /// @param logger The DataLogger to record into.
    /// @param config Request settings.
    /// @param source_ JavaScript source the DON runs.
    /// @param upkeepForwarder_ Automation forwarder allowed to call performUpkeep (zero: set later).
    constructor(
        address initialOwner,
        address router_,
        IDataLogger logger,
        AnchorConfig memory config,
        string memory source_,
        address upkeepForwarder_
    ) FunctionsClient(router_) Ownable(initialOwner) {
        if (router_ == address(0) || address(logger) == address(0)) {
            revert FunctionsWindowAnchorZeroAddress();
        }
        _logger = logger;
        _setAnchorConfig(config);
        _setSource(source_);
        _setUpkeepForwarder(upkeepForwarder_);
    }

    /*//////////////////////////////////////////////////////////////
                                AUTOMATION
    //////////////////////////////////////////////////////////////*/

    /// @notice Automation check: `(true, abi.encode(uint64 windowStart))` when the due window should be requested.
    /// The window before the due one is asked for too while it is committed but not recorded, so its record phase
    /// finishes after the due window moved on.
    function checkUpkeep(bytes calldata) external view returns (bool upkeepNeeded, bytes memory performData) {
        (bool exists, uint64 windowStart) = dueWindow();
        if (!exists) return (false, "");
        if (_isRequestable(windowStart)) return (true, abi.encode(windowStart));
        uint32 windowSeconds = _config.windowSeconds;
        if (windowStart >= windowSeconds) {
            uint64 previous = windowStart - windowSeconds;
            if (phaseOf(previous) == PHASE_RECORD && _isRequestable(previous)) return (true, abi.encode(previous));
        }
        return (false, "");
    }

    /// @notice Automation perform: sends the Functions request for the window in `performData`.
    /// @dev MUST be called by the configured Automation forwarder; re-checks the window (see IFunctionsWindowAnchor).
    function performUpkeep(bytes calldata performData) external {
        if (msg.sender != _upkeepForwarder) {
            revert FunctionsWindowAnchorUnauthorizedUpkeep(msg.sender, _upkeepForwarder);
        }
        _requestWindow(abi.decode(performData, (uint64)));
    }

    /// @inheritdoc IFunctionsWindowAnchor
    function requestWindow(uint64 windowStart) external onlyOwner returns (bytes32) {
        return _requestWindow(windowStart);
    }

    /*//////////////////////////////////////////////////////////////
                                  VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IFunctionsWindowAnchor
    function dueWindow() public view returns (bool, uint64) {
        uint256 windowSeconds = _config.windowSeconds;
        uint256 minimum = windowSeconds + _config.sealDelaySeconds;
        if (block.timestamp < minimum) return (false, 0);
        uint256 ready = block.timestamp - _config.sealDelaySeconds;
        // Block timestamps fit uint64 for the life of this contract.
        // forge-lint: disable-next-line(unsafe-typecast)
        return (true, uint64(ready - (ready % windowSeconds) - windowSeconds));
    }

    /// @inheritdoc IFunctionsWindowAnchor
    function requestOf(uint64 windowStart) external view returns (bytes32, uint64) {
        WindowRequest memory r = _windowRequests[windowStart];
        return (r.requestId, r.requestedAt);
    }

    /// @inheritdoc IFunctionsWindowAnchor
    function windowOfRequest(bytes32 requestId) external view returns (uint64, bool) {
        OpenRequest memory r = _openRequests[requestId];
        return (r.windowStart, r.open);
    }

    /// @inheritdoc IFunctionsWindowAnchor
    function phaseOf(uint64 windowStart) public view returns (uint8) {
        if (_logger.isRecorded(windowStart)) return PHASE_DONE;
        (, uint64 commitBlock) = _logger.getCommitment(windowStart);
        if (commitBlock == 0) return PHASE_COMMIT;
        return block.number < uint256(commitBlock) + _logger.drawDelayBlocks() ? PHASE_DRAWING : PHASE_RECORD;
    }

    /// @inheritdoc IFunctionsWindowAnchor
    function sourceHash() external view returns (bytes32) {
        return _sourceHash;
    }

    /// @inheritdoc IFunctionsWindowAnchor
    function dataLogger() external view returns (IDataLogger) {
        return _logger;
    }

    /// @inheritdoc IFunctionsWindowAnchor
    function router() external view returns (address) {
        return address(i_router);
    }

    /// @inheritdoc IFunctionsWindowAnchor
    function anchorConfig() external view returns (AnchorConfig memory) {
        return _config;
    }

    /// @inheritdoc IFunctionsWindowAnchor
    function source() external view returns (string memory) {
        return _source;
    }

    /// @inheritdoc IFunctionsWindowAnchor
    function upkeepForwarder() external view returns (address) {
        return _upkeepForwarder;
    }

    /*//////////////////////////////////////////////////////////////
                              CONFIGURATION
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IFunctionsWindowAnchor
    function setAnchorConfig(AnchorConfig calldata config) external onlyOwner {
        _setAnchorConfig(config);
    }

    /// @inheritdoc IFunctionsWindowAnchor
    function setSource(string calldata newSource) external onlyOwner {
        _setSource(newSource);
    }

    /// @inheritdoc IFunctionsWindowAnchor
    function setUpkeepForwarder(address newForwarder) external onlyOwner {
        _setUpkeepForwarder(newForwarder);
    }

    /*//////////////////////////////////////////////////////////////
                                INTERNALS
    //////////////////////////////////////////////////////////////*/

    /// @dev Commit, then draw: the first request asks the DON for the document digest only (committed through
    /// recordWindow); the second, sent once the seed block is mined, carries that block's hash as the sampling seed.
    function _requestWindow(uint64 windowStart) private returns (bytes32 requestId) {
        uint8 phase = _checkRequestable(windowStart);

        FunctionsRequest.Request memory req;
        req.initializeRequestForInlineJavaScript(_source);
        string[] memory args = new string[](5);
        args[0] = Strings.toString(windowStart);
        args[1] = Strings.toString(_config.windowSeconds);
        args[2] = _config.apiUrl;
        args[3] = Strings.toHexString(_config.deviceRegistry);
        args[4] = phase == PHASE_COMMIT ? "commit" : "record";
        req.setArgs(args);
        bytes32 seed;
        if (phase == PHASE_RECORD) {
            (bytes32 cidDigest, uint64 commitBlock) = _logger.getCommitment(windowStart);
            seed = blockhash(uint256(commitBlock) + 1);
            // Past 256 blocks the seed block's hash is gone on chain: a later block's, still after the commit.
            if (seed == bytes32(0)) seed = keccak256(abi.encode(blockhash(block.number - 1), windowStart, cidDigest));
            bytes[] memory bytesArgs = new bytes[](1);
            bytesArgs[0] = abi.encodePacked(seed);
            req.setBytesArgs(bytesArgs);
        }
        requestId = _sendRequest(req.encodeCBOR(), _config.subscriptionId, _config.callbackGasLimit, _config.donId);

        // A retry supersedes the earlier request: its answer, should it still come, is ignored.
        delete _openRequests[_windowRequests[windowStart].requestId];
        _openRequests[requestId] =
            OpenRequest({windowStart: windowStart, open: true, phase: phase, sourceHash: _sourceHash});
        _windowRequests[windowStart] = WindowRequest({requestId: requestId, requestedAt: uint64(block.timestamp)});
        emit WindowRequested(windowStart, requestId, phase, seed);
    }

    /// @dev Never reverts on the DON's account: errors and refusals are evented so the router's callback succeeds and
    /// the upkeep can retry after retryAfterSeconds.
    function fulfillRequest(bytes32 requestId, bytes memory response, bytes memory err) internal override {
        OpenRequest memory r = _openRequests[requestId];
        if (!r.open) {
            emit WindowResponseIgnored(requestId);
            return;
        }
        delete _openRequests[requestId];

        if (err.length != 0) {
            emit WindowRequestFailed(r.windowStart, requestId, err);
            return;
        }
        if (response.length >= 32) {
            uint256 reported = abi.decode(response, (uint256));
            if (reported != r.windowStart) {
                emit WindowResponseRejected(
                    r.windowStart,
                    requestId,
                    abi.encodeWithSelector(FunctionsWindowAnchorWindowMismatch.selector, r.windowStart, reported)
                );
                return;
            }
        }
        try _logger.recordWindow(response, r.sourceHash) {
            // The next phase may be asked for at once.
            delete _windowRequests[r.windowStart];
            emit WindowAnchored(r.windowStart, requestId, r.phase);
        } catch (bytes memory reason) {
            emit WindowResponseRejected(r.windowStart, requestId, reason);
        }
    }

    function _checkRequestable(uint64 windowStart) private view returns (uint8 phase) {
        uint32 windowSeconds = _config.windowSeconds;
        if (windowStart % windowSeconds != 0) revert FunctionsWindowAnchorMisalignedWindow(windowStart, windowSeconds);
        uint256 readyAt = uint256(windowStart) + windowSeconds + _config.sealDelaySeconds;
        if (readyAt > block.timestamp) {
            revert FunctionsWindowAnchorWindowNotSealed(windowStart, readyAt, block.timestamp);
        }
        phase = phaseOf(windowStart);
        if (phase == PHASE_DONE) revert FunctionsWindowAnchorWindowAlreadyRecorded(windowStart);
        if (phase == PHASE_DRAWING) {
            (, uint64 commitBlock) = _logger.getCommitment(windowStart);
            revert FunctionsWindowAnchorDrawPending(windowStart, uint256(commitBlock) + 1, block.number);
        }
        WindowRequest memory pending = _windowRequests[windowStart];
        if (pending.requestId != bytes32(0)) {
            uint256 retryAt = uint256(pending.requestedAt) + _config.retryAfterSeconds;
            if (block.timestamp < retryAt) {
                revert FunctionsWindowAnchorRequestPending(windowStart, pending.requestId, retryAt);
            }
        }
    }

    /// @dev Mirror of _checkRequestable for the view path (checkUpkeep must not revert).
    function _isRequestable(uint64 windowStart) private view returns (bool) {
        uint8 phase = phaseOf(windowStart);
        if (phase == PHASE_DONE || phase == PHASE_DRAWING) return false;
        WindowRequest memory pending = _windowRequests[windowStart];
        return
            pending.requestId == bytes32(0)
                || block.timestamp >= uint256(pending.requestedAt) + _config.retryAfterSeconds;
    }

    function _setAnchorConfig(AnchorConfig memory config) private {
        // The logger's length is fixed at its deployment: asking for windows of another length would only get
        // every answer refused.
        uint32 loggerSeconds = _logger.windowSeconds();
        if (config.windowSeconds != loggerSeconds) {
            revert FunctionsWindowAnchorWindowLengthMismatch(config.windowSeconds, loggerSeconds);
        }
        if (config.callbackGasLimit < MIN_CALLBACK_GAS_LIMIT) {
            revert FunctionsWindowAnchorInvalidCallbackGasLimit(config.callbackGasLimit, MIN_CALLBACK_GAS_LIMIT);
        }
        if (config.retryAfterSeconds < MIN_RETRY_AFTER_SECONDS) {
            revert FunctionsWindowAnchorRetryTooSoon(config.retryAfterSeconds, MIN_RETRY_AFTER_SECONDS);
        }
        if (config.deviceRegistry == address(0)) revert FunctionsWindowAnchorZeroAddress();
        if (bytes(config.apiUrl).length == 0) revert FunctionsWindowAnchorEmptyString();
        _config = config;
        emit AnchorConfigUpdated(config);
    }

    function _setSource(string memory newSource) private {
        if (bytes(newSource).length == 0) revert FunctionsWindowAnchorEmptyString();
        _source = newSource;
        _sourceHash = keccak256(bytes(newSource));
        emit SourceUpdated(_sourceHash);
    }

    function _setUpkeepForwarder(address newForwarder) private {
        address previous = _upkeepForwarder;
        _upkeepForwarder = newForwarder;
        emit UpkeepForwarderUpdated(previous, newForwarder);
    }
}
