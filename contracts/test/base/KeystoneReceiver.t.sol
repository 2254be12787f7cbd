// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import "forge-std/Test.sol";
import {KeystoneForwarder} from "@chainlink/contracts/src/v0.8/keystone/KeystoneForwarder.sol";
import {IReceiver} from "@chainlink/contracts/src/v0.8/keystone/interfaces/IReceiver.sol";
import {IKeystoneReceiver} from "../../src/interfaces/IKeystoneReceiver.sol";
import {ReceiverHarness} from "../utils/AnchoringHarnesses.sol";

/// @notice The receiver base on its own: only the configured forwarder and workflow reach `_processReport`.
contract KeystoneReceiverTest is Test {
    bytes32 internal constant WORKFLOW_ID = keccak256("area workflow");
    bytes10 internal constant WORKFLOW_NAME = "gridstatus";
    bytes10 internal constant OTHER_NAME = "otherflow1";
    address internal _forwarder = makeAddr("forwarder");
    address internal _owner = makeAddr("workflowOwner");
    address internal _admin = makeAddr("admin");
    ReceiverHarness internal _receiver;

    function setUp() public {
        _receiver = new ReceiverHarness(_admin, _forwarder, WORKFLOW_ID, WORKFLOW_NAME, _owner);
    }

    function _metadata(bytes32 id, bytes10 name, address owner) internal pure returns (bytes memory) {
        return abi.encodePacked(id, name, owner, bytes2(0x0001));
    }

    function test_onReport_passesTheReportOn() public {
        vm.prank(_forwarder);
        _receiver.onReport(_metadata(WORKFLOW_ID, WORKFLOW_NAME, _owner), "area report");
        assertEq(_receiver.lastReport(), "area report");
        assertEq(_receiver.reports(), 1);
    }

    function test_onReport_throughTheRealForwarder() public {
        KeystoneForwarder forwarder = new KeystoneForwarder();
        uint256[4] memory keys = [uint256(0xA11CE), 0xB0B, 0xCA201, 0xD0D];
        address[] memory signers = new address[](4);
        for (uint256 i; i < 4; ++i) {
            signers[i] = vm.addr(keys[i]);
        }
        forwarder.setConfig(1, 1, 1, signers);
        vm.prank(_admin);
        _receiver.setForwarder(address(forwarder));

        bytes memory raw = abi.encodePacked(
            uint8(1),
            keccak256("execution"),
            uint32(block.timestamp),
            uint32(1),
            uint32(1),
            _metadata(WORKFLOW_ID, WORKFLOW_NAME, _owner),
            bytes("area report")
        );
        bytes memory context = abi.encode(keccak256("config digest"), uint256(1), bytes32(0));
        bytes[] memory sigs = new bytes[](2);
        for (uint256 i; i < 2; ++i) {
            (uint8 v, bytes32 r, bytes32 s) = vm.sign(keys[i], keccak256(abi.encodePacked(keccak256(raw), context)));
            sigs[i] = abi.encodePacked(r, s, v - 27);
        }
        vm.expectEmit(true, true, true, true, address(forwarder));
        emit KeystoneForwarder.ReportProcessed(address(_receiver), keccak256("execution"), bytes2(0x0001), true);
        forwarder.report(address(_receiver), raw, context, sigs);
        assertEq(_receiver.lastReport(), "area report");
    }

    function test_RevertWhen_notFromForwarder() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IKeystoneReceiver.KeystoneReceiverUnauthorizedForwarder.selector, address(this), _forwarder
            )
        );
        _receiver.onReport(_metadata(WORKFLOW_ID, WORKFLOW_NAME, _owner), "x");
        assertEq(_receiver.reports(), 0);
    }

    function test_RevertWhen_metadataLengthWrong() public {
        vm.prank(_forwarder);
        vm.expectRevert(abi.encodeWithSelector(IKeystoneReceiver.KeystoneReceiverInvalidMetadataLength.selector, 63));
        _receiver.onReport(abi.encodePacked(WORKFLOW_ID, WORKFLOW_NAME, _owner, bytes1(0)), "x");
    }

    function testFuzz_RevertWhen_identityDiffers(bytes32 id, bytes10 name, address owner) public {
        vm.assume(id != WORKFLOW_ID || name != WORKFLOW_NAME || owner != _owner);
        bytes memory expected = id != WORKFLOW_ID
            ? abi.encodeWithSelector(IKeystoneReceiver.KeystoneReceiverInvalidWorkflowId.selector, id, WORKFLOW_ID)
            : name != WORKFLOW_NAME
                ? abi.encodeWithSelector(
                    IKeystoneReceiver.KeystoneReceiverInvalidWorkflowName.selector, name, WORKFLOW_NAME
                )
                : abi.encodeWithSelector(IKeystoneReceiver.KeystoneReceiverInvalidWorkflowOwner.selector, owner, _owner);
        vm.prank(_forwarder);
        vm.expectRevert(expected);
        _receiver.onReport(_metadata(id, name, owner), "x");
        assertEq(_receiver.reports(), 0);
    }

    function test_updates_areGatedByTheConcreteContract() public {
        vm.expectRevert(abi.encodeWithSelector(ReceiverHarness.ReceiverHarnessNotAdmin.selector, address(this)));
        _receiver.setForwarder(address(1));
        vm.expectRevert(abi.encodeWithSelector(ReceiverHarness.ReceiverHarnessNotAdmin.selector, address(this)));
        _receiver.setWorkflowIdentity(WORKFLOW_ID, WORKFLOW_NAME, address(1));

        vm.startPrank(_admin);
        vm.expectRevert(IKeystoneReceiver.KeystoneReceiverZeroAddress.selector);
        _receiver.setForwarder(address(0));
        vm.expectRevert(IKeystoneReceiver.KeystoneReceiverZeroAddress.selector);
        _receiver.setWorkflowIdentity(WORKFLOW_ID, WORKFLOW_NAME, address(0));
        vm.expectEmit(false, false, true, true, address(_receiver));
        emit IKeystoneReceiver.WorkflowIdentityUpdated(bytes32(uint256(2)), OTHER_NAME, address(2));
        _receiver.setWorkflowIdentity(bytes32(uint256(2)), OTHER_NAME, address(2));
        vm.stopPrank();
        (bytes32 id, bytes10 name, address owner) = _receiver.workflowIdentity();
        assertEq(id, bytes32(uint256(2)));
        assertEq(name, OTHER_NAME);
        assertEq(owner, address(2));
    }

    function test_supportsInterface_announcesReceiver() public view {
        assertTrue(_receiver.supportsInterface(type(IReceiver).interfaceId));
        assertTrue(_receiver.supportsInterface(0x01ffc9a7));
        assertFalse(_receiver.supportsInterface(0xffffffff));
    }
}
