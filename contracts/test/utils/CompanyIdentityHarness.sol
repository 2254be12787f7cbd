// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {CompanyIdentity} from "../../src/CompanyIdentity.sol";

/// @notice Reaches the internal transfer under the public (always reverting) ones, to show `_update` refuses a move
/// even when a future code path skipped the public guards.
contract CompanyIdentityHarness is CompanyIdentity {
    function internalTransfer(address from, address to, uint256 id) external {
        _safeTransferFrom(from, to, id, 1, "");
    }

    function internalBatchTransfer(address from, address to, uint256[] memory ids, uint256[] memory values) external {
        _safeBatchTransferFrom(from, to, ids, values, "");
    }
}
