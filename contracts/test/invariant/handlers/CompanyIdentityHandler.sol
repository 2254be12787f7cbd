// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import "forge-std/Test.sol";
import {CompanyIdentity} from "../../../src/CompanyIdentity.sol";

/// @notice Drives the CompanyIdentity with rotating actors: registrations (also twice), profile updates, burns (also
/// without an identity), and every way to move or approve a token, by holders, strangers and would-be operators.
/// The ghost models who holds which id; any move or approval that goes through is counted and must stay 0.
contract CompanyIdentityHandler is Test {
    uint256 public constant ACTORS = 5;

    CompanyIdentity internal _identity;
    address[ACTORS] internal _actors;

    mapping(address account => uint256 id) public ghost_idOf;
    mapping(uint256 id => address holder) public ghost_holderOf;
    uint256 public ghost_count;
    /// @notice Transfers or approvals that did not revert: must stay 0.
    uint256 public ghost_moves;
    /// @notice Calls whose outcome (success or revert) differs from the model's: must stay 0.
    uint256 public ghost_unexpectedOutcomes;
    mapping(bytes32 => uint256) public calls;

    constructor(CompanyIdentity identity) {
        _identity = identity;
        for (uint256 i; i < ACTORS; ++i) {
            _actors[i] = makeAddr(string.concat("company ", vm.toString(i)));
        }
    }

    function actor(uint256 i) external view returns (address) {
        return _actors[i];
    }

    function _actor(uint256 seed) internal view returns (address) {
        return _actors[seed % ACTORS];
    }

    /// @notice An id that exists, was burned, or was never minted.
    function _anyId(uint256 seed) internal view returns (uint256) {
        return seed % (ghost_count + 2);
    }

    function _expect(bool ok, bool expected) internal {
        if (ok != expected) ++ghost_unexpectedOutcomes;
    }

    /*//////////////////////////////////////////////////////////////
                                 ACTIONS
    //////////////////////////////////////////////////////////////*/

    function register(uint256 actorSeed, uint256 cidSeed) external {
        calls["register"]++;
        address account = _actor(actorSeed);
        string memory cid = string.concat("bafkrei", vm.toString(cidSeed % 1000));
        vm.prank(account);
        try _identity.register(cid) returns (uint256 id) {
            _expect(true, ghost_idOf[account] == 0);
            _expect(id == ghost_count + 1, true);
            ghost_count = id;
            ghost_idOf[account] = id;
            ghost_holderOf[id] = account;
        } catch {
            _expect(false, ghost_idOf[account] == 0);
        }
    }

    function updateProfile(uint256 actorSeed) external {
        calls["updateProfile"]++;
        address account = _actor(actorSeed);
        vm.prank(account);
        try _identity.updateProfile("bafkreiupdated") {
            _expect(true, ghost_idOf[account] != 0);
        } catch {
            _expect(false, ghost_idOf[account] != 0);
        }
    }

    function burn(uint256 actorSeed) external {
        calls["burn"]++;
        address account = _actor(actorSeed);
        vm.prank(account);
        try _identity.burn() {
            uint256 id = ghost_idOf[account];
            _expect(true, id != 0);
            delete ghost_holderOf[id];
            delete ghost_idOf[account];
        } catch {
            _expect(false, ghost_idOf[account] != 0);
        }
    }

    function transfer(uint256 callerSeed, uint256 fromSeed, uint256 toSeed, uint256 idSeed, uint256 value) external {
        calls["transfer"]++;
        address from = _actor(fromSeed);
        uint256 id = idSeed % 2 == 0 ? ghost_idOf[from] : _anyId(idSeed);
        address to = _actor(toSeed);
        value = value % 3;
        // Bound values before the prank: bound() logs through a call, which would take the prank.
        vm.prank(callerSeed % 2 == 0 ? from : _actor(callerSeed));
        try _identity.safeTransferFrom(from, to, id, value, "") {
            ++ghost_moves;
        } catch {}
    }

    function batchTransfer(uint256 callerSeed, uint256 fromSeed, uint256 toSeed, uint256 idSeed) external {
        calls["batchTransfer"]++;
        address from = _actor(fromSeed);
        uint256[] memory ids = new uint256[](2);
        ids[0] = ghost_idOf[from];
        ids[1] = _anyId(idSeed);
        uint256[] memory values = new uint256[](2);
        values[0] = 1;
        values[1] = 1;
        address to = _actor(toSeed);
        vm.prank(callerSeed % 2 == 0 ? from : _actor(callerSeed));
        try _identity.safeBatchTransferFrom(from, to, ids, values, "") {
            ++ghost_moves;
        } catch {}
    }

    function approve(uint256 actorSeed, uint256 operatorSeed, bool approved) external {
        calls["approve"]++;
        address operator = _actor(operatorSeed % ACTORS + 1);
        vm.prank(_actor(actorSeed));
        try _identity.setApprovalForAll(operator, approved) {
            ++ghost_moves;
        } catch {}
    }
}
