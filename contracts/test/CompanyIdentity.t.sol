// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import "forge-std/Test.sol";
import {IERC1155} from "@openzeppelin/contracts/token/ERC1155/IERC1155.sol";
import {IERC1155MetadataURI} from "@openzeppelin/contracts/token/ERC1155/extensions/IERC1155MetadataURI.sol";
import {IERC1155Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {ICompanyIdentity} from "../src/interfaces/ICompanyIdentity.sol";
import {CompanyIdentityHarness} from "./utils/CompanyIdentityHarness.sol";

contract CompanyIdentityTest is Test {
    string internal constant CID = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku";
    string internal constant CID2 = "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy";

    CompanyIdentityHarness internal _identity;
    address internal _company = makeAddr("company");
    address internal _other = makeAddr("other company");
    address internal _operator = makeAddr("operator");

    function setUp() public {
        _identity = new CompanyIdentityHarness();
    }

    function _register(address account, string memory cid) internal returns (uint256 id) {
        vm.prank(account);
        id = _identity.register(cid);
    }

    function _cidOfLength(uint256 length) internal pure returns (string memory) {
        bytes memory b = new bytes(length);
        for (uint256 i; i < length; ++i) {
            b[i] = "b";
        }
        return string(b);
    }

    /*//////////////////////////////////////////////////////////////
                                REGISTER
    //////////////////////////////////////////////////////////////*/

    function test_register_mintsOneLockedTokenToTheCaller() public {
        // Registration events first, then the mint (whose receiver callback may act on the identity).
        vm.expectEmit(true, true, true, true, address(_identity));
        emit ICompanyIdentity.Locked(1);
        vm.expectEmit(true, true, true, true, address(_identity));
        emit IERC1155.URI(string.concat("ipfs://", CID), 1);
        vm.expectEmit(true, true, true, true, address(_identity));
        emit ICompanyIdentity.CompanyRegistered(1, _company, CID);
        vm.expectEmit(true, true, true, true, address(_identity));
        emit IERC1155.TransferSingle(_company, address(0), _company, 1, 1);
        vm.prank(_company);
        uint256 id = _identity.register(CID);
        vm.snapshotGasLastCall("CompanyIdentity", "register");

        assertEq(id, 1);
        assertEq(_identity.balanceOf(_company, 1), 1);
        assertEq(_identity.identityOf(_company), 1);
        assertTrue(_identity.hasIdentity(_company));
        assertEq(_identity.holderOf(1), _company);
        assertEq(_identity.profileCid(1), CID);
        assertEq(_identity.uri(1), string.concat("ipfs://", CID));
        assertEq(_identity.identityCount(), 1);
        assertTrue(_identity.locked(1));
    }

    function test_register_countsIdsFromOne() public {
        assertEq(_register(_company, CID), 1);
        assertEq(_register(_other, CID2), 2);
        assertEq(_identity.holderOf(2), _other);
        assertEq(_identity.balanceOf(_other, 1), 0);
        assertEq(_identity.identityCount(), 2);
    }

    function test_RevertWhen_registerTwice() public {
        _register(_company, CID);
        vm.expectRevert(abi.encodeWithSelector(ICompanyIdentity.CompanyIdentityAlreadyRegistered.selector, _company, 1));
        vm.prank(_company);
        _identity.register(CID2);
        assertEq(_identity.identityCount(), 1);
    }

    function testFuzz_register_cidLength(uint256 length) public {
        length = bound(length, 0, 300);
        string memory cid = _cidOfLength(length);
        if (length == 0 || length > 128) {
            vm.expectRevert(abi.encodeWithSelector(ICompanyIdentity.CompanyIdentityInvalidCid.selector, length));
        }
        vm.prank(_company);
        _identity.register(cid);
        assertEq(_identity.hasIdentity(_company), length != 0 && length <= 128);
    }

    function test_RevertWhen_registerToAContractThatRefusesTokens() public {
        // This test contract implements no IERC1155Receiver: the mint's acceptance check refuses it.
        vm.expectRevert(abi.encodeWithSelector(IERC1155Errors.ERC1155InvalidReceiver.selector, address(this)));
        _identity.register(CID);
    }

    /*//////////////////////////////////////////////////////////////
                            PROFILE AND URI
    //////////////////////////////////////////////////////////////*/

    function test_updateProfile_pointsTheUriAtTheNewCid() public {
        _register(_company, CID);
        vm.expectEmit(true, true, true, true, address(_identity));
        emit IERC1155.URI(string.concat("ipfs://", CID2), 1);
        vm.expectEmit(true, true, true, true, address(_identity));
        emit ICompanyIdentity.ProfileUpdated(1, _company, CID2);
        vm.prank(_company);
        _identity.updateProfile(CID2);
        assertEq(_identity.uri(1), string.concat("ipfs://", CID2));
        assertEq(_identity.profileCid(1), CID2);
    }

    function test_RevertWhen_updateProfileWithoutIdentityOrBadCid() public {
        vm.expectRevert(abi.encodeWithSelector(ICompanyIdentity.CompanyIdentityNotRegistered.selector, _company));
        vm.prank(_company);
        _identity.updateProfile(CID);
        _register(_company, CID);
        vm.expectRevert(abi.encodeWithSelector(ICompanyIdentity.CompanyIdentityInvalidCid.selector, 129));
        vm.prank(_company);
        _identity.updateProfile(_cidOfLength(129));
        vm.expectRevert(abi.encodeWithSelector(ICompanyIdentity.CompanyIdentityInvalidCid.selector, 0));
        vm.prank(_company);
        _identity.updateProfile("");
        assertEq(_identity.profileCid(1), CID);
    }

    function test_RevertWhen_unknownIdentityIsRead() public {
        bytes memory unknown = abi.encodeWithSelector(ICompanyIdentity.CompanyIdentityUnknownIdentity.selector, 7);
        vm.expectRevert(unknown);
        _identity.uri(7);
        vm.expectRevert(unknown);
        _identity.holderOf(7);
        vm.expectRevert(unknown);
        _identity.profileCid(7);
        vm.expectRevert(unknown);
        _identity.locked(7);
        _register(_company, CID);
        uint256[] memory ids = new uint256[](2);
        ids[0] = 1;
        ids[1] = 7;
        vm.expectRevert(unknown);
        _identity.lockedBatch(ids);
    }

    function test_lockedBatch_oneBoolPerId() public {
        _register(_company, CID);
        _register(_other, CID2);
        uint256[] memory ids = new uint256[](3);
        ids[0] = 2;
        ids[1] = 1;
        ids[2] = 2;
        bool[] memory result = _identity.lockedBatch(ids);
        assertEq(result.length, 3);
        for (uint256 i; i < 3; ++i) {
            assertTrue(result[i]);
        }
        assertEq(_identity.lockedBatch(new uint256[](0)).length, 0);
    }

    /*//////////////////////////////////////////////////////////////
                             BURN AND AGAIN
    //////////////////////////////////////////////////////////////*/

    function test_burn_thenRegisterAgainUnderANewId() public {
        _register(_company, CID);
        vm.expectEmit(true, true, true, true, address(_identity));
        emit IERC1155.TransferSingle(_company, _company, address(0), 1, 1);
        vm.expectEmit(true, true, true, true, address(_identity));
        emit ICompanyIdentity.IdentityBurned(1, _company);
        vm.prank(_company);
        _identity.burn();

        assertEq(_identity.balanceOf(_company, 1), 0);
        assertEq(_identity.identityOf(_company), 0);
        assertFalse(_identity.hasIdentity(_company));
        vm.expectRevert(abi.encodeWithSelector(ICompanyIdentity.CompanyIdentityUnknownIdentity.selector, 1));
        _identity.uri(1);
        assertEq(_identity.identityCount(), 1);

        assertEq(_register(_company, CID2), 2);
        assertEq(_identity.balanceOf(_company, 2), 1);
        assertEq(_identity.uri(2), string.concat("ipfs://", CID2));
        assertEq(_identity.identityCount(), 2);
    }

    function test_RevertWhen_burnWithoutIdentity() public {
        vm.expectRevert(abi.encodeWithSelector(ICompanyIdentity.CompanyIdentityNotRegistered.selector, _company));
        vm.prank(_company);
        _identity.burn();
    }

    /*//////////////////////////////////////////////////////////////
                                SOULBOUND
    //////////////////////////////////////////////////////////////*/

    function test_RevertWhen_holderTransfers() public {
        _register(_company, CID);
        vm.expectRevert(abi.encodeWithSelector(ICompanyIdentity.CompanyIdentitySoulbound.selector, _company, _other, 1));
        vm.prank(_company);
        _identity.safeTransferFrom(_company, _other, 1, 1, "");
        assertEq(_identity.balanceOf(_company, 1), 1);
        assertEq(_identity.balanceOf(_other, 1), 0);
    }

    function test_RevertWhen_holderBatchTransfers() public {
        _register(_company, CID);
        uint256[] memory ids = new uint256[](1);
        ids[0] = 1;
        uint256[] memory values = new uint256[](1);
        values[0] = 1;
        vm.expectRevert(abi.encodeWithSelector(ICompanyIdentity.CompanyIdentitySoulbound.selector, _company, _other, 1));
        vm.prank(_company);
        _identity.safeBatchTransferFrom(_company, _other, ids, values, "");
        vm.expectRevert(abi.encodeWithSelector(ICompanyIdentity.CompanyIdentitySoulbound.selector, _company, _other, 0));
        vm.prank(_company);
        _identity.safeBatchTransferFrom(_company, _other, new uint256[](0), new uint256[](0), "");
        assertEq(_identity.balanceOf(_company, 1), 1);
    }

    function test_RevertWhen_approvalIsSet() public {
        _register(_company, CID);
        vm.expectRevert(
            abi.encodeWithSelector(ICompanyIdentity.CompanyIdentityApprovalDisabled.selector, _company, _operator)
        );
        vm.prank(_company);
        _identity.setApprovalForAll(_operator, true);
        // Revoking an approval is an approval path too: nothing to revoke, ever.
        vm.expectRevert(
            abi.encodeWithSelector(ICompanyIdentity.CompanyIdentityApprovalDisabled.selector, _company, _operator)
        );
        vm.prank(_company);
        _identity.setApprovalForAll(_operator, false);
        assertFalse(_identity.isApprovedForAll(_company, _operator));
    }

    function test_RevertWhen_operatorTransfers_evenIfApproved() public {
        _register(_company, CID);
        uint256[] memory ids = new uint256[](1);
        ids[0] = 1;
        uint256[] memory values = new uint256[](1);
        values[0] = 1;
        bytes memory soulbound =
            abi.encodeWithSelector(ICompanyIdentity.CompanyIdentitySoulbound.selector, _company, _operator, 1);
        // Not approved: the soulbound error, not ERC1155MissingApprovalForAll.
        vm.expectRevert(soulbound);
        vm.prank(_operator);
        _identity.safeTransferFrom(_company, _operator, 1, 1, "");
        // An approval written straight into ERC1155's _operatorApprovals (slot 1), which no call can do: still refused.
        bytes32 slot = keccak256(abi.encode(_operator, keccak256(abi.encode(_company, uint256(1)))));
        vm.store(address(_identity), slot, bytes32(uint256(1)));
        assertTrue(_identity.isApprovedForAll(_company, _operator));
        vm.expectRevert(soulbound);
        vm.prank(_operator);
        _identity.safeTransferFrom(_company, _operator, 1, 1, "");
        vm.expectRevert(soulbound);
        vm.prank(_operator);
        _identity.safeBatchTransferFrom(_company, _operator, ids, values, "");
        assertEq(_identity.balanceOf(_company, 1), 1);
    }

    function test_RevertWhen_internalTransferReachesUpdate() public {
        _register(_company, CID);
        vm.expectRevert(abi.encodeWithSelector(ICompanyIdentity.CompanyIdentitySoulbound.selector, _company, _other, 1));
        _identity.internalTransfer(_company, _other, 1);
        uint256[] memory ids = new uint256[](1);
        ids[0] = 1;
        uint256[] memory values = new uint256[](1);
        values[0] = 1;
        vm.expectRevert(abi.encodeWithSelector(ICompanyIdentity.CompanyIdentitySoulbound.selector, _company, _other, 1));
        _identity.internalBatchTransfer(_company, _other, ids, values);
        assertEq(_identity.balanceOf(_company, 1), 1);
    }

    function testFuzz_RevertWhen_anyoneMovesAnyIdentity(address caller, address to, uint256 value) public {
        if (to == address(0)) to = _other; // a move to 0 is a burn, which only burn() does
        _register(_company, CID);
        vm.expectRevert(abi.encodeWithSelector(ICompanyIdentity.CompanyIdentitySoulbound.selector, _company, to, 1));
        vm.prank(caller);
        _identity.safeTransferFrom(_company, to, 1, value, "");
        assertEq(_identity.balanceOf(_company, 1), 1);
    }

    /*//////////////////////////////////////////////////////////////
                                INTERFACES
    //////////////////////////////////////////////////////////////*/

    function test_supportsInterface_erc1155Erc6268Erc5192() public view {
        bytes4 locked = bytes4(keccak256("locked(uint256)"));
        bytes4 lockedBatch = bytes4(keccak256("lockedBatch(uint256[])"));
        assertEq(locked, ICompanyIdentity.locked.selector);
        assertEq(lockedBatch, ICompanyIdentity.lockedBatch.selector);
        // ERC-6268's id is the XOR of its two functions; ERC-5192's is `locked` alone.
        assertEq(locked ^ lockedBatch, bytes4(0xd87116f3));
        assertEq(locked, bytes4(0xb45a3c0e));
        assertTrue(_identity.supportsInterface(0xd87116f3));
        assertTrue(_identity.supportsInterface(0xb45a3c0e));
        assertTrue(_identity.supportsInterface(type(IERC1155).interfaceId));
        assertTrue(_identity.supportsInterface(type(IERC1155MetadataURI).interfaceId));
        assertTrue(_identity.supportsInterface(type(IERC165).interfaceId));
        assertFalse(_identity.supportsInterface(0xffffffff));
    }
}
