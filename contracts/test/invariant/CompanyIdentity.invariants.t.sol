// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import "forge-std/Test.sol";
import {CompanyIdentity} from "../../src/CompanyIdentity.sol";
import {CompanyIdentityHandler} from "./handlers/CompanyIdentityHandler.sol";

/// @notice An identity never moves: balances change only by register and burn, each account holds at most one
/// identity, and holderOf / identityOf agree with the balances and with the ghost, after every call.
contract CompanyIdentityInvariants is Test {
    CompanyIdentity internal _identity;
    CompanyIdentityHandler internal _handler;

    function setUp() public {
        _identity = new CompanyIdentity();
        _handler = new CompanyIdentityHandler(_identity);
        bytes4[] memory selectors = new bytes4[](6);
        selectors[0] = CompanyIdentityHandler.register.selector;
        selectors[1] = CompanyIdentityHandler.updateProfile.selector;
        selectors[2] = CompanyIdentityHandler.burn.selector;
        selectors[3] = CompanyIdentityHandler.transfer.selector;
        selectors[4] = CompanyIdentityHandler.batchTransfer.selector;
        selectors[5] = CompanyIdentityHandler.approve.selector;
        targetSelector(FuzzSelector(address(_handler), selectors));
        targetContract(address(_handler));
    }

    /// @notice Every invariant, after every call.
    function invariant_all() public view {
        assertEq(_handler.ghost_moves(), 0, "a transfer or approval went through");
        assertEq(_handler.ghost_unexpectedOutcomes(), 0, "register/update/burn outcome differs from the model");
        assertEq(_identity.identityCount(), _handler.ghost_count(), "identity count");
        _balancesFollowTheGhost();
        _holdersAgree();
    }

    /// forge-config: default.invariant.runs = 1
    /// forge-config: ci.invariant.runs = 1
    function invariant_callSummary() public view {
        console.log("register", _handler.calls("register"));
        console.log("updateProfile", _handler.calls("updateProfile"));
        console.log("burn", _handler.calls("burn"));
        console.log("transfer", _handler.calls("transfer"));
        console.log("batchTransfer", _handler.calls("batchTransfer"));
        console.log("approve", _handler.calls("approve"));
        console.log("identities minted", _handler.ghost_count());
    }

    /// @notice Each actor holds exactly its ghost identity (amount 1) and nothing of any other id.
    function _balancesFollowTheGhost() internal view {
        uint256 count = _identity.identityCount();
        for (uint256 a; a < _handler.ACTORS(); ++a) {
            address account = _handler.actor(a);
            uint256 ghostId = _handler.ghost_idOf(account);
            assertEq(_identity.identityOf(account), ghostId, "identityOf");
            assertEq(_identity.hasIdentity(account), ghostId != 0, "hasIdentity");
            uint256 held;
            for (uint256 id = 1; id <= count; ++id) {
                uint256 balance = _identity.balanceOf(account, id);
                assertLe(balance, 1, "more than one token of an id");
                assertEq(balance == 1, id == ghostId, "balance of an id not the ghost's");
                held += balance;
            }
            assertLe(held, 1, "more than one identity");
        }
    }

    /// @notice Every minted id: held by its ghost holder (holderOf, identityOf back), or burned (unknown).
    function _holdersAgree() internal view {
        uint256 count = _identity.identityCount();
        for (uint256 id = 1; id <= count; ++id) {
            address holder = _handler.ghost_holderOf(id);
            if (holder != address(0)) {
                assertEq(_identity.holderOf(id), holder, "holderOf");
                assertEq(_identity.identityOf(holder), id, "identityOf(holderOf(id))");
                assertTrue(_identity.locked(id), "locked");
            } else {
                try _identity.holderOf(id) returns (address) {
                    assertTrue(false, "a burned id still has a holder");
                } catch {}
            }
        }
    }
}
