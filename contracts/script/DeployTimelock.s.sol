// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {Script} from "forge-std/Script.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";

/// @notice Hands the configuration of GridProof's contracts to an OpenZeppelin TimelockController, so no change of
/// recorder, forwarder, workflow identity, challenger or Functions source takes effect before `delay` has passed:
/// anyone watching CallScheduled has that long to react. On live networks `proposer` is a multisig (a Safe, several
/// owners, a threshold above one); the devnet uses the deployer and a short delay.
abstract contract DeployTimelock is Script {
    /// @dev MUST run inside a broadcast whose sender owns every contract in `owned` (Ownable2Step). The timelock
    /// starts with delay 0 so it can accept ownership in this same run, and raises its own delay as the last call
    /// of that batch: from then on every change waits `delay`.
    function _handOverToTimelock(address proposer, uint256 delay, Ownable2Step[] memory owned)
        internal
        returns (TimelockController timelock)
    {
        (, address deployer,) = vm.readCallers();
        address[] memory roles = new address[](2);
        roles[0] = proposer;
        roles[1] = deployer;
        timelock = new TimelockController(0, roles, roles, address(0));

        bool handOff = proposer != deployer;
        uint256 n = owned.length + (handOff ? 3 : 1);
        address[] memory targets = new address[](n);
        uint256[] memory values = new uint256[](n);
        bytes[] memory payloads = new bytes[](n);
        for (uint256 i; i < owned.length; ++i) {
            owned[i].transferOwnership(address(timelock));
            targets[i] = address(owned[i]);
            payloads[i] = abi.encodeCall(Ownable2Step.acceptOwnership, ());
        }
        uint256 k = owned.length;
        if (handOff) {
            // The deployer proposes and executes only this batch: it gives both roles up in it.
            targets[k] = address(timelock);
            payloads[k++] = abi.encodeCall(timelock.revokeRole, (timelock.PROPOSER_ROLE(), deployer));
            targets[k] = address(timelock);
            payloads[k++] = abi.encodeCall(timelock.revokeRole, (timelock.EXECUTOR_ROLE(), deployer));
        }
        targets[k] = address(timelock);
        payloads[k] = abi.encodeCall(timelock.updateDelay, (delay));
        bytes32 salt = keccak256("gridproof: hand over to the timelock");
        timelock.scheduleBatch(targets, values, payloads, bytes32(0), salt, 0);
        timelock.executeBatch(targets, values, payloads, bytes32(0), salt);
    }
}
