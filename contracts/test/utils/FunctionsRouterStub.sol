// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {IFunctionsClient} from "@chainlink/contracts/src/v0.8/functions/v1_0_0/interfaces/IFunctionsClient.sol";

/// @notice Test-only stand-in for the Chainlink Functions router: records what a client sends and delivers answers
/// the way the router does (exact callback gas limit, a reverting callback is reported, not propagated).
contract FunctionsRouterStub {
    struct SentRequest {
        address client;
        uint64 subscriptionId;
        bytes data;
        uint16 dataVersion;
        uint32 callbackGasLimit;
        bytes32 donId;
    }

    mapping(bytes32 requestId => SentRequest) private _sent;
    bytes32 public lastRequestId;
    uint256 public requestCount;

    function sendRequest(
        uint64 subscriptionId,
        bytes calldata data,
        uint16 dataVersion,
        uint32 callbackGasLimit,
        bytes32 donId
    ) external returns (bytes32 requestId) {
        requestId = keccak256(abi.encode(msg.sender, ++requestCount));
        _sent[requestId] = SentRequest(msg.sender, subscriptionId, data, dataVersion, callbackGasLimit, donId);
        lastRequestId = requestId;
    }

    function sent(bytes32 requestId) external view returns (SentRequest memory) {
        return _sent[requestId];
    }

    /// @notice Calls the client's handleOracleFulfillment with the request's callback gas limit.
    /// @return ok False when the callback reverted (the real router reports USER_CALLBACK_ERROR).
    function fulfill(bytes32 requestId, bytes memory response, bytes memory err) external returns (bool ok) {
        SentRequest storage s = _sent[requestId];
        (ok,) = s.client.call{gas: s.callbackGasLimit}(
            abi.encodeCall(IFunctionsClient.handleOracleFulfillment, (requestId, response, err))
        );
    }
}
