import { encodeAbiParameters } from 'viem';
import { describe, expect, it } from 'vitest';
import { toHex } from './bytes.js';
import { InvalidReportError } from './errors.js';
import { encodeCommitReport, encodeCorrectionReport, encodeWindowReport, reportKindOf } from './report.js';

const digest = `0x${'ab'.repeat(32)}` as const;

describe('commit and correction reports (two-phase anchor)', () => {
  it('encode as abi.encode of their words, 64 and 128 bytes', () => {
    expect(encodeCommitReport({ windowStart: 1767225600, cidDigest: digest })).toBe(
      encodeAbiParameters([{ type: 'uint64' }, { type: 'bytes32' }], [1767225600n, digest]),
    );
    const deviceId = toHex(new TextEncoder().encode('SOLR_0001'));
    const leaf = `0x${'cd'.repeat(32)}` as const;
    expect(encodeCorrectionReport({ windowStart: 1767225600, deviceId, summaryLeaf: leaf, cidDigest: digest })).toBe(
      encodeAbiParameters([{ type: 'uint64' }, { type: 'bytes9' }, { type: 'bytes32' }, { type: 'bytes32' }], [1767225600n, deviceId, leaf, digest]),
    );
  });

  it('are told apart by length, as the DataLogger does', () => {
    const record = encodeWindowReport({ windowStart: 0, windowSeconds: 300, root: digest, cidDigest: digest, deviceCount: 1, readingCount: 1, energyWh: 0n });
    expect(reportKindOf(record)).toBe('record');
    expect(reportKindOf(encodeCommitReport({ windowStart: 0, cidDigest: digest }))).toBe('commit');
    expect(reportKindOf('0x00')).toBeUndefined();
  });

  it('refuses a zero digest or a start that is not a safe integer', () => {
    expect(() => encodeCommitReport({ windowStart: 0, cidDigest: `0x${'00'.repeat(32)}` })).toThrow(InvalidReportError);
    expect(() => encodeCommitReport({ windowStart: -1, cidDigest: digest })).toThrow(/windowStart/);
  });
});
