// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import "forge-std/Test.sol";
import {IERC1155Receiver} from "@openzeppelin/contracts/token/ERC1155/IERC1155Receiver.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {CompanyIdentity} from "../../src/CompanyIdentity.sol";
import {IDataLogger} from "../../src/interfaces/IDataLogger.sol";
import {ICompanyIdentity} from "../../src/interfaces/ICompanyIdentity.sol";
import {IDeviceRegistry} from "../../src/interfaces/IDeviceRegistry.sol";
import {IInstallerRegistry} from "../../src/interfaces/IInstallerRegistry.sol";
import {IWindowChallenger} from "../../src/interfaces/IWindowChallenger.sol";
import {WindowChallenger} from "../../src/WindowChallenger.sol";
import {WindowFixture} from "../utils/WindowFixture.sol";

/// @notice A contract company whose onERC1155Received acts on the identity while its own mint is under way.
contract ReentrantCompany is IERC1155Receiver {
    enum Action {
        None,
        Burn,
        Update,
        RegisterAgain
    }

    CompanyIdentity private immutable _identity;
    Action public action;
    string public secondCid;

    constructor(CompanyIdentity identity) {
        _identity = identity;
    }

    function registerThen(Action next, string calldata cid, string calldata cid2) external returns (uint256) {
        action = next;
        secondCid = cid2;
        return _identity.register(cid);
    }

    function onERC1155Received(address, address, uint256, uint256, bytes calldata) external returns (bytes4) {
        Action current = action;
        action = Action.None;
        if (current == Action.Burn) _identity.burn();
        if (current == Action.Update) _identity.updateProfile(secondCid);
        if (current == Action.RegisterAgain) _identity.register(secondCid);
        return IERC1155Receiver.onERC1155Received.selector;
    }

    function onERC1155BatchReceived(address, address, uint256[] calldata, uint256[] calldata, bytes calldata)
        external
        pure
        returns (bytes4)
    {
        return IERC1155Receiver.onERC1155BatchReceived.selector;
    }

    function supportsInterface(bytes4 interfaceId) external pure returns (bool) {
        return interfaceId == type(IERC1155Receiver).interfaceId || interfaceId == type(IERC165).interfaceId;
    }
}

/// @notice Issue-9 audit of CompanyIdentity, InstallerRegistry, DeviceRegistry and WindowChallenger's reason-16 path.
/// `test_finding_*` fail on today's code (each is a finding: the assertion is the fixed behaviour);
/// `test_holds_*` pin behaviour that was checked and holds.
contract Issue9AuditTest is WindowFixture {
    bytes9 internal constant SOLAR = "SOLR_0001";
    bytes9 internal constant HYDRO = "HYDR_0003";
    uint256 internal constant SOLAR_KEY = 0x5011A2;
    string internal constant CID = "bafkreiauditcid1";
    string internal constant CID2 = "bafkreiauditcid2";

    WindowChallenger internal _challenger;
    address internal _prover = makeAddr("prover");
    address internal _squatter = makeAddr("squatter");
    address internal _bystander = makeAddr("bystander company");

    function setUp() public {
        _setUpKeystone();
        _setUpRegistry();
        _challenger = new WindowChallenger(_logger, _registry);
        vm.prank(_admin);
        _logger.setChallenger(address(_challenger));
        _certifyP256(SOLAR, SOLAR_KEY);
        _certifyEd25519(HYDRO);
    }

    /*//////////////////////////////////////////////////////////////
                                 HELPERS
    //////////////////////////////////////////////////////////////*/

    function _inclusion(uint256 d, uint256 i) internal view returns (IWindowChallenger.ReadingInclusion memory) {
        return IWindowChallenger.ReadingInclusion(_signed[d][i], _readingProofs[d][i]);
    }

    function _device(uint256 d) internal view returns (IWindowChallenger.SummaryInclusion memory) {
        return IWindowChallenger.SummaryInclusion(_summaries[d], _summaryProofs[d]);
    }

    function _challengeReading(uint256 d, uint256 i) internal {
        vm.prank(_prover);
        _challenger.challengeReading(_windowStart, _inclusion(d, i), _device(d));
    }

    function _challengeSignature(uint256 d, uint256 i) internal {
        vm.prank(_prover);
        _challenger.challengeSignature(_windowStart, _inclusion(d, i), _device(d));
    }

    function _expectFrozen(uint256 d, uint8 reason, bytes32 evidence) internal {
        vm.expectEmit(true, true, true, true, address(_logger));
        emit IDataLogger.DeviceFrozen(_windowStart, _deviceIds[d], reason, _prover, evidence);
    }

    function _expectRejected(bytes32 leaf, uint8 reason) internal {
        vm.expectRevert(
            abi.encodeWithSelector(
                IWindowChallenger.WindowChallengerChallengeRejected.selector, _windowStart, leaf, reason
            )
        );
    }

    function _nextWindowStart() internal view returns (uint64) {
        return uint64(block.timestamp) + WINDOW_SECONDS - uint64(block.timestamp) % WINDOW_SECONDS;
    }

    /// @notice A second organisation, created by `admin`, with `admin` as its only electrician too.
    function _organisationOf(address admin) internal returns (uint256 org) {
        vm.startPrank(admin);
        org = _installers.createOrganisation("Squat Ltd", "bafkreisquat1");
        _installers.addElectrician(org, admin, "bafkreisquat2");
        vm.stopPrank();
    }

    /// @notice Index of the last log of `emitter` with topic0 `sig` (and topic1 `id` when `withId`); type(uint256).max
    /// when none.
    function _lastLog(Vm.Log[] memory logs, address emitter, bytes32 sig, bool withId, uint256 id)
        internal
        pure
        returns (uint256 at)
    {
        at = type(uint256).max;
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].emitter != emitter || logs[i].topics.length == 0 || logs[i].topics[0] != sig) continue;
            if (withId && (logs[i].topics.length < 2 || logs[i].topics[1] != bytes32(id))) continue;
            at = i;
        }
    }

    /*//////////////////////////////////////////////////////////////
                 FIXED FINDING: COMPANY IDENTITY EVENT ORDER
    //////////////////////////////////////////////////////////////*/

    /// @notice Audit finding, fixed: register emitted Locked / URI / CompanyRegistered after `_mint`'s receiver callback. A holder
    /// contract that burns from onERC1155Received leaves IdentityBurned(id) BEFORE CompanyRegistered(id) in the log, so
    /// an event indexer (chain/'s identity index) replays "registered" last and shows a live identity that does not
    /// exist on chain. Fixed: the lifecycle events of an id are in state order (events before `_mint`, or a guard).
    function test_holds_registerEventsBeforeReentrantBurn() public {
        ReentrantCompany company = new ReentrantCompany(_identities);
        vm.recordLogs();
        uint256 id = company.registerThen(ReentrantCompany.Action.Burn, CID, "");
        Vm.Log[] memory logs = vm.getRecordedLogs();
        assertFalse(_identities.hasIdentity(address(company)), "state: burned");

        uint256 registered = _lastLog(logs, address(_identities), ICompanyIdentity.CompanyRegistered.selector, true, id);
        uint256 burned = _lastLog(logs, address(_identities), ICompanyIdentity.IdentityBurned.selector, true, id);
        assertTrue(registered != type(uint256).max && burned != type(uint256).max);
        assertLt(registered, burned, "CompanyRegistered(id) must precede IdentityBurned(id)");
    }

    /// @notice Finding (same root cause): a profile update from the mint callback is evented before the mint's own
    /// URI / CompanyRegistered, so the last URI(…, 1) in the log names the first CID while `uri(1)` is the second.
    function test_holds_registerEventsBeforeReentrantUpdate() public {
        ReentrantCompany company = new ReentrantCompany(_identities);
        vm.recordLogs();
        uint256 id = company.registerThen(ReentrantCompany.Action.Update, CID, CID2);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        assertEq(_identities.uri(id), string.concat("ipfs://", CID2), "state: updated");

        bytes32 uriSig = keccak256("URI(string,uint256)");
        uint256 lastUri = _lastLog(logs, address(_identities), uriSig, true, id);
        assertTrue(lastUri != type(uint256).max);
        assertEq(abi.decode(logs[lastUri].data, (string)), _identities.uri(id), "last URI event must be uri(id)");
    }

    /*//////////////////////////////////////////////////////////////
                        HOLDS: COMPANY IDENTITY
    //////////////////////////////////////////////////////////////*/

    /// @notice State is written before the mint callback: re-entering register from it reverts the whole mint.
    function test_holds_reentrantRegisterFromMintCallbackRefused() public {
        ReentrantCompany company = new ReentrantCompany(_identities);
        uint256 next = _identities.identityCount() + 1;
        vm.expectRevert(
            abi.encodeWithSelector(ICompanyIdentity.CompanyIdentityAlreadyRegistered.selector, address(company), next)
        );
        company.registerThen(ReentrantCompany.Action.RegisterAgain, CID, CID2);
        assertFalse(_identities.hasIdentity(address(company)));
        assertEq(_identities.identityCount(), next - 1);
    }

    /// @notice A burned id is gone for every view (uri, locked, lockedBatch, holderOf, profileCid) and never reused.
    function test_holds_burnedIdUnknownEverywhereAndNeverReused() public {
        vm.startPrank(_bystander);
        uint256 old = _identities.register(CID);
        _identities.burn();
        uint256 fresh = _identities.register(CID2);
        vm.stopPrank();
        assertGt(fresh, old);
        bytes memory unknown = abi.encodeWithSelector(ICompanyIdentity.CompanyIdentityUnknownIdentity.selector, old);
        vm.expectRevert(unknown);
        _identities.uri(old);
        vm.expectRevert(unknown);
        _identities.locked(old);
        vm.expectRevert(unknown);
        _identities.holderOf(old);
        vm.expectRevert(unknown);
        _identities.profileCid(old);
        uint256[] memory ids = new uint256[](2);
        (ids[0], ids[1]) = (fresh, old);
        vm.expectRevert(unknown);
        _identities.lockedBatch(ids);
        assertEq(_identities.balanceOf(_bystander, old), 0);
        assertEq(_identities.balanceOf(_bystander, fresh), 1);
        // Id 0 is never an identity.
        vm.expectRevert(abi.encodeWithSelector(ICompanyIdentity.CompanyIdentityUnknownIdentity.selector, 0));
        _identities.uri(0);
    }

    /// @notice No operator can ever exist, an empty batch move reverts too, and nothing but ERC-1155 (+ metadata,
    /// 6268, 5192, 165) is claimed.
    function test_holds_noOperatorNoEmptyBatchNoForeignInterface() public {
        vm.prank(_bystander);
        _identities.register(CID);
        assertFalse(_identities.isApprovedForAll(_bystander, _squatter));
        vm.expectRevert(
            abi.encodeWithSelector(ICompanyIdentity.CompanyIdentitySoulbound.selector, _bystander, _squatter, 0)
        );
        vm.prank(_bystander);
        _identities.safeBatchTransferFrom(_bystander, _squatter, new uint256[](0), new uint256[](0), "");
        assertFalse(_identities.supportsInterface(0x80ac58cd)); // ERC-721
        assertFalse(_identities.supportsInterface(0xffffffff));
        assertTrue(_identities.supportsInterface(0xd9b67a26)); // ERC-1155
        assertTrue(_identities.supportsInterface(0x0e89341c)); // metadata URI
    }

    /*//////////////////////////////////////////////////////////////
                  HOLDS: INSTALLERS AND DEVICE ACCESS
    //////////////////////////////////////////////////////////////*/

    /// @notice A removed admin can no longer revoke the organisation's devices; the remaining admin can.
    function test_holds_removedAdminCannotRevoke() public {
        address second = makeAddr("second admin");
        vm.prank(_installerAdmin);
        _installers.addAdmin(_organisationId, second, "bafkreim3");
        vm.prank(second);
        _installers.removeAdmin(_organisationId, _installerAdmin, "bafkreim4");
        vm.expectRevert(
            abi.encodeWithSelector(
                IDeviceRegistry.DeviceRegistryNotOrganisationAdmin.selector, _organisationId, _installerAdmin
            )
        );
        vm.prank(_installerAdmin);
        _registry.revokeDevice(SOLAR, 2);
        // And the last admin cannot leave, not even by itself.
        vm.expectRevert(
            abi.encodeWithSelector(IInstallerRegistry.InstallerRegistryLastAdmin.selector, _organisationId, second)
        );
        vm.prank(second);
        _installers.removeAdmin(_organisationId, second, "bafkreim5");
        vm.prank(second);
        _registry.revokeDevice(SOLAR, 2);
        assertFalse(_registry.isActive(SOLAR));
    }

    /// @notice Organisation 0, an unknown one, and ids that would alias a real one after a uint48 truncation are all
    /// refused by the membership check before any SafeCast.
    function test_holds_orgZeroUnknownAndUint48AliasRefused() public {
        uint256[3] memory orgs = [uint256(0), _installers.organisationCount() + 1, (uint256(1) << 48) + _organisationId];
        for (uint256 i; i < orgs.length; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(IDeviceRegistry.DeviceRegistryNotElectrician.selector, orgs[i], _electrician)
            );
            vm.prank(_electrician);
            _registry.certifyDevice(orgs[i], "GRID_0001", 2, abi.encodePacked(bytes32(uint256(1))), _meterOwner, 3, 1);
        }
        assertFalse(_installers.isElectrician((uint256(1) << 48) + _organisationId, _electrician));
    }

    /// @notice uint40 timestamps never truncate: past 2^40 - 1 certify and revoke revert with SafeCast's error (a
    /// truncated revokedAt of 0 would have read as "not revoked").
    function test_holds_uint40TimestampsRevertInsteadOfTruncating() public {
        uint256 overflow = uint256(type(uint40).max) + 1;
        vm.warp(overflow);
        bytes memory err = abi.encodeWithSelector(SafeCast.SafeCastOverflowedUintDowncast.selector, uint8(40), overflow);
        vm.expectRevert(err);
        vm.prank(_electrician);
        _registry.certifyDevice(
            _organisationId, "GRID_0002", 2, abi.encodePacked(bytes32(uint256(2))), _meterOwner, 3, 1
        );
        vm.expectRevert(err);
        vm.prank(_installerAdmin);
        _registry.revokeDevice(SOLAR, 1);
        assertTrue(_registry.isActive(SOLAR));
        // At 2^40 - 1 it still fits.
        vm.warp(overflow - 1);
        _revoke(SOLAR);
        assertEq(_registry.getDevice(SOLAR).revokedAt, overflow - 1);
    }

    /// @notice Revocation is final: a second revoke reverts with the first revokedAt, the id cannot be certified
    /// again (not even by its organisation), and isValidAt flips exactly at revokedAt.
    function test_holds_revocationFinalAndBoundary() public {
        vm.warp(block.timestamp + 10);
        _revoke(SOLAR);
        uint64 revokedAt = uint64(block.timestamp);
        vm.warp(block.timestamp + 10);
        vm.expectRevert(abi.encodeWithSelector(IDeviceRegistry.DeviceRegistryAlreadyRevoked.selector, SOLAR, revokedAt));
        vm.prank(_installerAdmin);
        _registry.revokeDevice(SOLAR, 4);
        assertEq(_registry.getDevice(SOLAR).revocationReason, 1);
        vm.expectRevert(abi.encodeWithSelector(IDeviceRegistry.DeviceRegistryAlreadyRegistered.selector, SOLAR));
        vm.prank(_electrician);
        _registry.certifyDevice(_organisationId, SOLAR, 2, abi.encodePacked(bytes32(uint256(3))), _meterOwner, 1, 1);
        assertTrue(_registry.isValidAt(SOLAR, revokedAt - 1));
        assertFalse(_registry.isValidAt(SOLAR, revokedAt));
    }

    /// @notice A device whose owner burned its identity after certification stays certified and valid with the same
    /// owner (documented: the owner held an identity at certification); no new device can be certified to it.
    function test_holds_ownerIdentityBurnedAfterCertification() public {
        vm.prank(_meterOwner);
        _identities.burn();
        IDeviceRegistry.Device memory d = _registry.getDevice(SOLAR);
        assertEq(d.owner, _meterOwner);
        assertTrue(_registry.isActive(SOLAR));
        assertFalse(_identities.hasIdentity(d.owner));
        vm.expectRevert(
            abi.encodeWithSelector(IDeviceRegistry.DeviceRegistryOwnerWithoutIdentity.selector, _meterOwner)
        );
        vm.prank(_electrician);
        _registry.certifyDevice(
            _organisationId, "SOLR_0500", 2, abi.encodePacked(bytes32(uint256(4))), _meterOwner, 1, 1
        );
    }

    /// @notice DeviceCertified + DeviceRevoked (and the block time of the certification) rebuild getDevice exactly.
    function test_holds_deviceEventsRebuildState() public {
        bytes9 id = "STOR_0007";
        (uint256 x, uint256 y) = vm.publicKeyP256(0xABCDEF);
        vm.recordLogs();
        vm.prank(_electrician);
        _registry.certifyDevice(_organisationId, id, 1, abi.encodePacked(x, y), _meterOwner, 2, 777);
        uint64 certifiedAt = uint64(block.timestamp);
        vm.warp(block.timestamp + 5);
        vm.prank(_installerAdmin);
        _registry.revokeDevice(id, 4);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        assertEq(logs.length, 2);

        IDeviceRegistry.Device memory rebuilt;
        assertEq(logs[0].topics[0], IDeviceRegistry.DeviceCertified.selector);
        rebuilt.deviceId = bytes9(logs[0].topics[1]);
        rebuilt.organisationId = uint256(logs[0].topics[2]);
        rebuilt.certifier = address(uint160(uint256(logs[0].topics[3])));
        (rebuilt.owner, rebuilt.keyType, rebuilt.publicKey, rebuilt.role, rebuilt.ratedCapacityW) =
            abi.decode(logs[0].data, (address, uint8, bytes, uint8, uint32));
        rebuilt.certifiedAt = certifiedAt;
        assertEq(logs[1].topics[0], IDeviceRegistry.DeviceRevoked.selector);
        assertEq(bytes9(logs[1].topics[1]), id);
        assertEq(uint256(logs[1].topics[2]), rebuilt.organisationId);
        assertEq(address(uint160(uint256(logs[1].topics[3]))), _installerAdmin);
        (rebuilt.revocationReason, rebuilt.revokedAt) = abi.decode(logs[1].data, (uint8, uint64));
        assertEq(abi.encode(rebuilt), abi.encode(_registry.getDevice(id)));
    }

    /// @notice Trust lists: only the caller grows its own list, and trust/distrust cost does not grow with its size
    /// (EnumerableSet swap-and-pop); no state-changing loop is reachable by another account.
    function test_holds_trustListConstantCostAndPrivate() public {
        address big = makeAddr("big truster");
        address small = makeAddr("small truster");
        vm.startPrank(_squatter);
        for (uint256 i; i < 200; ++i) {
            _installers.createOrganisation("Spam", "bafkreispam");
        }
        vm.stopPrank();
        uint256 count = _installers.organisationCount();
        vm.startPrank(big);
        for (uint256 i = 1; i <= count; ++i) {
            _installers.trust(i);
        }
        vm.stopPrank();
        vm.startPrank(small);
        _installers.trust(1);
        _installers.trust(2);
        vm.stopPrank();
        assertEq(_installers.trustedOrganisations(small).length, 2);

        vm.prank(big);
        uint256 g0 = gasleft();
        _installers.distrust(1);
        uint256 bigCost = g0 - gasleft();
        vm.prank(small);
        g0 = gasleft();
        _installers.distrust(1);
        uint256 smallCost = g0 - gasleft();
        assertApproxEqAbs(bigCost, smallCost, 3_000);
        assertEq(_installers.trustedOrganisations(big).length, count - 1);
        assertFalse(_installers.trusts(big, 1));
        assertTrue(_installers.trusts(big, count));
    }

    /*//////////////////////////////////////////////////////////////
                     HOLDS: CHALLENGER, REASONS 16 AND 6
    //////////////////////////////////////////////////////////////*/

    /// @notice A revocation in the very block that records the window (revokedAt == recordedAt) cannot reach back:
    /// every reading of a closed window is timestamped before it, so reason 16 proves nothing.
    function test_holds_reason16RevokedInTheRecordBlock() public {
        ReadingSpec[] memory solar = new ReadingSpec[](2);
        solar[0] = _spec(10, 0, 1000, SOLAR_KEY);
        solar[1] = _spec(11, WINDOW_SECONDS - 1, 1010, SOLAR_KEY);
        _addDevice(SOLAR, solar);
        _recordWindow();
        _revoke(SOLAR);
        assertEq(_registry.getDevice(SOLAR).revokedAt, _logger.getWindow(_windowStart).recordedAt);
        for (uint256 i; i < 2; ++i) {
            _expectRejected(_leaf(_signed[0][i]), 0);
            _challengeReading(0, i);
        }
        assertEq(_logger.deviceFrozenReason(_windowStart, SOLAR), 0);
    }

    /// @notice Reason 16 needs no signature check, so it works for Ed25519 devices: revoked 60 s into a window, the
    /// reading at revokedAt freezes the summary, the one before is rejected.
    function test_holds_reason16Ed25519Device() public {
        uint64 start = _nextWindowStart();
        _startWindow(start);
        ReadingSpec[] memory hydro = new ReadingSpec[](2);
        hydro[0] = _spec(7, 59, 70, 0);
        hydro[1] = _spec(8, 60, 71, 0);
        _addDevice(HYDRO, hydro);
        vm.warp(start + 60);
        _revoke(HYDRO);
        vm.warp(start + 3600);
        _recordWindow();
        _expectRejected(_leaf(_signed[0][0]), 0);
        _challengeReading(0, 0);
        _expectFrozen(0, 16, _leaf(_signed[0][1]));
        _challengeReading(0, 1);
        assertEq(_logger.deviceFrozenReason(start, HYDRO), 16);
    }

    /// @notice Reason 16 applies only to revoked devices: an uncertified device's reading proves nothing through
    /// challengeReading (it is reason 6, through challengeSignature, instead).
    function test_holds_reason16NotForUncertifiedDevice() public {
        ReadingSpec[] memory ghost = new ReadingSpec[](1);
        ghost[0] = _spec(1, 0, 1, SOLAR_KEY);
        _addDevice("GHST_0001", ghost);
        _recordWindow();
        _expectRejected(_leaf(_signed[0][0]), 0);
        _challengeReading(0, 0);
        _expectFrozen(0, 6, _leaf(_signed[0][0]));
        _challengeSignature(0, 0);
    }

    /// @notice An Ed25519 device certified after the record is reason 6 (checked before the key type), not
    /// WindowChallengerUnsupportedKeyType.
    function test_holds_reason6Ed25519CertifiedAfterRecord() public {
        bytes9 late = "BIOM_0011";
        ReadingSpec[] memory readings = new ReadingSpec[](1);
        readings[0] = _spec(1, 0, 1, 0);
        _addDevice(late, readings);
        _recordWindow();
        vm.warp(block.timestamp + 1);
        _certifyEd25519(late);
        _expectFrozen(0, 6, _leaf(_signed[0][0]));
        _challengeSignature(0, 0);
    }

    /// @notice certifiedAt == recordedAt (certified in the record's block or second) counts as known: block time
    /// cannot order two transactions of one second, and the conservative side never freezes an honest window (chains
    /// with sub-second blocks share timestamps). A valid signature then proves nothing.
    function test_holds_certifiedInTheRecordSecondIsKnown() public {
        bytes9 sameSecond = "TRAN_0012";
        uint256 key = 0x7AA5;
        ReadingSpec[] memory readings = new ReadingSpec[](1);
        readings[0] = _spec(1, 0, 1, key);
        _addDevice(sameSecond, readings);
        _recordWindow();
        _certifyP256(sameSecond, key);
        assertEq(_registry.getDevice(sameSecond).certifiedAt, _logger.getWindow(_windowStart).recordedAt);
        _expectRejected(_leaf(_signed[0][0]), 1);
        _challengeSignature(0, 0);
    }
}
