// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import "forge-std/Test.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";
import {FunctionsClient} from "@chainlink/contracts/src/v0.8/functions/v1_0_0/FunctionsClient.sol";
import {FunctionsRequest} from "@chainlink/contracts/src/v0.8/functions/v1_0_0/libraries/FunctionsRequest.sol";
import {IDataLogger} from "../src/interfaces/IDataLogger.sol";
import {IFunctionsWindowAnchor} from "../src/interfaces/IFunctionsWindowAnchor.sol";
import {DataLogger} from "../src/DataLogger.sol";
import {FunctionsWindowAnchor} from "../src/FunctionsWindowAnchor.sol";
import {KeystoneFixture} from "./utils/KeystoneFixture.sol";
import {FunctionsRouterStub} from "./utils/FunctionsRouterStub.sol";

contract FunctionsWindowAnchorTest is KeystoneFixture {
    using FunctionsRequest for FunctionsRequest.Request;

    string internal constant SOURCE = "return Functions.encodeString('window');";
    string internal constant API_URL = "http://127.0.0.1:8787";
    uint32 internal constant SEAL_DELAY = 30;
    uint32 internal constant RETRY_AFTER = 600;
    uint32 internal constant CALLBACK_GAS = 300_000;
    uint64 internal constant SUBSCRIPTION_ID = 7;
    bytes32 internal constant DON = "fun-local-1";

    bytes32 internal constant DOC = keccak256("document");

    FunctionsRouterStub internal _router;
    DataLogger internal _functionsLogger;
    FunctionsWindowAnchor internal _anchor;
    address internal _upkeep = makeAddr("automation forwarder");
    address internal _deviceRegistry = makeAddr("device registry");

    function _config() internal view returns (IFunctionsWindowAnchor.AnchorConfig memory) {
        return IFunctionsWindowAnchor.AnchorConfig({
            subscriptionId: SUBSCRIPTION_ID,
            callbackGasLimit: CALLBACK_GAS,
            donId: DON,
            windowSeconds: WINDOW_SECONDS,
            sealDelaySeconds: SEAL_DELAY,
            retryAfterSeconds: RETRY_AFTER,
            deviceRegistry: _deviceRegistry,
            apiUrl: API_URL
        });
    }

    function setUp() public {
        _setUpKeystone();
        _router = new FunctionsRouterStub();
        // The Functions path gets its own logger so the CRE logger of the fixture can record the same payload.
        _functionsLogger =
            new DataLogger(_admin, address(_forwarder), WORKFLOW_ID, WORKFLOW_NAME, _workflowOwner, WINDOW_SECONDS);
        _anchor = new FunctionsWindowAnchor(_admin, address(_router), _functionsLogger, _config(), SOURCE, _upkeep);
        vm.startPrank(_admin);
        _functionsLogger.setRecorder(address(_anchor));
        _functionsLogger.setFunctionsSourceHash(keccak256(bytes(SOURCE)));
        vm.stopPrank();
        // WINDOW_START's window is the due one: it ended SEAL_DELAY seconds ago.
        vm.warp(WINDOW_START + WINDOW_SECONDS + SEAL_DELAY);
    }

    function _perform(uint64 windowStart) internal returns (bytes32) {
        vm.prank(_upkeep);
        _anchor.performUpkeep(abi.encode(windowStart));
        return _router.lastRequestId();
    }

    /// @dev Phase one: request, the DON answers the digest, the seed block is mined. The window is then in its
    /// record phase.
    function _throughCommit(uint64 windowStart) internal {
        bytes32 requestId = _perform(windowStart);
        assertTrue(_router.fulfill(requestId, abi.encode(windowStart, DOC), ""));
        vm.roll(block.number + 2);
    }

    function _assertUpkeep(bool needed, uint64 windowStart) internal view {
        (bool upkeepNeeded, bytes memory performData) = _anchor.checkUpkeep("");
        assertEq(upkeepNeeded, needed);
        assertEq(performData, needed ? abi.encode(windowStart) : bytes(""));
    }

    /*//////////////////////////////////////////////////////////////
                                 UPKEEP
    //////////////////////////////////////////////////////////////*/

    function test_checkUpkeep_notNeededBeforeTheFirstWindowIsSealed() public {
        vm.warp(WINDOW_SECONDS + SEAL_DELAY - 1);
        _assertUpkeep(false, 0);
        (bool exists,) = _anchor.dueWindow();
        assertFalse(exists);
        vm.warp(WINDOW_SECONDS + SEAL_DELAY);
        _assertUpkeep(true, 0);
    }

    function test_checkUpkeep_dueWindowFollowsSealDelay() public {
        _assertUpkeep(true, WINDOW_START);
        // One second earlier the window was not sealed yet: the previous one was due.
        vm.warp(block.timestamp - 1);
        _assertUpkeep(true, WINDOW_START - WINDOW_SECONDS);
        // A whole window later the next one is due.
        vm.warp(block.timestamp + 1 + WINDOW_SECONDS);
        _assertUpkeep(true, WINDOW_START + WINDOW_SECONDS);
    }

    function _expectedRequest(string memory phase, bytes32 seed) internal view returns (bytes memory) {
        FunctionsRequest.Request memory expected;
        expected.initializeRequestForInlineJavaScript(SOURCE);
        string[] memory args = new string[](5);
        args[0] = "1767225600";
        args[1] = "300";
        args[2] = API_URL;
        args[3] = Strings.toHexString(_deviceRegistry);
        args[4] = phase;
        expected.setArgs(args);
        if (seed != bytes32(0)) {
            bytes[] memory bytesArgs = new bytes[](1);
            bytesArgs[0] = abi.encodePacked(seed);
            expected.setBytesArgs(bytesArgs);
        }
        return expected.encodeCBOR();
    }

    function test_performUpkeep_sendsTheCommitRequestFirst() public {
        vm.roll(100);
        assertEq(_anchor.phaseOf(WINDOW_START), 1);
        vm.expectEmit(true, false, false, true, address(_anchor));
        emit IFunctionsWindowAnchor.WindowRequested(WINDOW_START, bytes32(0), 1, bytes32(0));
        vm.prank(_upkeep);
        _anchor.performUpkeep(abi.encode(WINDOW_START));
        vm.snapshotGasLastCall("FunctionsWindowAnchor", "performUpkeep");

        bytes32 requestId = _router.lastRequestId();
        FunctionsRouterStub.SentRequest memory sent = _router.sent(requestId);
        assertEq(sent.client, address(_anchor));
        assertEq(sent.subscriptionId, SUBSCRIPTION_ID);
        assertEq(sent.callbackGasLimit, CALLBACK_GAS);
        assertEq(sent.donId, DON);
        assertEq(sent.dataVersion, FunctionsRequest.REQUEST_DATA_VERSION);
        assertEq(sent.data, _expectedRequest("commit", bytes32(0)));

        (bytes32 id, uint64 requestedAt) = _anchor.requestOf(WINDOW_START);
        assertEq(id, requestId);
        assertEq(requestedAt, block.timestamp);
        (uint64 windowStart, bool open) = _anchor.windowOfRequest(requestId);
        assertEq(windowStart, WINDOW_START);
        assertTrue(open);
        // Pending: no second request until retryAfter.
        _assertUpkeep(false, 0);
    }

    /// @notice Why 4 (Functions path): the seed is the hash of the block after the commit, which did not exist when
    /// the DON committed the digest the API served; before that block is mined nothing is requested.
    function test_Why4_functionsSeedIsTheBlockAfterTheCommit() public {
        vm.roll(100);
        bytes32 commitRequest = _perform(WINDOW_START);
        vm.expectEmit(true, true, false, true, address(_anchor));
        emit IFunctionsWindowAnchor.WindowAnchored(WINDOW_START, commitRequest, 1);
        assertTrue(_router.fulfill(commitRequest, abi.encode(WINDOW_START, DOC), ""));
        (bytes32 digest, uint64 commitBlock) = _functionsLogger.getCommitment(WINDOW_START);
        assertEq(digest, DOC);
        assertEq(commitBlock, 100);

        // The seed block (101) is not mined yet: nothing to request, and a forced request reverts.
        assertEq(_anchor.phaseOf(WINDOW_START), 2);
        _assertUpkeep(false, 0);
        vm.expectRevert(
            abi.encodeWithSelector(
                IFunctionsWindowAnchor.FunctionsWindowAnchorDrawPending.selector, WINDOW_START, 101, 100
            )
        );
        vm.prank(_admin);
        _anchor.requestWindow(WINDOW_START);

        vm.roll(102);
        assertEq(_anchor.phaseOf(WINDOW_START), 3);
        _assertUpkeep(true, WINDOW_START);
        bytes32 seed = blockhash(101);
        vm.expectEmit(true, false, false, true, address(_anchor));
        emit IFunctionsWindowAnchor.WindowRequested(WINDOW_START, bytes32(0), 3, seed);
        bytes32 recordRequest = _perform(WINDOW_START);
        assertEq(_router.sent(recordRequest).data, _expectedRequest("record", seed));
        assertTrue(_router.fulfill(recordRequest, _defaultPayload(), ""));
        assertTrue(_functionsLogger.isRecorded(WINDOW_START));
        assertEq(_anchor.phaseOf(WINDOW_START), 4);
    }

    /// @notice A window committed while it was due is still recorded after the next window became due.
    function test_checkUpkeep_finishesTheRecordPhaseOfThePreviousWindow() public {
        bytes32 commitRequest = _perform(WINDOW_START);
        assertTrue(_router.fulfill(commitRequest, abi.encode(WINDOW_START, DOC), ""));
        vm.roll(block.number + 2);
        // The next window is due now, and is requested first (its commit phase).
        vm.warp(block.timestamp + WINDOW_SECONDS);
        uint64 next = WINDOW_START + WINDOW_SECONDS;
        _assertUpkeep(true, next);
        _perform(next);
        // With the due window pending, the previous one's record phase is asked for.
        _assertUpkeep(true, WINDOW_START);
        bytes32 recordRequest = _perform(WINDOW_START);
        assertTrue(_router.fulfill(recordRequest, _defaultPayload(), ""));
        assertTrue(_functionsLogger.isRecorded(WINDOW_START));
        _assertUpkeep(false, 0);
    }

    function test_RevertWhen_performUpkeepByStranger() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IFunctionsWindowAnchor.FunctionsWindowAnchorUnauthorizedUpkeep.selector, address(this), _upkeep
            )
        );
        _anchor.performUpkeep(abi.encode(WINDOW_START));
        assertEq(_router.requestCount(), 0);
    }

    function test_RevertWhen_performUpkeepForWindowNotRequestable() public {
        vm.startPrank(_upkeep);
        vm.expectRevert(
            abi.encodeWithSelector(
                IFunctionsWindowAnchor.FunctionsWindowAnchorMisalignedWindow.selector, WINDOW_START + 1, WINDOW_SECONDS
            )
        );
        _anchor.performUpkeep(abi.encode(WINDOW_START + 1));

        uint64 next = WINDOW_START + WINDOW_SECONDS;
        vm.expectRevert(
            abi.encodeWithSelector(
                IFunctionsWindowAnchor.FunctionsWindowAnchorWindowNotSealed.selector,
                next,
                uint256(next) + WINDOW_SECONDS + SEAL_DELAY,
                block.timestamp
            )
        );
        _anchor.performUpkeep(abi.encode(next));

        _anchor.performUpkeep(abi.encode(WINDOW_START));
        bytes32 requestId = _router.lastRequestId();
        vm.expectRevert(
            abi.encodeWithSelector(
                IFunctionsWindowAnchor.FunctionsWindowAnchorRequestPending.selector,
                WINDOW_START,
                requestId,
                block.timestamp + RETRY_AFTER
            )
        );
        _anchor.performUpkeep(abi.encode(WINDOW_START));
        vm.stopPrank();

        _router.fulfill(requestId, abi.encode(WINDOW_START, DOC), "");
        vm.roll(block.number + 2);
        _router.fulfill(_perform(WINDOW_START), _defaultPayload(), "");
        vm.expectRevert(
            abi.encodeWithSelector(
                IFunctionsWindowAnchor.FunctionsWindowAnchorWindowAlreadyRecorded.selector, WINDOW_START
            )
        );
        vm.prank(_upkeep);
        _anchor.performUpkeep(abi.encode(WINDOW_START));
        assertEq(_router.requestCount(), 2);
    }

    /*//////////////////////////////////////////////////////////////
                               FULFILMENT
    //////////////////////////////////////////////////////////////*/

    function test_fulfill_recordsTheSameRecordAsTheCrePath() public {
        _throughCommit(WINDOW_START);
        bytes32 requestId = _perform(WINDOW_START);
        vm.expectEmit(true, false, false, true, address(_functionsLogger));
        emit IDataLogger.WindowRecorded(WINDOW_START, keccak256("root"), keccak256("document"), 3, 12, 235);
        vm.expectEmit(true, true, false, false, address(_anchor));
        emit IFunctionsWindowAnchor.WindowAnchored(WINDOW_START, requestId, 3);
        assertTrue(_router.fulfill(requestId, _defaultPayload(), ""));
        vm.snapshotGasLastCall("FunctionsWindowAnchor", "fulfillRequest");

        // Same payload through the real KeystoneForwarder into the CRE logger (block time unchanged).
        _anchorWindow(_defaultPayload());
        assertEq(abi.encode(_functionsLogger.getWindow(WINDOW_START)), abi.encode(_logger.getWindow(WINDOW_START)));
        (, bool open) = _anchor.windowOfRequest(requestId);
        assertFalse(open);
        _assertUpkeep(false, 0);
    }

    function test_fulfill_errorIsEventedAndRetriedLater() public {
        _throughCommit(WINDOW_START);
        bytes32 requestId = _perform(WINDOW_START);
        vm.expectEmit(true, true, false, true, address(_anchor));
        emit IFunctionsWindowAnchor.WindowRequestFailed(WINDOW_START, requestId, bytes("WINDOW_NOT_SEALED"));
        // The callback succeeds: the router does not see a consumer failure.
        assertTrue(_router.fulfill(requestId, "", bytes("WINDOW_NOT_SEALED")));
        assertFalse(_functionsLogger.isRecorded(WINDOW_START));

        // Due again only after retryAfter (the window stays the due one if time is frozen there).
        _assertUpkeep(false, 0);
        vm.warp(block.timestamp + RETRY_AFTER);
        vm.prank(_admin);
        bytes32 retryId = _anchor.requestWindow(WINDOW_START);
        assertTrue(retryId != requestId);
        assertTrue(_router.fulfill(retryId, _defaultPayload(), ""));
        assertTrue(_functionsLogger.isRecorded(WINDOW_START));
    }

    function test_fulfill_duplicateAndLateAnswersAreIgnored() public {
        _throughCommit(WINDOW_START);
        bytes32 first = _perform(WINDOW_START);
        vm.warp(block.timestamp + RETRY_AFTER);
        _assertUpkeep(true, WINDOW_START + 2 * WINDOW_SECONDS);
        vm.prank(_admin);
        bytes32 retry = _anchor.requestWindow(WINDOW_START);

        // The superseded request's answer is ignored, even though it is a valid report.
        vm.expectEmit(true, false, false, false, address(_anchor));
        emit IFunctionsWindowAnchor.WindowResponseIgnored(first);
        assertTrue(_router.fulfill(first, _defaultPayload(), ""));
        assertFalse(_functionsLogger.isRecorded(WINDOW_START));

        assertTrue(_router.fulfill(retry, _defaultPayload(), ""));
        IDataLogger.WindowRecord memory recorded = _functionsLogger.getWindow(WINDOW_START);

        // A duplicate answer changes nothing.
        vm.expectEmit(true, false, false, false, address(_anchor));
        emit IFunctionsWindowAnchor.WindowResponseIgnored(retry);
        assertTrue(_router.fulfill(retry, _payload(WINDOW_START, WINDOW_SECONDS, keccak256("other"), DOC, 1, 1, 1), ""));
        assertEq(abi.encode(_functionsLogger.getWindow(WINDOW_START)), abi.encode(recorded));
    }

    function test_fulfill_afterCrePathRecordedIsRejectedSafely() public {
        _throughCommit(WINDOW_START);
        bytes32 requestId = _perform(WINDOW_START);
        // The CRE path lands first on the same logger.
        vm.prank(address(_forwarder));
        _functionsLogger.onReport(
            abi.encodePacked(WORKFLOW_ID, WORKFLOW_NAME, _workflowOwner, REPORT_ID), _defaultPayload()
        );
        IDataLogger.WindowRecord memory recorded = _functionsLogger.getWindow(WINDOW_START);

        vm.expectEmit(true, true, false, true, address(_anchor));
        emit IFunctionsWindowAnchor.WindowResponseRejected(
            WINDOW_START,
            requestId,
            abi.encodeWithSelector(IDataLogger.DataLoggerWindowAlreadyRecorded.selector, WINDOW_START)
        );
        assertTrue(_router.fulfill(requestId, _defaultPayload(), ""));
        assertEq(abi.encode(_functionsLogger.getWindow(WINDOW_START)), abi.encode(recorded));
    }

    function test_fulfill_invalidReportIsRejectedWithTheLoggersReason() public {
        _throughCommit(WINDOW_START);
        bytes32 requestId = _perform(WINDOW_START);
        vm.expectEmit(true, true, false, true, address(_anchor));
        emit IFunctionsWindowAnchor.WindowResponseRejected(
            WINDOW_START, requestId, abi.encodeWithSelector(IDataLogger.DataLoggerInvalidCounts.selector, 3, 2)
        );
        assertTrue(_router.fulfill(requestId, _payload(WINDOW_START, WINDOW_SECONDS, keccak256("r"), DOC, 3, 2, 0), ""));
        assertFalse(_functionsLogger.isRecorded(WINDOW_START));
    }

    function test_fulfill_answerForAnotherWindowIsRejected() public {
        bytes32 requestId = _perform(WINDOW_START);
        uint64 other = WINDOW_START - WINDOW_SECONDS;
        vm.expectEmit(true, true, false, true, address(_anchor));
        emit IFunctionsWindowAnchor.WindowResponseRejected(
            WINDOW_START,
            requestId,
            abi.encodeWithSelector(
                IFunctionsWindowAnchor.FunctionsWindowAnchorWindowMismatch.selector, WINDOW_START, uint256(other)
            )
        );
        assertTrue(_router.fulfill(requestId, _payload(other, WINDOW_SECONDS, keccak256("r"), DOC, 1, 1, 0), ""));
        assertFalse(_functionsLogger.isRecorded(other));
        assertFalse(_functionsLogger.isRecorded(WINDOW_START));
    }

    function test_RevertWhen_fulfilNotFromRouter() public {
        bytes32 requestId = _perform(WINDOW_START);
        vm.expectRevert(FunctionsClient.OnlyRouterCanFulfill.selector);
        _anchor.handleOracleFulfillment(requestId, _defaultPayload(), "");
        assertFalse(_functionsLogger.isRecorded(WINDOW_START));
    }

    function test_RevertWhen_recordWindowNotFromRecorder() public {
        vm.expectRevert(
            abi.encodeWithSelector(IDataLogger.DataLoggerUnauthorizedRecorder.selector, address(this), address(_anchor))
        );
        _functionsLogger.recordWindow(_defaultPayload(), keccak256(bytes(SOURCE)));
        // The CRE logger has no recorder at all.
        vm.expectRevert(
            abi.encodeWithSelector(IDataLogger.DataLoggerUnauthorizedRecorder.selector, address(this), address(0))
        );
        _logger.recordWindow(_defaultPayload(), keccak256(bytes(SOURCE)));
    }

    /// @notice Why 7 (Functions source pinned like the workflow id): an answer of a source the logger does not pin is
    /// refused, so changing the anchor's source alone records nothing.
    function test_Why7_answerOfAnUnpinnedSourceIsRefused() public {
        vm.prank(_admin);
        _anchor.setSource("return Functions.encodeUint256(1);");
        bytes32 requestId = _perform(WINDOW_START);
        bytes32 unpinned = keccak256(bytes("return Functions.encodeUint256(1);"));
        vm.expectEmit(true, true, false, true, address(_anchor));
        emit IFunctionsWindowAnchor.WindowResponseRejected(
            WINDOW_START,
            requestId,
            abi.encodeWithSelector(
                IDataLogger.DataLoggerFunctionsSourceMismatch.selector, unpinned, keccak256(bytes(SOURCE))
            )
        );
        assertTrue(_router.fulfill(requestId, abi.encode(WINDOW_START, DOC), ""));
        assertFalse(_functionsLogger.isCommitted(WINDOW_START));
    }

    /*//////////////////////////////////////////////////////////////
                              CONFIGURATION
    //////////////////////////////////////////////////////////////*/

    function test_RevertWhen_requestWindowByNonOwner() public {
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, address(this)));
        _anchor.requestWindow(WINDOW_START);
    }

    function test_RevertWhen_configInvalid() public {
        IFunctionsWindowAnchor.AnchorConfig memory c = _config();
        vm.startPrank(_admin);
        c.windowSeconds = 7;
        vm.expectRevert(
            abi.encodeWithSelector(
                IFunctionsWindowAnchor.FunctionsWindowAnchorWindowLengthMismatch.selector, 7, WINDOW_SECONDS
            )
        );
        _anchor.setAnchorConfig(c);
        c = _config();
        c.callbackGasLimit = 0;
        vm.expectRevert(
            abi.encodeWithSelector(
                IFunctionsWindowAnchor.FunctionsWindowAnchorInvalidCallbackGasLimit.selector, 0, 200_000
            )
        );
        _anchor.setAnchorConfig(c);
        c = _config();
        c.callbackGasLimit = 149_999; // below what a recording costs: every fulfilment would fail
        vm.expectRevert(
            abi.encodeWithSelector(
                IFunctionsWindowAnchor.FunctionsWindowAnchorInvalidCallbackGasLimit.selector, 149_999, 200_000
            )
        );
        _anchor.setAnchorConfig(c);
        c = _config();
        c.retryAfterSeconds = 0; // every tick would replace the pending request
        vm.expectRevert(
            abi.encodeWithSelector(IFunctionsWindowAnchor.FunctionsWindowAnchorRetryTooSoon.selector, 0, 30)
        );
        _anchor.setAnchorConfig(c);
        c = _config();
        c.retryAfterSeconds = 30;
        c.callbackGasLimit = 200_000;
        _anchor.setAnchorConfig(c); // the minimums themselves are accepted
        c = _config();
        c.apiUrl = "";
        vm.expectRevert(IFunctionsWindowAnchor.FunctionsWindowAnchorEmptyString.selector);
        _anchor.setAnchorConfig(c);
        c = _config();
        c.deviceRegistry = address(0);
        vm.expectRevert(IFunctionsWindowAnchor.FunctionsWindowAnchorZeroAddress.selector);
        _anchor.setAnchorConfig(c);
        vm.expectRevert(IFunctionsWindowAnchor.FunctionsWindowAnchorEmptyString.selector);
        _anchor.setSource("");
        vm.stopPrank();
        vm.expectRevert(IFunctionsWindowAnchor.FunctionsWindowAnchorZeroAddress.selector);
        new FunctionsWindowAnchor(_admin, address(0), _functionsLogger, _config(), SOURCE, _upkeep);
    }

    function test_RevertWhen_deployedForAnotherWindowLength() public {
        IFunctionsWindowAnchor.AnchorConfig memory c = _config();
        c.windowSeconds = 600;
        vm.expectRevert(
            abi.encodeWithSelector(
                IFunctionsWindowAnchor.FunctionsWindowAnchorWindowLengthMismatch.selector, 600, WINDOW_SECONDS
            )
        );
        new FunctionsWindowAnchor(_admin, address(_router), _functionsLogger, c, SOURCE, _upkeep);
    }

    function testFuzz_setAnchorConfig_acceptsOnlyTheLoggersLength(uint32 windowSeconds) public {
        IFunctionsWindowAnchor.AnchorConfig memory c = _config();
        c.windowSeconds = windowSeconds;
        if (windowSeconds != WINDOW_SECONDS) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IFunctionsWindowAnchor.FunctionsWindowAnchorWindowLengthMismatch.selector,
                    windowSeconds,
                    WINDOW_SECONDS
                )
            );
        }
        vm.prank(_admin);
        _anchor.setAnchorConfig(c);
        assertEq(_anchor.anchorConfig().windowSeconds, WINDOW_SECONDS);
    }

    function test_setters_updateConfiguration() public {
        IFunctionsWindowAnchor.AnchorConfig memory c = _config();
        c.sealDelaySeconds = 45;
        c.apiUrl = "https://oracle.example";
        address newUpkeep = makeAddr("new upkeep");
        vm.startPrank(_admin);
        _anchor.setAnchorConfig(c);
        _anchor.setSource("return 1;");
        vm.expectEmit(true, true, false, false, address(_anchor));
        emit IFunctionsWindowAnchor.UpkeepForwarderUpdated(_upkeep, newUpkeep);
        _anchor.setUpkeepForwarder(newUpkeep);
        vm.stopPrank();
        assertEq(abi.encode(_anchor.anchorConfig()), abi.encode(c));
        assertEq(_anchor.source(), "return 1;");
        assertEq(_anchor.upkeepForwarder(), newUpkeep);
        assertEq(_anchor.router(), address(_router));
        assertEq(address(_anchor.dataLogger()), address(_functionsLogger));
        vm.expectRevert(
            abi.encodeWithSelector(
                IFunctionsWindowAnchor.FunctionsWindowAnchorUnauthorizedUpkeep.selector, _upkeep, newUpkeep
            )
        );
        vm.prank(_upkeep);
        _anchor.performUpkeep(abi.encode(WINDOW_START));
    }

    /*//////////////////////////////////////////////////////////////
                                  FUZZ
    //////////////////////////////////////////////////////////////*/

    /// @notice The due window is always aligned, sealed, and the latest such window.
    function testFuzz_dueWindow_isLatestSealedWindow(uint256 timestamp) public {
        timestamp = bound(timestamp, WINDOW_SECONDS + SEAL_DELAY, type(uint64).max);
        vm.warp(timestamp);
        (bool exists, uint64 w) = _anchor.dueWindow();
        assertTrue(exists);
        assertEq(w % WINDOW_SECONDS, 0);
        assertLe(uint256(w) + WINDOW_SECONDS + SEAL_DELAY, timestamp);
        assertGt(uint256(w) + 2 * WINDOW_SECONDS + SEAL_DELAY, timestamp);
    }
}
