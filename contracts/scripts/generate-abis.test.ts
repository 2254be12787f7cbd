import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  companyIdentityAbi,
  dataLoggerAbi,
  deviceRegistryAbi,
  functionsWindowAnchorAbi,
  installerRegistryAbi,
  keystoneForwarderAbi,
  timelockControllerAbi,
  windowChallengerAbi,
} from '../../protocol/src/generated/contracts.js';
import { HEADER, modulePath, renderAbiModule } from './generate-abis.js';

describe('generated ABI module', () => {
  it('matches what the current forge output generates (run `npm run abis -w contracts` if not)', () => {
    expect(readFileSync(modulePath, 'utf8')).toBe(renderAbiModule());
  });

  it('starts with the generated-file header', () => {
    expect(readFileSync(modulePath, 'utf8').split('\n')[0]).toBe(HEADER);
  });

  it('exports the functions the other packages call', () => {
    const names = (abi: readonly { type: string; name?: string }[]) => abi.filter((x) => x.type === 'function').map((x) => x.name);
    expect(names(deviceRegistryAbi)).toEqual(
      expect.arrayContaining([
        'certifyDevice',
        'revokeDevice',
        'getDevice',
        'getDevices',
        'isActive',
        'isValidAt',
        'isKnownSector',
        'deviceCount',
        'deviceIdAt',
      ]),
    );
    expect(names(companyIdentityAbi)).toEqual(
      expect.arrayContaining(['register', 'updateProfile', 'burn', 'identityOf', 'hasIdentity', 'holderOf', 'profileCid', 'uri', 'locked', 'lockedBatch']),
    );
    expect(names(installerRegistryAbi)).toEqual(
      expect.arrayContaining([
        'createOrganisation',
        'addAdmin',
        'removeAdmin',
        'addElectrician',
        'removeElectrician',
        'publishMemberList',
        'trust',
        'distrust',
        'getOrganisation',
        'isAdmin',
        'isElectrician',
        'trustedOrganisations',
      ]),
    );
    expect(names(dataLoggerAbi)).toEqual(
      expect.arrayContaining(['onReport', 'getWindow', 'getCommitment', 'isCommitted', 'isRecorded', 'verifyDeviceSummary', 'verifyReading']),
    );
    expect(names(dataLoggerAbi)).toEqual(
      expect.arrayContaining(['recordWindow', 'freezeDevice', 'freezeTotals', 'deviceFrozenReason', 'correctionOf', 'setRecorder', 'setFunctionsSourceHash']),
    );
    expect(names(timelockControllerAbi)).toEqual(expect.arrayContaining(['schedule', 'execute', 'getMinDelay']));
    expect(names(keystoneForwarderAbi)).toEqual(expect.arrayContaining(['report', 'setConfig']));
    expect(names(windowChallengerAbi)).toEqual(
      expect.arrayContaining(['challengeSignature', 'challengeReading', 'challengeReadingPair', 'challengeContinuity', 'challengeTotals']),
    );
    expect(names(functionsWindowAnchorAbi)).toEqual(
      expect.arrayContaining(['checkUpkeep', 'performUpkeep', 'handleOracleFulfillment', 'requestWindow', 'dueWindow', 'phaseOf']),
    );
  });
});
