// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

/// @title ICompanyIdentity
/// @notice One soulbound ERC-1155 token per company. The company mints it to its own address; it never moves.
/// `uri(id)` is `ipfs://<CID>` of the company's profile, encrypted in the browser: nothing sensitive is on chain.
/// `locked(id)` / `lockedBatch(ids)` follow ERC-6268 (interface id 0xd87116f3; `lockedBatch` returns one bool per
/// id, where the EIP's text says one bool); `locked(uint256)` is also ERC-5192's function (0xb45a3c0e), and its
/// `Locked(uint256)` event is emitted at mint.
interface ICompanyIdentity {
    /// @notice ERC-5192 / ERC-6268: the token `tokenId` is locked (emitted once, at mint).
    event Locked(uint256 tokenId);

    /// @notice A company minted its identity.
    event CompanyRegistered(uint256 indexed id, address indexed holder, string profileCid);

    /// @notice The holder pointed its identity at a new encrypted profile.
    event ProfileUpdated(uint256 indexed id, address indexed holder, string profileCid);

    /// @notice The holder burned its identity.
    event IdentityBurned(uint256 indexed id, address indexed holder);

    /// @notice The account already holds identity `id` (one per account).
    error CompanyIdentityAlreadyRegistered(address account, uint256 id);

    /// @notice The account holds no identity.
    error CompanyIdentityNotRegistered(address account);

    /// @notice No identity has this id (never minted, or burned).
    error CompanyIdentityUnknownIdentity(uint256 id);

    /// @notice Identities never move: every transfer path reverts with this.
    error CompanyIdentitySoulbound(address from, address to, uint256 id);

    /// @notice Identities never move: every approval path reverts with this.
    error CompanyIdentityApprovalDisabled(address holder, address operator);

    /// @notice The profile CID is empty or longer than 128 bytes.
    error CompanyIdentityInvalidCid(uint256 length);

    /// @notice Mints the caller's identity (a new id, counting from 1) pointing at `profileCid`.
    function register(string calldata profileCid) external returns (uint256 id);

    /// @notice Points the caller's identity at a new encrypted profile.
    function updateProfile(string calldata profileCid) external;

    /// @notice Burns the caller's identity. The account may register again later, under a new id.
    function burn() external;

    /// @notice The identity id `account` holds; 0 when none.
    function identityOf(address account) external view returns (uint256);

    /// @notice True when `account` holds an identity.
    function hasIdentity(address account) external view returns (bool);

    /// @notice The holder of identity `id`; reverts CompanyIdentityUnknownIdentity.
    function holderOf(uint256 id) external view returns (address);

    /// @notice The CID of identity `id`'s encrypted profile; reverts CompanyIdentityUnknownIdentity.
    function profileCid(uint256 id) external view returns (string memory);

    /// @notice Number of identities ever minted (burned ones included).
    function identityCount() external view returns (uint256);

    /// @notice ERC-6268 / ERC-5192: always true for an existing identity; reverts CompanyIdentityUnknownIdentity.
    function locked(uint256 id) external view returns (bool);

    /// @notice ERC-6268: `locked` for each id (one bool per id).
    function lockedBatch(uint256[] calldata ids) external view returns (bool[] memory);
}
