// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;
import "forge-std/Test.sol";
import {KeystoneForwarder} from "@chainlink/contracts/src/v0.8/keystone/KeystoneForwarder.sol";
import {P256} from "@openzeppelin/contracts/utils/cryptography/P256.sol";
contract SmokeTest is Test {
  function test_forwarder() public {
    KeystoneForwarder f = new KeystoneForwarder();
    assertEq(f.typeAndVersion(), "KeystoneForwarder 1.0.0");
  }
}
