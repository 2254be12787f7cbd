import { describe, expect, it } from 'vitest';
import { encodeAbiParameters, keccak256 } from 'viem';
import { deviceSummaryLeaf, encodeDeviceSummary, type DeviceSummary } from './leaves.js';
import { decodeWindowReport, encodeWindowReport, type WindowReport } from './report.js';
import { toHex } from './bytes.js';

const summary: DeviceSummary = {
  deviceId: 'SOLR_0001',
  readingsRoot: `0x${'ab'.repeat(32)}`,
  readingCount: 12,
  firstCounter: 100,
  lastCounter: 111,
  energyStartWh: 5000,
  energyEndWh: 5600,
  baselineLeaf: `0x${'cd'.repeat(32)}`,
};

describe('ABI encodings written by hand match viem', () => {
  it('device summary = abi.encode(bytes9, bytes32, uint32, uint64, uint64, uint64, uint64, bytes32)', () => {
    const expected = encodeAbiParameters(
      [
        { type: 'bytes9' },
        { type: 'bytes32' },
        { type: 'uint32' },
        { type: 'uint64' },
        { type: 'uint64' },
        { type: 'uint64' },
        { type: 'uint64' },
        { type: 'bytes32' },
      ],
      [toHex(new TextEncoder().encode('SOLR_0001')), summary.readingsRoot, 12, 100n, 111n, 5000n, 5600n, summary.baselineLeaf],
    );
    expect(toHex(encodeDeviceSummary(summary))).toBe(expected);
    expect(deviceSummaryLeaf(summary)).toBe(keccak256(keccak256(expected)));
  });

  it('window report = abi.encode(uint64, uint32, bytes32, bytes32, uint32, uint32, uint64) and decodes back', () => {
    const report: WindowReport = {
      windowStart: 1767225600,
      windowSeconds: 300,
      root: `0x${'11'.repeat(32)}`,
      cidDigest: `0x${'22'.repeat(32)}`,
      deviceCount: 3,
      readingCount: 12,
      energyWh: 2n ** 40n,
    };
    const expected = encodeAbiParameters(
      [{ type: 'uint64' }, { type: 'uint32' }, { type: 'bytes32' }, { type: 'bytes32' }, { type: 'uint32' }, { type: 'uint32' }, { type: 'uint64' }],
      [1767225600n, 300, report.root, report.cidDigest, 3, 12, 2n ** 40n],
    );
    expect(encodeWindowReport(report)).toBe(expected);
    expect(decodeWindowReport(expected)).toEqual(report);
    expect(() => decodeWindowReport(expected.slice(0, -2) as `0x${string}`)).toThrow(expect.objectContaining({ code: 'INVALID_REPORT' }));
  });

  it('window report carries an energyWh beyond 2^53 exactly, up to uint64, and refuses more or a lossy number', () => {
    const base = {
      windowStart: 1767225600,
      windowSeconds: 300,
      root: `0x${'11'.repeat(32)}`,
      cidDigest: `0x${'22'.repeat(32)}`,
      deviceCount: 2,
      readingCount: 4,
    } as const;
    const exact = encodeWindowReport({ ...base, energyWh: 18014398509484507n });
    expect(exact.slice(-16)).toBe(18014398509484507n.toString(16).padStart(16, '0'));
    expect(decodeWindowReport(exact).energyWh).toBe(18014398509484507n);
    expect(decodeWindowReport(encodeWindowReport({ ...base, energyWh: 2n ** 64n - 1n })).energyWh).toBe(2n ** 64n - 1n);
    expect(encodeWindowReport({ ...base, energyWh: 5 })).toBe(encodeWindowReport({ ...base, energyWh: 5n }));
    for (const energyWh of [2n ** 64n, -1n, 2 ** 54, 1.5]) {
      expect(() => encodeWindowReport({ ...base, energyWh })).toThrow(
        expect.objectContaining({ code: 'INVALID_REPORT', details: expect.objectContaining({ field: 'energyWh' }) }),
      );
    }
    expect(() => encodeWindowReport({ ...base, energyWh: 1n, readingCount: 2 ** 32 })).toThrow(expect.objectContaining({ code: 'INVALID_REPORT' }));
  });
});
