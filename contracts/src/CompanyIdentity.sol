// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {ERC1155} from "@openzeppelin/contracts/token/ERC1155/ERC1155.sol";
import {ICompanyIdentity} from "./interfaces/ICompanyIdentity.sol";

/// @title CompanyIdentity
/// @notice Soulbound ERC-1155 company identities: one token (amount 1) per account, minted by the account to itself,
/// pointing at the CID of its encrypted profile. Mint and burn are the only moves; no owner, no admin.
/// @dev Every transfer path (`safeTransferFrom`, `safeBatchTransferFrom`, and `_update` under them) reverts
/// CompanyIdentitySoulbound; every approval path reverts CompanyIdentityApprovalDisabled, so no operator ever exists.
contract CompanyIdentity is ICompanyIdentity, ERC1155 {
    /// @notice Longest accepted profile CID, in bytes (a CIDv1 base32 of a SHA-256 digest is 59).
    uint256 public constant MAX_CID_LENGTH = 128;

    /// @dev ERC-5192's interface id: `locked(uint256)` alone.
    bytes4 private constant _ERC5192_INTERFACE_ID = 0xb45a3c0e;
    /// @dev ERC-6268's interface id: `locked(uint256) ^ lockedBatch(uint256[])`.
    bytes4 private constant _ERC6268_INTERFACE_ID = 0xd87116f3;

    mapping(address account => uint256 id) private _identityOf;
    mapping(uint256 id => address holder) private _holderOf;
    mapping(uint256 id => string cid) private _profileCid;
    uint256 private _identityCount;

    /// @dev The ERC-1155 shared URI stays empty: `uri(id)` is each identity's own.
    constructor() ERC1155("") {}

    /*//////////////////////////////////////////////////////////////
                               IDENTITIES
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc ICompanyIdentity
    function register(string calldata cid) external returns (uint256 id) {
        _checkCid(cid);
        uint256 held = _identityOf[msg.sender];
        if (held != 0) revert CompanyIdentityAlreadyRegistered(msg.sender, held);
        id = ++_identityCount;
        // State first: a contract holder's onERC1155Received that re-enters register finds the identity taken.
        _identityOf[msg.sender] = id;
        _holderOf[id] = msg.sender;
        _profileCid[id] = cid;
        // Events before the mint's receiver callback too: a holder that burns or updates inside onERC1155Received
        // must not leave its IdentityBurned / URI ahead of this registration in the log an indexer replays.
        emit Locked(id);
        emit URI(_uriOf(cid), id);
        emit CompanyRegistered(id, msg.sender, cid);
        _mint(msg.sender, id, 1, "");
    }

    /// @inheritdoc ICompanyIdentity
    function updateProfile(string calldata cid) external {
        _checkCid(cid);
        uint256 id = _heldBy(msg.sender);
        _profileCid[id] = cid;
        emit URI(_uriOf(cid), id);
        emit ProfileUpdated(id, msg.sender, cid);
    }

    /// @inheritdoc ICompanyIdentity
    function burn() external {
        uint256 id = _heldBy(msg.sender);
        delete _identityOf[msg.sender];
        delete _holderOf[id];
        delete _profileCid[id];
        _burn(msg.sender, id, 1);
        emit IdentityBurned(id, msg.sender);
    }

    /*//////////////////////////////////////////////////////////////
                                  VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc ICompanyIdentity
    function identityOf(address account) external view returns (uint256) {
        return _identityOf[account];
    }

    /// @inheritdoc ICompanyIdentity
    function hasIdentity(address account) external view returns (bool) {
        return _identityOf[account] != 0;
    }

    /// @inheritdoc ICompanyIdentity
    function holderOf(uint256 id) external view returns (address) {
        return _existing(id);
    }

    /// @inheritdoc ICompanyIdentity
    function profileCid(uint256 id) external view returns (string memory) {
        _existing(id);
        return _profileCid[id];
    }

    /// @inheritdoc ICompanyIdentity
    function identityCount() external view returns (uint256) {
        return _identityCount;
    }

    /// @inheritdoc ICompanyIdentity
    function locked(uint256 id) external view returns (bool) {
        _existing(id);
        return true;
    }

    /// @inheritdoc ICompanyIdentity
    function lockedBatch(uint256[] calldata ids) external view returns (bool[] memory result) {
        result = new bool[](ids.length);
        for (uint256 i; i < ids.length; ++i) {
            _existing(ids[i]);
            result[i] = true;
        }
    }

    /// @notice `ipfs://<CID>` of the identity's encrypted profile; reverts CompanyIdentityUnknownIdentity.
    function uri(uint256 id) public view override returns (string memory) {
        _existing(id);
        return _uriOf(_profileCid[id]);
    }

    /// @notice ERC-165: ERC-1155, its metadata URI extension, ERC-6268 and ERC-5192.
    function supportsInterface(bytes4 interfaceId) public view override returns (bool) {
        return interfaceId == _ERC6268_INTERFACE_ID || interfaceId == _ERC5192_INTERFACE_ID
            || super.supportsInterface(interfaceId);
    }

    /*//////////////////////////////////////////////////////////////
                          TRANSFERS AND APPROVALS
    //////////////////////////////////////////////////////////////*/

    /// @notice Always reverts CompanyIdentitySoulbound: identities never move.
    function safeTransferFrom(address from, address to, uint256 id, uint256, bytes memory) public pure override {
        revert CompanyIdentitySoulbound(from, to, id);
    }

    /// @notice Always reverts CompanyIdentitySoulbound (with the first id, 0 for none): identities never move.
    function safeBatchTransferFrom(address from, address to, uint256[] memory ids, uint256[] memory, bytes memory)
        public
        pure
        override
    {
        revert CompanyIdentitySoulbound(from, to, ids.length == 0 ? 0 : ids[0]);
    }

    /// @notice Always reverts CompanyIdentityApprovalDisabled: there is nothing an operator could do.
    function setApprovalForAll(address operator, bool) public view override {
        revert CompanyIdentityApprovalDisabled(msg.sender, operator);
    }

    /// @dev The one override point under every balance change: only mints (from 0) and burns (to 0) pass.
    function _update(address from, address to, uint256[] memory ids, uint256[] memory values) internal override {
        if (from != address(0) && to != address(0)) {
            revert CompanyIdentitySoulbound(from, to, ids.length == 0 ? 0 : ids[0]);
        }
        super._update(from, to, ids, values);
    }

    /*//////////////////////////////////////////////////////////////
                                INTERNALS
    //////////////////////////////////////////////////////////////*/

    function _existing(uint256 id) private view returns (address holder) {
        holder = _holderOf[id];
        if (holder == address(0)) revert CompanyIdentityUnknownIdentity(id);
    }

    function _heldBy(address account) private view returns (uint256 id) {
        id = _identityOf[account];
        if (id == 0) revert CompanyIdentityNotRegistered(account);
    }

    function _checkCid(string calldata cid) private pure {
        uint256 length = bytes(cid).length;
        if (length == 0 || length > MAX_CID_LENGTH) revert CompanyIdentityInvalidCid(length);
    }

    function _uriOf(string memory cid) private pure returns (string memory) {
        return string.concat("ipfs://", cid);
    }
}
