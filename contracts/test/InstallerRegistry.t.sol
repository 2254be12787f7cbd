// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import "forge-std/Test.sol";
import {InstallerRegistry} from "../src/InstallerRegistry.sol";
import {IInstallerRegistry} from "../src/interfaces/IInstallerRegistry.sol";

contract InstallerRegistryTest is Test {
    uint64 internal constant T0 = 1_767_225_600;
    string internal constant CID1 = "bafkreimembers1";
    string internal constant CID2 = "bafkreimembers2";

    InstallerRegistry internal _installers;
    address internal _admin = makeAddr("admin");
    address internal _admin2 = makeAddr("second admin");
    address internal _electrician = makeAddr("electrician");
    address internal _stranger = makeAddr("stranger");
    uint256 internal _org;

    function setUp() public {
        vm.warp(T0);
        _installers = new InstallerRegistry();
        vm.prank(_admin);
        _org = _installers.createOrganisation("Volt & Sons", CID1);
    }

    function _string(uint256 length) internal pure returns (string memory) {
        bytes memory b = new bytes(length);
        for (uint256 i; i < length; ++i) {
            b[i] = "x";
        }
        return string(b);
    }

    /*//////////////////////////////////////////////////////////////
                              ORGANISATIONS
    //////////////////////////////////////////////////////////////*/

    function test_createOrganisation_makesTheCallerItsFirstAdmin() public {
        vm.expectEmit(true, true, true, true, address(_installers));
        emit IInstallerRegistry.OrganisationCreated(2, _stranger, "Second Installers");
        vm.expectEmit(true, true, true, true, address(_installers));
        emit IInstallerRegistry.AdminAdded(2, _stranger, _stranger);
        vm.expectEmit(true, true, true, true, address(_installers));
        emit IInstallerRegistry.MemberListPublished(2, CID2);
        vm.prank(_stranger);
        uint256 id = _installers.createOrganisation("Second Installers", CID2);
        vm.snapshotGasLastCall("InstallerRegistry", "createOrganisation");

        assertEq(id, 2);
        assertEq(_installers.organisationCount(), 2);
        IInstallerRegistry.Organisation memory o = _installers.getOrganisation(2);
        assertEq(o.name, "Second Installers");
        assertEq(o.memberListCid, CID2);
        assertEq(o.createdAt, T0);
        assertEq(o.adminCount, 1);
        assertEq(o.electricianCount, 0);
        assertTrue(_installers.isAdmin(2, _stranger));
        assertFalse(_installers.isAdmin(1, _stranger));
        assertFalse(_installers.isElectrician(2, _stranger));
    }

    function testFuzz_createOrganisation_nameAndCidLengths(uint256 nameLength, uint256 cidLength) public {
        nameLength = bound(nameLength, 0, 100);
        cidLength = bound(cidLength, 0, 200);
        if (nameLength == 0 || nameLength > 64) {
            vm.expectRevert(
                abi.encodeWithSelector(IInstallerRegistry.InstallerRegistryInvalidName.selector, nameLength)
            );
        } else if (cidLength == 0 || cidLength > 128) {
            vm.expectRevert(abi.encodeWithSelector(IInstallerRegistry.InstallerRegistryInvalidCid.selector, cidLength));
        }
        _installers.createOrganisation(_string(nameLength), _string(cidLength));
        bool valid = nameLength != 0 && nameLength <= 64 && cidLength != 0 && cidLength <= 128;
        assertEq(_installers.organisationCount(), valid ? 2 : 1);
    }

    function test_RevertWhen_unknownOrganisation() public {
        vm.expectRevert(abi.encodeWithSelector(IInstallerRegistry.InstallerRegistryUnknownOrganisation.selector, 0));
        _installers.getOrganisation(0);
        vm.expectRevert(abi.encodeWithSelector(IInstallerRegistry.InstallerRegistryUnknownOrganisation.selector, 2));
        _installers.getOrganisation(2);
        vm.expectRevert(abi.encodeWithSelector(IInstallerRegistry.InstallerRegistryUnknownOrganisation.selector, 2));
        vm.prank(_admin);
        _installers.addElectrician(2, _electrician, CID2);
        vm.expectRevert(abi.encodeWithSelector(IInstallerRegistry.InstallerRegistryUnknownOrganisation.selector, 2));
        _installers.trust(2);
        assertFalse(_installers.isAdmin(2, _admin));
    }

    /*//////////////////////////////////////////////////////////////
                                 MEMBERS
    //////////////////////////////////////////////////////////////*/

    function test_addElectrician_byAnAdmin() public {
        vm.expectEmit(true, true, true, true, address(_installers));
        emit IInstallerRegistry.ElectricianAdded(_org, _electrician, _admin);
        vm.expectEmit(true, true, true, true, address(_installers));
        emit IInstallerRegistry.MemberListPublished(_org, CID2);
        vm.prank(_admin);
        _installers.addElectrician(_org, _electrician, CID2);
        vm.snapshotGasLastCall("InstallerRegistry", "addElectrician");
        assertTrue(_installers.isElectrician(_org, _electrician));
        assertFalse(_installers.isAdmin(_org, _electrician));
        assertEq(_installers.getOrganisation(_org).electricianCount, 1);
        assertEq(_installers.getOrganisation(_org).memberListCid, CID2);
    }

    function test_removeElectrician_byAnAdmin() public {
        vm.startPrank(_admin);
        _installers.addElectrician(_org, _electrician, CID2);
        vm.expectEmit(true, true, true, true, address(_installers));
        emit IInstallerRegistry.ElectricianRemoved(_org, _electrician, _admin);
        vm.expectEmit(true, true, true, true, address(_installers));
        emit IInstallerRegistry.MemberListPublished(_org, "bafkreimembers3");
        _installers.removeElectrician(_org, _electrician, "bafkreimembers3");
        vm.stopPrank();
        assertFalse(_installers.isElectrician(_org, _electrician));
        assertEq(_installers.getOrganisation(_org).electricianCount, 0);
    }

    function test_adminMayAlsoBeElectrician() public {
        vm.prank(_admin);
        _installers.addElectrician(_org, _admin, CID2);
        assertTrue(_installers.isAdmin(_org, _admin));
        assertTrue(_installers.isElectrician(_org, _admin));
    }

    function test_RevertWhen_nonAdminChangesMembers() public {
        vm.prank(_admin);
        _installers.addElectrician(_org, _electrician, CID2);
        bytes memory notAdmin =
            abi.encodeWithSelector(IInstallerRegistry.InstallerRegistryNotAdmin.selector, _org, _electrician);
        vm.startPrank(_electrician);
        vm.expectRevert(notAdmin);
        _installers.addAdmin(_org, _electrician, CID2);
        vm.expectRevert(notAdmin);
        _installers.removeAdmin(_org, _admin, CID2);
        vm.expectRevert(notAdmin);
        _installers.addElectrician(_org, _stranger, CID2);
        vm.expectRevert(notAdmin);
        _installers.removeElectrician(_org, _electrician, CID2);
        vm.expectRevert(notAdmin);
        _installers.publishMemberList(_org, CID2);
        vm.stopPrank();
    }

    function test_RevertWhen_adminOfAnotherOrganisationChangesMembers() public {
        vm.prank(_stranger);
        uint256 other = _installers.createOrganisation("Other", CID1);
        vm.expectRevert(abi.encodeWithSelector(IInstallerRegistry.InstallerRegistryNotAdmin.selector, _org, _stranger));
        vm.prank(_stranger);
        _installers.addElectrician(_org, _stranger, CID2);
        assertTrue(_installers.isAdmin(other, _stranger));
        assertFalse(_installers.isElectrician(_org, _stranger));
    }

    function test_RevertWhen_memberTwiceOrNotMemberOrZero() public {
        vm.startPrank(_admin);
        vm.expectRevert(
            abi.encodeWithSelector(IInstallerRegistry.InstallerRegistryAlreadyMember.selector, _org, _admin)
        );
        _installers.addAdmin(_org, _admin, CID2);
        _installers.addElectrician(_org, _electrician, CID2);
        vm.expectRevert(
            abi.encodeWithSelector(IInstallerRegistry.InstallerRegistryAlreadyMember.selector, _org, _electrician)
        );
        _installers.addElectrician(_org, _electrician, CID2);
        vm.expectRevert(abi.encodeWithSelector(IInstallerRegistry.InstallerRegistryNotMember.selector, _org, _stranger));
        _installers.removeElectrician(_org, _stranger, CID2);
        vm.expectRevert(
            abi.encodeWithSelector(IInstallerRegistry.InstallerRegistryNotMember.selector, _org, _electrician)
        );
        _installers.removeAdmin(_org, _electrician, CID2);
        vm.expectRevert(IInstallerRegistry.InstallerRegistryZeroAddress.selector);
        _installers.addAdmin(_org, address(0), CID2);
        vm.expectRevert(IInstallerRegistry.InstallerRegistryZeroAddress.selector);
        _installers.addElectrician(_org, address(0), CID2);
        vm.expectRevert(abi.encodeWithSelector(IInstallerRegistry.InstallerRegistryInvalidCid.selector, 0));
        _installers.addElectrician(_org, _stranger, "");
        vm.stopPrank();
        assertEq(_installers.getOrganisation(_org).electricianCount, 1);
        assertEq(_installers.getOrganisation(_org).adminCount, 1);
    }

    function test_removeAdmin_neverTheLast() public {
        vm.startPrank(_admin);
        vm.expectRevert(abi.encodeWithSelector(IInstallerRegistry.InstallerRegistryLastAdmin.selector, _org, _admin));
        _installers.removeAdmin(_org, _admin, CID2);

        vm.expectEmit(true, true, true, true, address(_installers));
        emit IInstallerRegistry.AdminAdded(_org, _admin2, _admin);
        _installers.addAdmin(_org, _admin2, CID2);
        assertEq(_installers.getOrganisation(_org).adminCount, 2);
        // An admin may remove itself while another remains.
        vm.expectEmit(true, true, true, true, address(_installers));
        emit IInstallerRegistry.AdminRemoved(_org, _admin, _admin);
        _installers.removeAdmin(_org, _admin, "bafkreimembers3");
        vm.stopPrank();
        assertFalse(_installers.isAdmin(_org, _admin));
        assertEq(_installers.getOrganisation(_org).adminCount, 1);

        vm.expectRevert(abi.encodeWithSelector(IInstallerRegistry.InstallerRegistryLastAdmin.selector, _org, _admin2));
        vm.prank(_admin2);
        _installers.removeAdmin(_org, _admin2, CID2);
        // The removed admin has no rights left.
        vm.expectRevert(abi.encodeWithSelector(IInstallerRegistry.InstallerRegistryNotAdmin.selector, _org, _admin));
        vm.prank(_admin);
        _installers.addElectrician(_org, _electrician, CID2);
    }

    function test_publishMemberList_replacesTheCid() public {
        vm.expectEmit(true, true, true, true, address(_installers));
        emit IInstallerRegistry.MemberListPublished(_org, CID2);
        vm.prank(_admin);
        _installers.publishMemberList(_org, CID2);
        assertEq(_installers.getOrganisation(_org).memberListCid, CID2);
        vm.expectRevert(abi.encodeWithSelector(IInstallerRegistry.InstallerRegistryInvalidCid.selector, 129));
        vm.prank(_admin);
        _installers.publishMemberList(_org, _string(129));
    }

    /*//////////////////////////////////////////////////////////////
                                  TRUST
    //////////////////////////////////////////////////////////////*/

    function test_trust_listsTheOrganisation() public {
        vm.expectEmit(true, true, true, true, address(_installers));
        emit IInstallerRegistry.OrganisationTrusted(_stranger, _org);
        vm.startPrank(_stranger);
        _installers.trust(_org);
        vm.snapshotGasLastCall("InstallerRegistry", "trust");
        uint256 other = _installers.createOrganisation("Other", CID1);
        _installers.trust(other);
        vm.stopPrank();
        assertTrue(_installers.trusts(_stranger, _org));
        assertFalse(_installers.trusts(_admin, _org));
        uint256[] memory list = _installers.trustedOrganisations(_stranger);
        assertEq(list.length, 2);
        assertEq(list[0], _org);
        assertEq(list[1], other);

        vm.expectEmit(true, true, true, true, address(_installers));
        emit IInstallerRegistry.OrganisationDistrusted(_stranger, _org);
        vm.prank(_stranger);
        _installers.distrust(_org);
        assertFalse(_installers.trusts(_stranger, _org));
        list = _installers.trustedOrganisations(_stranger);
        assertEq(list.length, 1);
        assertEq(list[0], other);
    }

    function test_RevertWhen_trustTwiceOrDistrustUntrusted() public {
        vm.startPrank(_stranger);
        vm.expectRevert(
            abi.encodeWithSelector(IInstallerRegistry.InstallerRegistryNotTrusted.selector, _stranger, _org)
        );
        _installers.distrust(_org);
        _installers.trust(_org);
        vm.expectRevert(
            abi.encodeWithSelector(IInstallerRegistry.InstallerRegistryAlreadyTrusted.selector, _stranger, _org)
        );
        _installers.trust(_org);
        vm.stopPrank();
        assertEq(_installers.trustedOrganisations(_stranger).length, 1);
    }

    function testFuzz_trust_setFollowsTheCalls(uint256 seed) public {
        for (uint256 i; i < 4; ++i) {
            _installers.createOrganisation("Org", CID1);
        }
        bool[6] memory model;
        for (uint256 step; step < 24; ++step) {
            uint256 r = uint256(keccak256(abi.encode(seed, step)));
            uint256 id = 1 + r % 5;
            vm.prank(_stranger);
            if (model[id]) {
                _installers.distrust(id);
            } else {
                _installers.trust(id);
            }
            model[id] = !model[id];
        }
        uint256 expected;
        for (uint256 id = 1; id <= 5; ++id) {
            assertEq(_installers.trusts(_stranger, id), model[id]);
            if (model[id]) ++expected;
        }
        assertEq(_installers.trustedOrganisations(_stranger).length, expected);
    }
}
