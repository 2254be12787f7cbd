// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import "forge-std/Test.sol";
import {CompanyIdentity} from "../../src/CompanyIdentity.sol";
import {DeviceRegistry} from "../../src/DeviceRegistry.sol";
import {InstallerRegistry} from "../../src/InstallerRegistry.sol";
import {IDeviceRegistry} from "../../src/interfaces/IDeviceRegistry.sol";
import {DeviceRegistryHandler} from "./handlers/DeviceRegistryHandler.sol";

/// @notice After every call: only members certify and only the certifying organisation's admins revoke (every
/// outcome as the model says); a revoked device is never active and its revokedAt never changes; a device's
/// certifier and organisation are those of its DeviceCertified event, for good.
contract DeviceRegistryInvariants is Test {
    DeviceRegistry internal _registry;
    DeviceRegistryHandler internal _handler;

    function setUp() public {
        vm.warp(1_767_225_600);
        CompanyIdentity identities = new CompanyIdentity();
        InstallerRegistry installers = new InstallerRegistry();
        _registry = new DeviceRegistry(installers, identities);
        _handler = new DeviceRegistryHandler(identities, installers, _registry);
        bytes4[] memory selectors = new bytes4[](5);
        selectors[0] = DeviceRegistryHandler.certify.selector;
        selectors[1] = DeviceRegistryHandler.revoke.selector;
        selectors[2] = DeviceRegistryHandler.toggleElectrician.selector;
        selectors[3] = DeviceRegistryHandler.toggleIdentity.selector;
        selectors[4] = DeviceRegistryHandler.advance.selector;
        targetSelector(FuzzSelector(address(_handler), selectors));
        targetContract(address(_handler));
    }

    /// @notice Every invariant, after every call.
    function invariant_all() public view {
        assertEq(_handler.ghost_unexpectedOutcomes(), 0, "certify/revoke outcome differs from the model");
        assertEq(_registry.deviceCount(), _handler.ghost_certifiedCount(), "device count");
        for (uint256 i; i < _handler.IDS(); ++i) {
            _deviceAsTheGhost(_handler.deviceId(i));
        }
    }

    /// forge-config: default.invariant.runs = 1
    /// forge-config: ci.invariant.runs = 1
    function invariant_callSummary() public view {
        console.log("certify", _handler.calls("certify"));
        console.log("revoke", _handler.calls("revoke"));
        console.log("toggleElectrician", _handler.calls("toggleElectrician"));
        console.log("toggleIdentity", _handler.calls("toggleIdentity"));
        console.log("advance", _handler.calls("advance"));
        console.log("certified", _handler.ghost_certifiedCount());
        console.log("revoked", _handler.ghost_revokedCount());
    }

    function _deviceAsTheGhost(bytes9 id) internal view {
        DeviceRegistryHandler.Ghost memory g = _handler.ghost(id);
        if (!g.certified) {
            assertFalse(_registry.isActive(id), "uncertified device active");
            assertFalse(_registry.isValidAt(id, 0), "uncertified device valid");
            return;
        }
        IDeviceRegistry.Device memory d = _registry.getDevice(id);
        assertEq(d.certifier, g.certifier, "certifier differs from its DeviceCertified event");
        assertEq(d.organisationId, g.organisationId, "organisation differs from its DeviceCertified event");
        assertEq(d.owner, g.owner, "owner differs from its DeviceCertified event");
        assertEq(d.revokedAt, g.revokedAt, "revokedAt changed or differs from the first revocation");
        assertEq(d.revocationReason, g.reason, "revocation reason");
        assertEq(_registry.isActive(id), g.revokedAt == 0, "isActive");
        if (g.revokedAt != 0) {
            assertFalse(_registry.isValidAt(id, g.revokedAt), "valid at its revocation");
            assertTrue(_registry.isValidAt(id, g.revokedAt - 1), "invalid before its revocation");
        }
    }
}
