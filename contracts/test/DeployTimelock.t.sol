// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import "forge-std/Test.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {DataLogger} from "../src/DataLogger.sol";
import {DeployTimelock} from "../script/DeployTimelock.s.sol";

/// @notice Why 7: one owner key can no longer change the recorder, forwarder, workflow identity, challenger or
/// Functions source at once; every change waits the timelock's delay, in public (CallScheduled).
contract DeployTimelockTest is Test, DeployTimelock {
    uint256 internal constant DELAY = 2 days;
    address internal _safe = makeAddr("multisig");
    DataLogger internal _logger;
    TimelockController internal _timelock;

    function setUp() public {
        // Not 1: a TimelockController takes timestamp 1 for "done".
        vm.warp(1_767_225_600);
        vm.startBroadcast(address(this));
        _logger = new DataLogger(address(this), makeAddr("forwarder"), keccak256("id"), "gridproof1", address(1), 300);
        Ownable2Step[] memory owned = new Ownable2Step[](1);
        owned[0] = _logger;
        _timelock = _handOverToTimelock(_safe, DELAY, owned);
        vm.stopBroadcast();
    }

    function test_Why7_ownerChangesWaitTheTimelock() public {
        assertEq(_logger.owner(), address(_timelock));
        assertEq(_timelock.getMinDelay(), DELAY);
        // The deployer kept no role, and no key calls a setter directly.
        assertFalse(_timelock.hasRole(_timelock.PROPOSER_ROLE(), address(this)));
        assertFalse(_timelock.hasRole(_timelock.EXECUTOR_ROLE(), address(this)));
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, address(this)));
        _logger.setRecorder(makeAddr("rogue recorder"));
        vm.prank(_safe);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, _safe));
        _logger.setChallenger(makeAddr("rogue challenger"));

        // The multisig schedules; nothing happens before the delay; then anyone holding the executor role runs it.
        bytes memory call = abi.encodeCall(_logger.setRecorder, (makeAddr("new anchor")));
        vm.prank(_safe);
        _timelock.schedule(address(_logger), 0, call, bytes32(0), bytes32(0), DELAY);
        vm.warp(block.timestamp + DELAY - 1);
        vm.prank(_safe);
        vm.expectPartialRevert(TimelockController.TimelockUnexpectedOperationState.selector);
        _timelock.execute(address(_logger), 0, call, bytes32(0), bytes32(0));
        assertEq(_logger.recorder(), address(0));
        vm.warp(block.timestamp + 1);
        vm.prank(_safe);
        _timelock.execute(address(_logger), 0, call, bytes32(0), bytes32(0));
        assertEq(_logger.recorder(), makeAddr("new anchor"));
    }

    function test_Why7_delayCannotBeCutWithoutWaitingIt() public {
        vm.prank(_safe);
        vm.expectPartialRevert(TimelockController.TimelockInsufficientDelay.selector);
        _timelock.schedule(
            address(_timelock), 0, abi.encodeCall(_timelock.updateDelay, (0)), bytes32(0), bytes32(0), 1 hours
        );
    }
}
