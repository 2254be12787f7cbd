// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import "forge-std/Test.sol";
import {CompanyIdentity} from "../../../src/CompanyIdentity.sol";
import {DeviceRegistry} from "../../../src/DeviceRegistry.sol";
import {InstallerRegistry} from "../../../src/InstallerRegistry.sol";
import {IDeviceRegistry} from "../../../src/interfaces/IDeviceRegistry.sol";

/// @notice Drives the DeviceRegistry with two organisations (one admin, electricians joining and leaving), owners
/// who burn and re-register their identities, and a stranger: certifications by every kind of caller (also of ids
/// already certified), revocations by every kind of caller (also twice, with any reason), and time moves. The ghost
/// models who may do what, and keeps each id's last DeviceCertified event (read from the logs) and first revocation.
contract DeviceRegistryHandler is Test {
    uint256 public constant IDS = 12;
    uint256 internal constant ORGS = 2;
    uint256 internal constant ELECTRICIANS = 2;
    uint256 internal constant OWNERS = 2;
    bytes internal constant ED25519_KEY = hex"e9616dd9c948f64bd2cecb9e161fc975ec74d80b6c1bc2fa66ddb6cfc20fd1ce";
    bytes32 internal constant DEVICE_CERTIFIED =
        keccak256("DeviceCertified(bytes9,uint256,address,address,uint8,bytes,uint8,uint32)");

    /// @notice What the ghost knows of one id.
    struct Ghost {
        bool certified;
        uint256 organisationId;
        address certifier;
        address owner;
        uint64 revokedAt;
        uint8 reason;
    }

    CompanyIdentity internal _identities;
    InstallerRegistry internal _installers;
    DeviceRegistry internal _registry;

    uint256[ORGS] internal _orgs;
    address[ORGS] internal _admins;
    address[ELECTRICIANS][ORGS] internal _electricians;
    address[OWNERS] internal _owners;
    address internal _stranger = makeAddr("stranger");
    bytes9[IDS] internal _ids;

    mapping(uint256 org => mapping(address account => bool)) internal _isElectrician;
    mapping(address owner => bool) internal _hasIdentity;
    mapping(bytes9 deviceId => Ghost) internal _ghosts;
    uint256 public ghost_certifiedCount;
    uint256 public ghost_revokedCount;
    /// @notice Calls whose outcome (success or revert) differs from the model's: must stay 0.
    uint256 public ghost_unexpectedOutcomes;
    mapping(bytes32 => uint256) public calls;

    constructor(CompanyIdentity identities, InstallerRegistry installers, DeviceRegistry registry) {
        _identities = identities;
        _installers = installers;
        _registry = registry;
        string[4] memory sectors = ["SOLR", "WIND", "HOUS", "GRID"];
        for (uint256 i; i < IDS; ++i) {
            _ids[i] = bytes9(bytes.concat(bytes(sectors[i % 4]), "_000", bytes(vm.toString(i % 10))));
            if (i >= 10) _ids[i] = bytes9(bytes.concat(bytes(sectors[i % 4]), "_001", bytes(vm.toString(i % 10))));
        }
        for (uint256 o; o < ORGS; ++o) {
            _admins[o] = makeAddr(string.concat("admin ", vm.toString(o)));
            vm.prank(_admins[o]);
            _orgs[o] = _installers.createOrganisation("Installer", "bafkreimembers");
            for (uint256 e; e < ELECTRICIANS; ++e) {
                _electricians[o][e] = makeAddr(string.concat("electrician ", vm.toString(o), ".", vm.toString(e)));
            }
            // The first electrician starts as a member; the second joins (and either leaves) during the run.
            vm.prank(_admins[o]);
            _installers.addElectrician(_orgs[o], _electricians[o][0], "bafkreimembers");
            _isElectrician[_orgs[o]][_electricians[o][0]] = true;
        }
        for (uint256 w; w < OWNERS; ++w) {
            _owners[w] = makeAddr(string.concat("owner ", vm.toString(w)));
            vm.prank(_owners[w]);
            _identities.register("bafkreiowner");
            _hasIdentity[_owners[w]] = true;
        }
    }

    function deviceId(uint256 i) external view returns (bytes9) {
        return _ids[i];
    }

    function ghost(bytes9 id) external view returns (Ghost memory) {
        return _ghosts[id];
    }

    /// @notice Any participant: an admin, an electrician (current or not), an owner or the stranger.
    function _anyone(uint256 seed) internal view returns (address) {
        uint256 k = seed % 8;
        if (k < 2) return _admins[k];
        if (k < 6) return _electricians[(k - 2) / 2][k % 2];
        if (k == 6) return _owners[seed % OWNERS];
        return _stranger;
    }

    function _expect(bool ok, bool expected) internal {
        if (ok != expected) ++ghost_unexpectedOutcomes;
    }

    /*//////////////////////////////////////////////////////////////
                                 ACTIONS
    //////////////////////////////////////////////////////////////*/

    function certify(uint256 orgSeed, uint256 callerSeed, uint256 idSeed, uint256 ownerSeed, uint256 roleSeed)
        external
    {
        calls["certify"]++;
        uint256 org = _orgs[orgSeed % ORGS];
        // Mostly the organisation's first electrician, else its second (member or not), else anyone.
        uint256 k = callerSeed % 4;
        address caller =
            k < 2 ? _electricians[orgSeed % ORGS][0] : k == 2 ? _electricians[orgSeed % ORGS][1] : _anyone(callerSeed);
        bytes9 id = _ids[idSeed % IDS];
        address owner = ownerSeed % 8 == 0 ? _stranger : _owners[ownerSeed % OWNERS];
        uint8 role = uint8(bound(roleSeed, 1, 3));
        bool allowed = _isElectrician[org][caller] && !_ghosts[id].certified && _hasIdentity[owner];
        vm.recordLogs();
        vm.prank(caller);
        try _registry.certifyDevice(org, id, 2, ED25519_KEY, owner, role, 1000) {
            _expect(true, allowed);
            Vm.Log[] memory logs = vm.getRecordedLogs();
            for (uint256 i; i < logs.length; ++i) {
                if (logs[i].topics[0] != DEVICE_CERTIFIED) continue;
                Ghost storage g = _ghosts[bytes9(logs[i].topics[1])];
                g.certified = true;
                g.organisationId = uint256(logs[i].topics[2]);
                g.certifier = address(uint160(uint256(logs[i].topics[3])));
                (g.owner,,,,) = abi.decode(logs[i].data, (address, uint8, bytes, uint8, uint32));
            }
            ++ghost_certifiedCount;
        } catch {
            _expect(false, allowed);
        }
    }

    function revoke(uint256 idSeed, uint256 callerSeed, uint256 reasonSeed) external {
        calls["revoke"]++;
        bytes9 id = _ids[idSeed % IDS];
        Ghost storage g = _ghosts[id];
        // Mostly the admin of the certifying organisation, else the other one's, else anyone.
        uint256 k = callerSeed % 4;
        uint256 own = g.organisationId == _orgs[1] ? 1 : 0;
        address caller = k < 2 ? _admins[own] : k == 2 ? _admins[1 - own] : _anyone(callerSeed);
        uint8 reason = uint8(bound(reasonSeed, 0, 6));
        bool allowed = g.certified && g.revokedAt == 0 && reason >= 1 && reason <= 5
            && _installers.isAdmin(g.organisationId, caller);
        vm.prank(caller);
        try _registry.revokeDevice(id, reason) {
            _expect(true, allowed);
            g.revokedAt = uint64(block.timestamp);
            g.reason = reason;
            ++ghost_revokedCount;
        } catch {
            _expect(false, allowed);
        }
    }

    /// @notice The organisation's admin adds or removes one of its electricians.
    function toggleElectrician(uint256 orgSeed, uint256 electricianSeed) external {
        calls["toggleElectrician"]++;
        uint256 o = orgSeed % ORGS;
        address e = _electricians[o][electricianSeed % ELECTRICIANS];
        vm.startPrank(_admins[o]);
        if (_isElectrician[_orgs[o]][e]) {
            _installers.removeElectrician(_orgs[o], e, "bafkreimembers");
        } else {
            _installers.addElectrician(_orgs[o], e, "bafkreimembers");
        }
        vm.stopPrank();
        _isElectrician[_orgs[o]][e] = !_isElectrician[_orgs[o]][e];
    }

    /// @notice An owner burns its identity, or registers a new one.
    function toggleIdentity(uint256 ownerSeed) external {
        calls["toggleIdentity"]++;
        address owner = _owners[ownerSeed % OWNERS];
        vm.prank(owner);
        if (_hasIdentity[owner]) {
            _identities.burn();
        } else {
            _identities.register("bafkreiowner");
        }
        _hasIdentity[owner] = !_hasIdentity[owner];
    }

    function advance(uint256 seconds_) external {
        calls["advance"]++;
        vm.warp(block.timestamp + bound(seconds_, 1, 3 days));
    }
}
