// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";
import {IInstallerRegistry} from "./interfaces/IInstallerRegistry.sol";

/// @title InstallerRegistry
/// @notice Installer organisations (admins and electricians) and every account's list of trusted organisations.
/// Anyone may create an organisation; only its admins change its members. No owner, no admin of the registry itself.
/// @dev Members are kept as flags plus counts (the member list itself is the IPFS document whose CID each change
/// publishes, and the events); trust lists are enumerable sets, since `trustedOrganisations` returns them.
contract InstallerRegistry is IInstallerRegistry {
    using EnumerableSet for EnumerableSet.UintSet;

    /// @notice Longest accepted organisation name, in bytes.
    uint256 public constant MAX_NAME_LENGTH = 64;

    /// @notice Longest accepted member-list CID, in bytes.
    uint256 public constant MAX_CID_LENGTH = 128;

    mapping(uint256 organisationId => Organisation) private _organisations;
    mapping(uint256 organisationId => mapping(address account => bool)) private _admins;
    mapping(uint256 organisationId => mapping(address account => bool)) private _electricians;
    mapping(address account => EnumerableSet.UintSet) private _trusted;
    uint256 private _organisationCount;

    /// @dev Reverts for an unknown organisation, then for a caller that is not one of its admins.
    modifier onlyAdmin(uint256 organisationId) {
        _checkAdmin(organisationId);
        _;
    }

    /*//////////////////////////////////////////////////////////////
                              ORGANISATIONS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IInstallerRegistry
    /// @dev Emits OrganisationCreated, then AdminAdded (by the caller itself) and MemberListPublished, so an indexer
    /// rebuilds every member set from AdminAdded/AdminRemoved/ElectricianAdded/ElectricianRemoved alone.
    function createOrganisation(string calldata name, string calldata memberListCid) external returns (uint256 id) {
        uint256 nameLength = bytes(name).length;
        if (nameLength == 0 || nameLength > MAX_NAME_LENGTH) revert InstallerRegistryInvalidName(nameLength);
        _checkCid(memberListCid);
        id = ++_organisationCount;
        _organisations[id] = Organisation({
            name: name,
            memberListCid: memberListCid,
            createdAt: uint64(block.timestamp),
            adminCount: 1,
            electricianCount: 0
        });
        _admins[id][msg.sender] = true;
        emit OrganisationCreated(id, msg.sender, name);
        emit AdminAdded(id, msg.sender, msg.sender);
        emit MemberListPublished(id, memberListCid);
    }

    /// @inheritdoc IInstallerRegistry
    function addAdmin(uint256 organisationId, address account, string calldata memberListCid)
        external
        onlyAdmin(organisationId)
    {
        _checkNewMember(organisationId, account, _admins[organisationId][account]);
        _checkCid(memberListCid);
        _admins[organisationId][account] = true;
        ++_organisations[organisationId].adminCount;
        emit AdminAdded(organisationId, account, msg.sender);
        _publish(organisationId, memberListCid);
    }

    /// @inheritdoc IInstallerRegistry
    function removeAdmin(uint256 organisationId, address account, string calldata memberListCid)
        external
        onlyAdmin(organisationId)
    {
        if (!_admins[organisationId][account]) revert InstallerRegistryNotMember(organisationId, account);
        Organisation storage organisation = _organisations[organisationId];
        if (organisation.adminCount == 1) revert InstallerRegistryLastAdmin(organisationId, account);
        _checkCid(memberListCid);
        _admins[organisationId][account] = false;
        --organisation.adminCount;
        emit AdminRemoved(organisationId, account, msg.sender);
        _publish(organisationId, memberListCid);
    }

    /// @inheritdoc IInstallerRegistry
    function addElectrician(uint256 organisationId, address account, string calldata memberListCid)
        external
        onlyAdmin(organisationId)
    {
        _checkNewMember(organisationId, account, _electricians[organisationId][account]);
        _checkCid(memberListCid);
        _electricians[organisationId][account] = true;
        ++_organisations[organisationId].electricianCount;
        emit ElectricianAdded(organisationId, account, msg.sender);
        _publish(organisationId, memberListCid);
    }

    /// @inheritdoc IInstallerRegistry
    function removeElectrician(uint256 organisationId, address account, string calldata memberListCid)
        external
        onlyAdmin(organisationId)
    {
        if (!_electricians[organisationId][account]) {
            revert InstallerRegistryNotMember(organisationId, account);
        }
        _checkCid(memberListCid);
        _electricians[organisationId][account] = false;
        --_organisations[organisationId].electricianCount;
        emit ElectricianRemoved(organisationId, account, msg.sender);
        _publish(organisationId, memberListCid);
    }

    /// @inheritdoc IInstallerRegistry
    function publishMemberList(uint256 organisationId, string calldata memberListCid)
        external
        onlyAdmin(organisationId)
    {
        _checkCid(memberListCid);
        _publish(organisationId, memberListCid);
    }

    /*//////////////////////////////////////////////////////////////
                                  TRUST
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IInstallerRegistry
    function trust(uint256 organisationId) external {
        _checkKnown(organisationId);
        if (!_trusted[msg.sender].add(organisationId)) {
            revert InstallerRegistryAlreadyTrusted(msg.sender, organisationId);
        }
        emit OrganisationTrusted(msg.sender, organisationId);
    }

    /// @inheritdoc IInstallerRegistry
    function distrust(uint256 organisationId) external {
        if (!_trusted[msg.sender].remove(organisationId)) {
            revert InstallerRegistryNotTrusted(msg.sender, organisationId);
        }
        emit OrganisationDistrusted(msg.sender, organisationId);
    }

    /*//////////////////////////////////////////////////////////////
                                  VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IInstallerRegistry
    function getOrganisation(uint256 organisationId) external view returns (Organisation memory) {
        _checkKnown(organisationId);
        return _organisations[organisationId];
    }

    /// @inheritdoc IInstallerRegistry
    function organisationCount() external view returns (uint256) {
        return _organisationCount;
    }

    /// @inheritdoc IInstallerRegistry
    function isAdmin(uint256 organisationId, address account) external view returns (bool) {
        return _admins[organisationId][account];
    }

    /// @inheritdoc IInstallerRegistry
    function isElectrician(uint256 organisationId, address account) external view returns (bool) {
        return _electricians[organisationId][account];
    }

    /// @inheritdoc IInstallerRegistry
    function trusts(address account, uint256 organisationId) external view returns (bool) {
        return _trusted[account].contains(organisationId);
    }

    /// @inheritdoc IInstallerRegistry
    function trustedOrganisations(address account) external view returns (uint256[] memory) {
        return _trusted[account].values();
    }

    /*//////////////////////////////////////////////////////////////
                                INTERNALS
    //////////////////////////////////////////////////////////////*/

    function _checkKnown(uint256 organisationId) private view {
        if (organisationId == 0 || organisationId > _organisationCount) {
            revert InstallerRegistryUnknownOrganisation(organisationId);
        }
    }

    function _checkAdmin(uint256 organisationId) private view {
        _checkKnown(organisationId);
        if (!_admins[organisationId][msg.sender]) revert InstallerRegistryNotAdmin(organisationId, msg.sender);
    }

    function _checkNewMember(uint256 organisationId, address account, bool isMember) private pure {
        if (account == address(0)) revert InstallerRegistryZeroAddress();
        if (isMember) revert InstallerRegistryAlreadyMember(organisationId, account);
    }

    function _checkCid(string calldata cid) private pure {
        uint256 length = bytes(cid).length;
        if (length == 0 || length > MAX_CID_LENGTH) revert InstallerRegistryInvalidCid(length);
    }

    function _publish(uint256 organisationId, string calldata memberListCid) private {
        _organisations[organisationId].memberListCid = memberListCid;
        emit MemberListPublished(organisationId, memberListCid);
    }
}
