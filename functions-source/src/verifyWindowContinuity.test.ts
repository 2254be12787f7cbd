import { describe, expect, it } from 'vitest';
import { buildWindowDocument, encodeWindowDocument, readingLeaf } from '@gridproof/protocol';
import { previousWindowOf, verifyWindow, type PreviousWindow } from './verifyWindow.js';
import { WindowVerificationCode as Code, WindowVerificationError } from './errors.js';
import { WINDOW_SECONDS, continuityWindows, reading, signed, verifyParams } from './testing/windowFixture.js';

// W2 is the verified window; W1 the one right before it (see continuityWindows).
const { W1, W2, r1, r3, r4, r5, windowBytes, window1 } = continuityWindows();
const previous: PreviousWindow = previousWindowOf(window1);

function refusal(bytes: Uint8Array, prev: PreviousWindow): WindowVerificationError {
  let caught: unknown;
  try {
    verifyWindow(verifyParams(bytes, { previous: prev }));
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(WindowVerificationError);
  return caught as WindowVerificationError;
}

describe('verifyWindow continuity against the previous recorded window', () => {
  it('reads the previous window: its summaries and the leaf of each last reading', () => {
    expect(previous).toMatchObject({ windowStart: W1, windowSeconds: WINDOW_SECONDS });
    expect(previous.devices).toHaveLength(1);
    expect(previous.devices[0]).toMatchObject({ deviceId: 'SOLR_0001', lastCounter: 3, energyEndWh: 30, lastReadingLeaf: readingLeaf(r3) });
  });

  it('accepts the honest window 2, whose baseline is window 1’s last reading: 30 + 20 = 50 Wh', () => {
    const out = verifyWindow(verifyParams(windowBytes(W2, [r4, r5], r3), { previous }));
    expect(out.report.energyWh).toBe(20n);
  });

  it('refuses the stale baseline that counts window 1 twice (80 Wh recorded for 50 Wh of meter movement)', () => {
    const stale = windowBytes(W2, [r4, r5], r1);
    // Without the previous window, the stale batch is self-consistent: it would record 50 Wh on top of window 1's 30.
    expect(verifyWindow(verifyParams(stale)).report.energyWh).toBe(50n);
    const err = refusal(stale, previous);
    expect(err.code).toBe(Code.CONTINUITY_BROKEN);
    expect(err.message).toContain('SOLR_0001 at devices[0] starts at 0 Wh, below the 30 Wh it ended window');
    expect(err.location).toMatchObject({ deviceId: 'SOLR_0001', field: 'energyStartWh', energyStartWh: 0, previousEnergyEndWh: 30, previousWindowStart: W1 });
  });

  it('refuses counters that overlap the previous window', () => {
    const r3again = signed(reading('SOLR_0001', 3, W2 + 1, 40));
    const err = refusal(windowBytes(W2, [r3again, r5], r1), previous);
    expect(err.code).toBe(Code.CONTINUITY_BROKEN);
    expect(err.location).toMatchObject({ field: 'firstCounter', firstCounter: 3, previousLastCounter: 3 });
  });

  it('for the window right before, requires its last reading as the baseline, not just any reading in between', () => {
    // An unrecorded reading #3b between the windows, at the same energy: continuity of energy holds, the baseline does not.
    const between = signed(reading('SOLR_0001', 4, W2 - 1, 30));
    const r5b = signed(reading('SOLR_0001', 5, W2 + 1, 40));
    const err = refusal(windowBytes(W2, [r5b], between), previous);
    expect(err.code).toBe(Code.CONTINUITY_BROKEN);
    expect(err.location).toMatchObject({ field: 'baselineLeaf', expectedBaselineLeaf: readingLeaf(r3) });
    // No baseline at all breaks it too.
    expect(refusal(windowBytes(W2, [r4, r5], null), previous).location).toMatchObject({ field: 'baselineLeaf' });
  });

  it('against an older recorded window (a gap between), checks counters and energy only', () => {
    const older: PreviousWindow = { ...previous, windowStart: W1 - WINDOW_SECONDS };
    const gapBaseline = signed(reading('SOLR_0001', 4, W2 - 100, 35));
    const r6 = signed(reading('SOLR_0001', 6, W2 + 1, 45));
    expect(verifyWindow(verifyParams(windowBytes(W2, [r6], gapBaseline), { previous: older })).report.energyWh).toBe(10n);
    expect(refusal(windowBytes(W2, [r4, r5], r1), older).location).toMatchObject({ field: 'energyStartWh' });
  });

  it('ignores devices the previous window does not hold, and refuses a previous window that is not before', () => {
    const other = signed(reading('SOLR_0002', 1, W2 + 1, 7));
    const bytes = encodeWindowDocument(
      buildWindowDocument({
        windowStart: W2,
        windowSeconds: WINDOW_SECONDS,
        devices: [
          { deviceId: 'SOLR_0001', readings: [r4, r5], baseline: r3 },
          { deviceId: 'SOLR_0002', readings: [other] },
        ],
      }),
    );
    expect(verifyWindow(verifyParams(bytes, { previous })).report.deviceCount).toBe(2);
    expect(refusal(bytes, { ...previous, windowStart: W2 }).code).toBe(Code.INVALID_ARGUMENTS);
  });
});
