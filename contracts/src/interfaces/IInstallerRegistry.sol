// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

/// @title IInstallerRegistry
/// @notice Installer organisations: admins and electrician members. Electricians certify meters in the
/// DeviceRegistry under their organisation; admins revoke them. Every member change carries the CID of the
/// organisation's member list, published on IPFS (protocol's member-list document), so the CID on chain is always
/// the list's current state. Any account keeps a list of organisations it trusts.
interface IInstallerRegistry {
    /// @notice An organisation as stored.
    /// @param name Display name (1..64 bytes).
    /// @param memberListCid CID of the current member-list document.
    /// @param createdAt Block timestamp of creation.
    /// @param adminCount Current admins (never 0).
    /// @param electricianCount Current electricians.
    struct Organisation {
        string name;
        string memberListCid;
        uint64 createdAt;
        uint32 adminCount;
        uint32 electricianCount;
    }

    /// @notice An organisation was created; `admin` (the caller) is its first admin.
    event OrganisationCreated(uint256 indexed organisationId, address indexed admin, string name);

    /// @notice `account` became an admin of the organisation.
    event AdminAdded(uint256 indexed organisationId, address indexed account, address indexed by);

    /// @notice `account` is no longer an admin of the organisation.
    event AdminRemoved(uint256 indexed organisationId, address indexed account, address indexed by);

    /// @notice `account` became an electrician of the organisation.
    event ElectricianAdded(uint256 indexed organisationId, address indexed account, address indexed by);

    /// @notice `account` is no longer an electrician of the organisation.
    event ElectricianRemoved(uint256 indexed organisationId, address indexed account, address indexed by);

    /// @notice The organisation's member list is now the document at `cid` (emitted with every member change).
    event MemberListPublished(uint256 indexed organisationId, string cid);

    /// @notice `account` trusts the organisation.
    event OrganisationTrusted(address indexed account, uint256 indexed organisationId);

    /// @notice `account` no longer trusts the organisation.
    event OrganisationDistrusted(address indexed account, uint256 indexed organisationId);

    /// @notice No organisation has this id.
    error InstallerRegistryUnknownOrganisation(uint256 organisationId);

    /// @notice The caller is not an admin of the organisation.
    error InstallerRegistryNotAdmin(uint256 organisationId, address account);

    /// @notice The account already holds that role in the organisation.
    error InstallerRegistryAlreadyMember(uint256 organisationId, address account);

    /// @notice The account does not hold that role in the organisation.
    error InstallerRegistryNotMember(uint256 organisationId, address account);

    /// @notice Removing the organisation's last admin would orphan it.
    error InstallerRegistryLastAdmin(uint256 organisationId, address account);

    /// @notice The name is empty or longer than 64 bytes.
    error InstallerRegistryInvalidName(uint256 length);

    /// @notice The CID is empty or longer than 128 bytes.
    error InstallerRegistryInvalidCid(uint256 length);

    /// @notice The zero address cannot be a member.
    error InstallerRegistryZeroAddress();

    /// @notice The account already trusts the organisation.
    error InstallerRegistryAlreadyTrusted(address account, uint256 organisationId);

    /// @notice The account does not trust the organisation.
    error InstallerRegistryNotTrusted(address account, uint256 organisationId);

    /// @notice Creates an organisation (ids count from 1) with the caller as its first admin.
    function createOrganisation(string calldata name, string calldata memberListCid) external returns (uint256);

    /// @notice Admin only.
    function addAdmin(uint256 organisationId, address account, string calldata memberListCid) external;

    /// @notice Admin only; never the last admin (an admin may remove itself while another remains).
    function removeAdmin(uint256 organisationId, address account, string calldata memberListCid) external;

    /// @notice Admin only.
    function addElectrician(uint256 organisationId, address account, string calldata memberListCid) external;

    /// @notice Admin only. Devices the electrician certified stay certified until an admin revokes them.
    function removeElectrician(uint256 organisationId, address account, string calldata memberListCid) external;

    /// @notice Admin only: republish the member list (e.g. after a name change in the document).
    function publishMemberList(uint256 organisationId, string calldata memberListCid) external;

    /// @notice The caller trusts the organisation.
    function trust(uint256 organisationId) external;

    /// @notice The caller stops trusting the organisation.
    function distrust(uint256 organisationId) external;

    /// @notice The organisation; reverts InstallerRegistryUnknownOrganisation.
    function getOrganisation(uint256 organisationId) external view returns (Organisation memory);

    /// @notice Number of organisations created.
    function organisationCount() external view returns (uint256);

    /// @notice True when `account` is an admin of the organisation.
    function isAdmin(uint256 organisationId, address account) external view returns (bool);

    /// @notice True when `account` is an electrician of the organisation.
    function isElectrician(uint256 organisationId, address account) external view returns (bool);

    /// @notice True when `account` trusts the organisation.
    function trusts(address account, uint256 organisationId) external view returns (bool);

    /// @notice The organisations `account` trusts, in no particular order.
    function trustedOrganisations(address account) external view returns (uint256[] memory);
}
